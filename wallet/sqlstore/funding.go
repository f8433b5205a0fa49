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

const fundingColumns = `id, kind, user_id, currency, amount, status, failure_code, bank_outcome, bank_account, account_last4, idem_key, created_us, updated_us, completed_us, limit_windows, lease_token, lease_until_us`

func scanFunding(r rowScanner) (*wallet.FundingRecord, error) {
	var f wallet.FundingRecord
	var windows string
	var created, updated, completed, leaseUntil int64
	if err := r.Scan(&f.ID, &f.Kind, &f.UserID, &f.Amount.Currency, &f.Amount.Minor, &f.Status, &f.FailureCode, &f.BankOutcome,
		&f.BankAccountSealed, &f.BankAccountLast4, &f.IdempotencyKey, &created, &updated, &completed,
		&windows, &f.Lease.Token, &leaseUntil); err != nil {
		return nil, err
	}
	if windows != "" {
		f.Windows = strings.Split(windows, ",")
	}
	f.Created, f.Updated, f.Completed = sqldb.FromMicros(created), sqldb.FromMicros(updated), sqldb.FromMicros(completed)
	f.Lease.Until = sqldb.FromMicros(leaseUntil)
	return &f, nil
}

func readFunding(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, where string, args ...any) (*wallet.FundingRecord, error) {
	f, err := scanFunding(q.QueryRowContext(ctx, `SELECT `+fundingColumns+` FROM wallet_fundings WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &cashless.Error{Code: wallet.EFundingNotFound, Message: "No such top-up or withdrawal."}
	}
	if err != nil {
		return nil, fmt.Errorf("read funding: %w", err)
	}
	return f, nil
}

// CreateFunding implements wallet.MoneyStore.
func (s *Store) CreateFunding(ctx context.Context, f *wallet.FundingRecord, caps []wallet.Reservation, stepUp *wallet.StepUpCheck) (*wallet.FundingRecord, bool, error) {
	var stored *wallet.FundingRecord
	var created bool
	byKey := `user_id = ? AND kind = ? AND idem_key = ?`
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		stored, created = nil, false
		prev, err := readFunding(ctx, tx, byKey, f.UserID, f.Kind, f.IdempotencyKey)
		if err == nil {
			stored, created = prev, prev.ID == f.ID
			return nil
		}
		if cashless.ErrorCode(err) != wallet.EFundingNotFound {
			return err
		}
		if stepUp != nil {
			if err := s.checkStepUp(ctx, tx, f.UserID, f.Amount, f.Created, *stepUp); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO wallet_fundings (`+fundingColumns+`) VALUES (`+sqldb.Marks(17)+`)`,
			f.ID, f.Kind, f.UserID, f.Amount.Currency, f.Amount.Minor, f.Status, f.FailureCode, f.BankOutcome,
			f.BankAccountSealed, f.BankAccountLast4, f.IdempotencyKey, sqldb.Micros(f.Created), sqldb.Micros(f.Updated), sqldb.Micros(f.Completed),
			strings.Join(f.Windows, ","), f.Lease.Token, sqldb.Micros(f.Lease.Until)); err != nil {
			return fmt.Errorf("insert funding: %w", err)
		}
		for _, c := range caps {
			if err := s.reserve(ctx, tx, f.UserID, f.Amount, c); err != nil {
				return err
			}
		}
		cp := *f
		stored, created = &cp, true
		return nil
	})
	if err != nil && sqldb.IsDuplicate(err) {
		prev, rerr := readFunding(ctx, s.db.Read, byKey, f.UserID, f.Kind, f.IdempotencyKey)
		if rerr != nil {
			return nil, false, rerr
		}
		return prev, prev.ID == f.ID, nil
	}
	if err != nil {
		return nil, false, err
	}
	return stored, created, nil
}

// Funding implements wallet.MoneyStore.
func (s *Store) Funding(ctx context.Context, id string) (*wallet.FundingRecord, error) {
	return readFunding(ctx, s.db.Read, `id = ?`, id)
}

// FundingByKey implements wallet.MoneyStore.
func (s *Store) FundingByKey(ctx context.Context, userID, kind, key string) (*wallet.FundingRecord, error) {
	return readFunding(ctx, s.db.Read, `user_id = ? AND kind = ? AND idem_key = ?`, userID, kind, key)
}

// RecordBankOutcome implements wallet.MoneyStore.
func (s *Store) RecordBankOutcome(ctx context.Context, id, outcome, failureCode string, at time.Time) (*wallet.FundingRecord, error) {
	var out *wallet.FundingRecord
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE wallet_fundings SET bank_outcome = ?, failure_code = ?, updated_us = ? WHERE id = ? AND bank_outcome = ''`,
			outcome, failureCode, sqldb.Micros(at), id); err != nil {
			return fmt.Errorf("record bank outcome: %w", err)
		}
		var err error
		out, err = readFunding(ctx, tx, `id = ?`, id)
		return err
	})
	return out, err
}

// FinishFunding implements wallet.MoneyStore.
func (s *Store) FinishFunding(ctx context.Context, id, status, failureCode string, at time.Time) (bool, error) {
	var n int64
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = execAffected(ctx, tx, `UPDATE wallet_fundings SET status = ?, failure_code = ?, updated_us = ?, completed_us = ? WHERE id = ? AND status = ?`,
			status, failureCode, sqldb.Micros(at), sqldb.Micros(at), id, wallet.StatusPending)
		if err != nil {
			return fmt.Errorf("finish funding: %w", err)
		}
		if n == 0 || status != wallet.StatusFailed {
			return nil
		}
		f, err := readFunding(ctx, tx, `id = ?`, id)
		if err != nil {
			return err
		}
		return s.release(ctx, tx, f.UserID, f.Windows, f.Amount)
	})
	return n > 0, err
}

// Fundings implements wallet.MoneyStore.
func (s *Store) Fundings(ctx context.Context, userID, kind string, p cashless.Page) ([]*wallet.FundingRecord, bool, error) {
	return listPage(ctx, s.db.Read, `SELECT `+fundingColumns+` FROM wallet_fundings`, []pageStream{
		{where: `user_id = ? AND kind = ?`, args: []any{userID, kind}},
	}, p, scanFunding, func(f *wallet.FundingRecord) string { return f.ID })
}

// FundingQueue implements wallet.MoneyStore.
func (s *Store) FundingQueue() intent.Queue {
	return sqlqueue.New(s.db, s.group, "wallet_fundings", wallet.StatusPending)
}
