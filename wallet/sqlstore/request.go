package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/wallet"
)

const requestColumns = `id, requester_id, payer_id, currency, amount, message, status, split_id, transfer_id, attempt, idem_key, seq, created_us, expires_us, updated_us`

func scanRequest(r rowScanner) (*wallet.RequestRecord, error) {
	var q wallet.RequestRecord
	var created, expires, updated int64
	if err := r.Scan(&q.ID, &q.Requester.UserID, &q.Payer.UserID, &q.Amount.Currency, &q.Amount.Minor, &q.Message, &q.Status,
		&q.SplitID, &q.TransferID, &q.Attempt, &q.IdempotencyKey, &q.Seq, &created, &expires, &updated); err != nil {
		return nil, err
	}
	q.Created, q.Expires, q.Updated = sqldb.FromMicros(created), sqldb.FromMicros(expires), sqldb.FromMicros(updated)
	return &q, nil
}

func queryRequests(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, where string, args ...any) ([]*wallet.RequestRecord, error) {
	out, err := queryAll(ctx, q, scanRequest, `SELECT `+requestColumns+` FROM wallet_requests WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read requests: %w", err)
	}
	return out, nil
}

// CreateRequests implements wallet.MoneyStore.
func (s *Store) CreateRequests(ctx context.Context, rs []*wallet.RequestRecord) ([]*wallet.RequestRecord, bool, error) {
	if len(rs) == 0 {
		return nil, false, errors.New("create requests: none given")
	}
	byKey := `requester_id = ? AND idem_key = ? ORDER BY seq`
	first := rs[0]
	var stored []*wallet.RequestRecord
	var created bool
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		stored, created = nil, false
		prev, err := queryRequests(ctx, tx, byKey, first.Requester.UserID, first.IdempotencyKey)
		if err != nil {
			return err
		}
		if len(prev) > 0 {
			stored = prev
			return nil
		}
		for _, r := range rs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO wallet_requests (`+requestColumns+`) VALUES (`+sqldb.Marks(15)+`)`,
				r.ID, r.Requester.UserID, r.Payer.UserID, r.Amount.Currency, r.Amount.Minor, r.Message, r.Status,
				r.SplitID, r.TransferID, r.Attempt, r.IdempotencyKey, r.Seq, sqldb.Micros(r.Created), sqldb.Micros(r.Expires), sqldb.Micros(r.Created)); err != nil {
				return fmt.Errorf("insert request: %w", err)
			}
		}
		stored, created = rs, true
		return nil
	})
	if err != nil && sqldb.IsDuplicate(err) {
		prev, rerr := queryRequests(ctx, s.db.Read, byKey, first.Requester.UserID, first.IdempotencyKey)
		return prev, false, rerr
	}
	if err != nil {
		return nil, false, err
	}
	return stored, created, nil
}

// Request implements wallet.MoneyStore.
func (s *Store) Request(ctx context.Context, id string) (*wallet.RequestRecord, error) {
	rs, err := queryRequests(ctx, s.db.Read, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, &cashless.Error{Code: wallet.ERequestNotFound, Message: "No such request."}
	}
	return rs[0], nil
}

// SetRequestStatus implements wallet.MoneyStore.
func (s *Store) SetRequestStatus(ctx context.Context, id, status string, at time.Time) (bool, error) {
	var n int64
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = execAffected(ctx, tx, `UPDATE wallet_requests SET status = ?, updated_us = ? WHERE id = ? AND status = ? AND expires_us > ?`,
			status, sqldb.Micros(at), id, wallet.RequestPending, sqldb.Micros(at))
		if err != nil {
			return fmt.Errorf("update request: %w", err)
		}
		return nil
	})
	return n > 0, err
}

// Requests implements wallet.MoneyStore.
func (s *Store) Requests(ctx context.Context, userID string, p cashless.Page) ([]*wallet.RequestRecord, bool, error) {
	return listPage(ctx, s.db.Read, `SELECT `+requestColumns+` FROM wallet_requests`, []pageStream{
		{where: `requester_id = ?`, args: []any{userID}},
		{where: `payer_id = ?`, args: []any{userID}},
	}, p, scanRequest, func(r *wallet.RequestRecord) string { return r.ID })
}

// ExpireRequests implements wallet.MoneyStore.
func (s *Store) ExpireRequests(ctx context.Context, now time.Time, limit int) (int, error) {
	var n int64
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, `SELECT id FROM wallet_requests WHERE status = ? AND expires_us <= ? ORDER BY expires_us LIMIT ?`,
			wallet.RequestPending, sqldb.Micros(now), limit)
		if err != nil {
			return fmt.Errorf("find expired requests: %w", err)
		}
		var args []any
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("find expired requests: %w", err)
			}
			args = append(args, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find expired requests: %w", err)
		}
		if len(args) == 0 {
			return nil
		}
		n, err = execAffected(ctx, tx, `UPDATE wallet_requests SET status = ?, updated_us = ? WHERE status = ? AND id IN (`+sqldb.Marks(len(args))+`)`,
			append([]any{wallet.RequestExpired, sqldb.Micros(now), wallet.RequestPending}, args...)...)
		if err != nil {
			return fmt.Errorf("expire requests: %w", err)
		}
		return nil
	})
	return int(n), err
}
