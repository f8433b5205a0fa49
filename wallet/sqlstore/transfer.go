package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/intent/sqlqueue"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/wallet"
)

const intentColumns = `id, sender_id, recipient_id, currency, amount, message, visibility, status, failure_code, request_id, idem_key, limit_windows, created_us, updated_us, attempt, client_key, lease_token, lease_until_us`

func scanIntent(r rowScanner) (*wallet.Intent, error) {
	var it wallet.Intent
	var windows string
	var created, updated, leaseUntil int64
	if err := r.Scan(&it.ID, &it.From.UserID, &it.To.UserID, &it.Amount.Currency, &it.Amount.Minor, &it.Message,
		&it.Visibility, &it.Status, &it.FailureCode, &it.RequestID, &it.IdempotencyKey, &windows, &created, &updated,
		&it.Attempt, &it.ClientKey, &it.Lease.Token, &leaseUntil); err != nil {
		return nil, err
	}
	if windows != "" {
		it.Windows = strings.Split(windows, ",")
	}
	it.Created, it.Updated, it.Lease.Until = sqldb.FromMicros(created), sqldb.FromMicros(updated), sqldb.FromMicros(leaseUntil)
	return &it, nil
}

func transferNotFound() error {
	return &cashless.Error{Code: wallet.ETransferNotFound, Message: "No such transfer."}
}

// readIntent reads one intent by a WHERE clause.
func readIntent(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, where string, args ...any) (*wallet.Intent, error) {
	it, err := scanIntent(q.QueryRowContext(ctx, `SELECT `+intentColumns+` FROM wallet_transfers WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, transferNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("read transfer: %w", err)
	}
	return it, nil
}

// CreateIntent implements wallet.MoneyStore.
func (s *Store) CreateIntent(ctx context.Context, in *wallet.Intent, caps []wallet.Reservation, stepUp *wallet.StepUpCheck) (*wallet.Intent, bool, error) {
	var stored *wallet.Intent
	var created bool
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		// No read first: a key used before makes the insert fail with a
		// duplicate key, and the stored intent is read below. Replays are
		// rare; every first send saves a statement.
		stored, created = nil, false
		if in.RequestID != "" {
			if err := s.checkPayable(ctx, tx, in.RequestID, in.From.UserID, in.Created); err != nil {
				return err
			}
		}
		if stepUp != nil {
			// A replay is answered as it was, whatever the window holds now.
			prev, err := readIntent(ctx, tx, `sender_id = ? AND idem_key = ?`, in.From.UserID, in.IdempotencyKey)
			if err == nil {
				stored, created = prev, prev.ID == in.ID
				return nil
			}
			if cashless.ErrorCode(err) != wallet.ETransferNotFound {
				return err
			}
			if err := s.checkStepUp(ctx, tx, in.From.UserID, in.Amount, in.Created, *stepUp); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO wallet_transfers (`+intentColumns+`) VALUES (`+sqldb.Marks(18)+`)`,
			in.ID, in.From.UserID, in.To.UserID, in.Amount.Currency, in.Amount.Minor, in.Message, string(in.Visibility),
			in.Status, in.FailureCode, in.RequestID, in.IdempotencyKey, strings.Join(in.Windows, ","),
			sqldb.Micros(in.Created), sqldb.Micros(in.Updated), in.Attempt, in.ClientKey, in.Lease.Token, sqldb.Micros(in.Lease.Until)); err != nil {
			return fmt.Errorf("insert transfer: %w", err)
		}
		for _, c := range caps {
			if err := s.reserve(ctx, tx, in.From.UserID, in.Amount, c); err != nil {
				return err
			}
		}
		cp := *in
		stored, created = &cp, true
		return nil
	})
	if err != nil && sqldb.IsDuplicate(err) {
		prev, rerr := s.IntentByKey(ctx, in.From.UserID, in.IdempotencyKey)
		if rerr != nil {
			return nil, false, rerr
		}
		return prev, prev.ID == in.ID, nil
	}
	if err != nil {
		return nil, false, err
	}
	return stored, created, nil
}

// checkPayable refuses to start paying a request that is not pending (or
// is past its expiry at now, even before the reconciler records it), or is
// not addressed to the payer.
func (s *Store) checkPayable(ctx context.Context, tx *sql.Tx, requestID, payer string, now time.Time) error {
	var status, payerID string
	var expires int64
	err := tx.QueryRowContext(ctx, `SELECT status, payer_id, expires_us FROM wallet_requests WHERE id = ?`+s.db.Dialect.ForUpdate(), requestID).Scan(&status, &payerID, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && payerID != payer) {
		return &cashless.Error{Code: wallet.ERequestNotFound, Message: "No such request."}
	}
	if err != nil {
		return fmt.Errorf("read request: %w", err)
	}
	if status == wallet.RequestPending && sqldb.Micros(now) >= expires {
		status = wallet.RequestExpired
	}
	if status != wallet.RequestPending {
		return &cashless.Error{Code: wallet.ERequestNotPending, Message: fmt.Sprintf("The request is %s.", status)}
	}
	return nil
}

// IntentByKey implements wallet.MoneyStore.
func (s *Store) IntentByKey(ctx context.Context, senderID, key string) (*wallet.Intent, error) {
	return readIntent(ctx, s.db.Read, `sender_id = ? AND idem_key = ?`, senderID, key)
}

// Intent implements wallet.MoneyStore.
func (s *Store) Intent(ctx context.Context, id string) (*wallet.Intent, error) {
	return readIntent(ctx, s.db.Read, `id = ?`, id)
}

// SucceedIntent implements wallet.MoneyStore.
func (s *Store) SucceedIntent(ctx context.Context, in *wallet.Intent, at time.Time, contacts ...*wallet.Contact) (bool, error) {
	var changed bool
	contactsQuery, contactsArgs := s.paymentContactsInsert(contacts)
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		changed = false
		// The usual case, an intent still processing, takes one statement;
		// the request it pays (if any) is named by the caller's intent,
		// which is the stored one.
		n, err := execAffected(ctx, tx, `UPDATE wallet_transfers SET status = ?, failure_code = '', updated_us = ? WHERE id = ? AND status = ?`,
			wallet.StatusSucceeded, sqldb.Micros(at), in.ID, wallet.StatusProcessing)
		if err != nil {
			return fmt.Errorf("update transfer: %w", err)
		}
		if n == 0 {
			it, err := readIntent(ctx, tx, `id = ?`, in.ID)
			if err != nil {
				return err
			}
			if it.Status == wallet.StatusFailed {
				return fmt.Errorf("record transfer %s: the ledger committed a transfer of an intent recorded as failed", in.ID)
			}
			return nil
		}
		if in.RequestID != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE wallet_requests SET status = ?, transfer_id = ?, updated_us = ? WHERE id = ? AND status <> ?`,
				wallet.RequestPaid, in.ID, sqldb.Micros(at), in.RequestID, wallet.RequestPaid); err != nil {
				return fmt.Errorf("mark request paid: %w", err)
			}
		}
		if contactsQuery != "" {
			if _, err := tx.ExecContext(ctx, contactsQuery, contactsArgs...); err != nil {
				return fmt.Errorf("insert contacts: %w", err)
			}
		}
		changed = true
		return nil
	})
	return changed, err
}

// FailIntent implements wallet.MoneyStore.
func (s *Store) FailIntent(ctx context.Context, id string, l intent.Lease, attempt int, code string, at time.Time) (bool, error) {
	var changed bool
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		changed = false
		n, err := execAffected(ctx, tx, `UPDATE wallet_transfers SET status = ?, failure_code = ?, updated_us = ?
			WHERE id = ? AND status = ? AND lease_token = ? AND attempt = ?`,
			wallet.StatusFailed, code, sqldb.Micros(at), id, wallet.StatusProcessing, l.Token, attempt)
		if err != nil {
			return fmt.Errorf("update transfer: %w", err)
		}
		if n == 0 {
			return nil
		}
		it, err := readIntent(ctx, tx, `id = ?`, id)
		if err != nil {
			return err
		}
		if err := s.release(ctx, tx, it.From.UserID, it.Windows, it.Amount); err != nil {
			return err
		}
		if it.RequestID != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE wallet_requests SET attempt = attempt + 1, updated_us = ? WHERE id = ? AND status = ?`,
				sqldb.Micros(at), it.RequestID, wallet.RequestPending); err != nil {
				return fmt.Errorf("start a new request attempt: %w", err)
			}
		}
		changed = true
		return nil
	})
	return changed, err
}

// NextAttempt implements wallet.MoneyStore.
func (s *Store) NextAttempt(ctx context.Context, id string, l intent.Lease, attempt int, at time.Time) (bool, error) {
	var n int64
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = execAffected(ctx, tx, `UPDATE wallet_transfers SET attempt = attempt + 1, updated_us = ?
			WHERE id = ? AND status = ? AND lease_token = ? AND attempt = ?`,
			sqldb.Micros(at), id, wallet.StatusProcessing, l.Token, attempt)
		if err != nil {
			return fmt.Errorf("start a new transfer attempt: %w", err)
		}
		if n == 0 {
			// Run again after an ambiguous commit: only the lease holder
			// moves the attempt on, so the next attempt under l is ours.
			it, err := readIntent(ctx, tx, `id = ?`, id)
			if err != nil {
				return err
			}
			if it.Status == wallet.StatusProcessing && it.Lease.Token == l.Token && it.Attempt == attempt+1 {
				n = 1
			}
		}
		return nil
	})
	return n == 1, err
}

// TransferQueue implements wallet.MoneyStore.
func (s *Store) TransferQueue() intent.Queue {
	return sqlqueue.New(s.db, s.group, "wallet_transfers", wallet.StatusProcessing)
}

// Intents implements wallet.MoneyStore.
func (s *Store) Intents(ctx context.Context, userID string, p cashless.Page) ([]*wallet.Intent, bool, error) {
	return listPage(ctx, s.db.Read, `SELECT `+intentColumns+` FROM wallet_transfers`, []pageStream{
		{where: `sender_id = ?`, args: []any{userID}},
		{where: `recipient_id = ? AND status = 'succeeded'`, args: []any{userID}},
	}, p, scanIntent, func(it *wallet.Intent) string { return it.ID })
}
