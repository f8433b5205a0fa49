package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
)

const requestColumns = `id, merchant_id, mode, amount, currency, description, merchant_reference, notification_url, status, qr_payload, payment_id, expires_us, created_us`

func scanRequest(r interface{ Scan(...any) error }) (*merchant.PaymentRequest, error) {
	var pr merchant.PaymentRequest
	var mode string
	var expires, created int64
	if err := r.Scan(&pr.ID, &pr.MerchantID, &mode, &pr.Amount.Minor, &pr.Amount.Currency, &pr.Description, &pr.MerchantReference,
		&pr.NotificationURL, &pr.Status, &pr.QRPayload, &pr.PaymentID, &expires, &created); err != nil {
		return nil, err
	}
	pr.Mode, pr.ExpiresAt, pr.Created = merchant.Mode(mode), sqldb.FromMicros(expires), sqldb.FromMicros(created)
	return &pr, nil
}

func reused() error {
	return cashless.Errorf(merchant.EIdempotencyKeyReused, "This idempotency key was used before for a different call.")
}

// CreatePaymentRequest implements merchant.Store.
func (s *Store) CreatePaymentRequest(ctx context.Context, pr *merchant.PaymentRequest, key, fingerprint string) (*merchant.PaymentRequest, bool, error) {
	var got *merchant.PaymentRequest
	var existing bool
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		got, existing = nil, false
		if key != "" {
			var fp string
			row := tx.QueryRowContext(ctx, `SELECT `+requestColumns+`, fingerprint FROM merchant_payment_requests WHERE merchant_id = ? AND mode = ? AND idem_key = ?`,
				pr.MerchantID, string(pr.Mode), key)
			old, err := scanRequest(scanPlus{row, &fp})
			switch {
			case err == nil && fp != fingerprint:
				return reused()
			case err == nil:
				got, existing = old, old.ID != pr.ID
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("read payment request: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.db.Dialect.InsertIgnore()+` INTO merchant_payment_requests (`+requestColumns+`, idem_key, fingerprint)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, pr.ID, pr.MerchantID, string(pr.Mode), pr.Amount.Minor, pr.Amount.Currency,
			pr.Description, pr.MerchantReference, pr.NotificationURL, pr.Status, pr.QRPayload, pr.PaymentID,
			sqldb.Micros(pr.ExpiresAt), sqldb.Micros(pr.Created), nullKey(key), fingerprint); err != nil {
			return fmt.Errorf("insert payment request: %w", err)
		}
		got = pr
		return nil
	})
	return got, existing, err
}

// scanPlus scans a row's leading columns with r's scanner and the last
// one into extra.
type scanPlus struct {
	r     interface{ Scan(...any) error }
	extra any
}

func (s scanPlus) Scan(dest ...any) error { return s.r.Scan(append(dest, s.extra)...) }

// PaymentRequest implements merchant.Store.
func (s *Store) PaymentRequest(ctx context.Context, id string) (*merchant.PaymentRequest, error) {
	pr, err := scanRequest(s.db.Read.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM merchant_payment_requests WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cashless.Errorf(merchant.EPaymentRequestNotFound, "No such payment request: %s.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read payment request: %w", err)
	}
	return pr, nil
}

// PaymentRequests implements merchant.Store.
func (s *Store) PaymentRequests(ctx context.Context, merchantID string, mode merchant.Mode, p cashless.Page) ([]*merchant.PaymentRequest, bool, error) {
	return list(ctx, s.db.Read, "merchant_payment_requests", requestColumns, merchantID, mode, p, scanRequest)
}

// CancelPaymentRequest implements merchant.Store.
func (s *Store) CancelPaymentRequest(ctx context.Context, id string, ev func(*merchant.PaymentRequest) merchant.Event) (*merchant.PaymentRequest, error) {
	var got *merchant.PaymentRequest
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		got = nil
		pr, err := scanRequest(tx.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM merchant_payment_requests WHERE id = ?`+s.db.Dialect.ForUpdate(), id))
		if errors.Is(err, sql.ErrNoRows) {
			return cashless.Errorf(merchant.EPaymentRequestNotFound, "No such payment request: %s.", id)
		}
		if err != nil {
			return fmt.Errorf("read payment request: %w", err)
		}
		if pr.Status == merchant.StatusCanceled {
			got = pr // canceled already: by this call's earlier run, or another cancel
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE merchant_payment_requests SET status = ? WHERE id = ? AND status = ? AND active_payment_id = ''`,
			merchant.StatusCanceled, id, merchant.StatusPending)
		if err != nil {
			return fmt.Errorf("cancel payment request: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return cashless.Errorf(merchant.EPaymentRequestNotPending, "The payment request is %s, or being paid, and can no longer be canceled.", pr.Status)
		}
		pr.Status = merchant.StatusCanceled
		got = pr
		return s.insertEvents(ctx, tx, ev(pr))
	})
	return got, err
}

// ExpirePaymentRequests implements merchant.Store.
func (s *Store) ExpirePaymentRequests(ctx context.Context, now time.Time, limit int, ev func(*merchant.PaymentRequest) merchant.Event) (int, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+requestColumns+` FROM merchant_payment_requests
		WHERE status = ? AND expires_us < ? AND active_payment_id = '' ORDER BY expires_us LIMIT ?`, merchant.StatusPending, sqldb.Micros(now), limit)
	if err != nil {
		return 0, fmt.Errorf("find expired payment requests: %w", err)
	}
	var due []*merchant.PaymentRequest
	for rows.Next() {
		pr, err := scanRequest(rows)
		if err != nil {
			rows.Close()
			return 0, fmt.Errorf("find expired payment requests: %w", err)
		}
		due = append(due, pr)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, pr := range due {
		var done bool
		err := s.group.Do(ctx, func(tx *sql.Tx) error {
			done = false
			res, err := tx.ExecContext(ctx, `UPDATE merchant_payment_requests SET status = ? WHERE id = ? AND status = ? AND active_payment_id = ''`,
				merchant.StatusExpired, pr.ID, merchant.StatusPending)
			if err != nil {
				return fmt.Errorf("expire payment request: %w", err)
			}
			k, err := res.RowsAffected()
			if err != nil || k == 0 {
				return err
			}
			done = true
			cp := *pr
			cp.Status = merchant.StatusExpired
			return s.insertEvents(ctx, tx, ev(&cp))
		})
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}
