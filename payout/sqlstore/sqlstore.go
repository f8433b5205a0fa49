// Package sqlstore keeps payouts in the merchant service's database, on
// SQLite or MySQL, and writes their events to the service's
// merchant_events outbox in the same transactions.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/intent/sqlqueue"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/payout"
	"github.com/cashless-dev/cashless/sqldb"
)

//go:embed migrations
var migrations embed.FS

// Migrate creates or upgrades the payout tables (migration group
// "payout"). The merchant service's own migrations must have run on db
// too: payouts write to its merchant_events table.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return sqldb.Migrate(ctx, db, sub, "payout")
}

// Store implements payout.Store. Writes go through a group committer.
type Store struct {
	db    *sqldb.DB
	group *sqldb.Group
	queue *sqlqueue.Queue
}

var _ payout.Store = (*Store)(nil)

// New returns a store on db; Migrate must have run. Close it to stop its
// group committer.
func New(db *sqldb.DB) *Store {
	g := sqldb.NewGroup(db)
	return &Store{db: db, group: g, queue: sqlqueue.New(db, g, "payouts", payout.StatusPending)}
}

// Close stops the store's writer; the database stays open.
func (s *Store) Close() { s.group.Close() }

// Queue implements payout.Store.
func (s *Store) Queue() intent.Queue { return s.queue }

const columns = `id, merchant_id, mode, currency, amount, requested, status, failure_code, automatic,
	bank_account_last4, idempotency_key, bank_outcome, created_us, completed_us, lease_token, lease_until_us`

func scan(r interface{ Scan(...any) error }) (*payout.Record, error) {
	var p payout.Record
	var mode, cur string
	var amount, created, completed, until int64
	if err := r.Scan(&p.ID, &p.MerchantID, &mode, &cur, &amount, &p.Requested, &p.Status, &p.FailureCode,
		&p.Automatic, &p.BankAccountLast4, &p.IdempotencyKey, &p.BankOutcome, &created, &completed,
		&p.Lease.Token, &until); err != nil {
		return nil, err
	}
	p.Mode, p.Amount = merchant.Mode(mode), money.Amount{Minor: amount, Currency: cur}
	p.Created, p.Lease.Until = sqldb.FromMicros(created), sqldb.FromMicros(until)
	if completed != 0 {
		p.Completed = sqldb.FromMicros(completed)
	}
	return &p, nil
}

func notFound(what string) error {
	return cashless.Errorf(merchant.EPayoutNotFound, "No such payout: %s.", what)
}

func one(row *sql.Row, what string) (*payout.Record, error) {
	p, err := scan(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(what)
	}
	if err != nil {
		return nil, fmt.Errorf("read payout: %w", err)
	}
	return p, nil
}

// CreatePayout implements payout.Store.
func (s *Store) CreatePayout(ctx context.Context, r *payout.Record) (*payout.Record, bool, error) {
	var stored *payout.Record
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.db.Dialect.InsertIgnore()+` INTO payouts (`+columns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.MerchantID, string(r.Mode), r.Amount.Currency, r.Amount.Minor, r.Requested, r.Status, r.FailureCode,
			r.Automatic, r.BankAccountLast4, r.IdempotencyKey, r.BankOutcome, sqldb.Micros(r.Created), 0,
			r.Lease.Token, sqldb.Micros(r.Lease.Until)); err != nil {
			return fmt.Errorf("insert payout: %w", err)
		}
		var err error
		stored, err = one(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM payouts
			WHERE merchant_id = ? AND mode = ? AND idempotency_key = ?`, r.MerchantID, string(r.Mode), r.IdempotencyKey), r.ID)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return stored, stored.ID == r.ID, nil
}

// Payout implements payout.Store.
func (s *Store) Payout(ctx context.Context, id string) (*payout.Record, error) {
	return one(s.db.Read.QueryRowContext(ctx, `SELECT `+columns+` FROM payouts WHERE id = ?`, id), id)
}

// PayoutByKey implements payout.Store.
func (s *Store) PayoutByKey(ctx context.Context, merchantID string, mode merchant.Mode, key string) (*payout.Record, error) {
	return one(s.db.Read.QueryRowContext(ctx, `SELECT `+columns+` FROM payouts
		WHERE merchant_id = ? AND mode = ? AND idempotency_key = ?`, merchantID, string(mode), key), key)
}

// PreviousPaid implements payout.Store.
func (s *Store) PreviousPaid(ctx context.Context, merchantID string, mode merchant.Mode, currency, before string) (*payout.Record, error) {
	return one(s.db.Read.QueryRowContext(ctx, `SELECT `+columns+` FROM payouts
		WHERE merchant_id = ? AND mode = ? AND currency = ? AND status = ? AND id < ?
		ORDER BY id DESC LIMIT 1`, merchantID, string(mode), currency, payout.StatusPaid, before), "previous of "+before)
}

// Payouts implements payout.Store.
func (s *Store) Payouts(ctx context.Context, merchantID string, mode merchant.Mode, p cashless.Page) ([]*payout.Record, bool, error) {
	return sqldb.Page(ctx, s.db.Read, "payouts", `SELECT `+columns+` FROM payouts WHERE merchant_id = ? AND mode = ?`,
		[]any{merchantID, string(mode)}, p, scan)
}

// RecordBankOutcome implements payout.Store.
func (s *Store) RecordBankOutcome(ctx context.Context, id, outcome, failureCode string) (*payout.Record, error) {
	var r *payout.Record
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE payouts SET bank_outcome = ?, failure_code = ?
			WHERE id = ? AND status = ? AND bank_outcome = ''`, outcome, failureCode, id, payout.StatusPending); err != nil {
			return fmt.Errorf("record bank outcome: %w", err)
		}
		var err error
		r, err = one(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM payouts WHERE id = ?`, id), id)
		return err
	})
	return r, err
}

// FinishPayout implements payout.Store.
func (s *Store) FinishPayout(ctx context.Context, id, status, failureCode string, at time.Time, ev merchant.Event) (*payout.Record, error) {
	var r *payout.Record
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE payouts SET status = ?, failure_code = ?, completed_us = ?, lease_token = ''
			WHERE id = ? AND status = ?`, status, failureCode, sqldb.Micros(at), id, payout.StatusPending)
		if err != nil {
			return fmt.Errorf("finish payout: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("finish payout: %w", err)
		}
		if n == 1 {
			// The event's id is fixed before the call, so a run again
			// after an ambiguous commit inserts nothing twice.
			if _, err := tx.ExecContext(ctx, s.db.Dialect.InsertIgnore()+` INTO merchant_events
				(id, merchant_id, mode, type, data, created_us) VALUES (?, ?, ?, ?, ?, ?)`,
				ev.ID, ev.MerchantID, string(ev.Mode), ev.Type, ev.Data, sqldb.Micros(ev.Created)); err != nil {
				return fmt.Errorf("insert payout event: %w", err)
			}
		}
		r, err = one(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM payouts WHERE id = ?`, id), id)
		return err
	})
	return r, err
}
