package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/intent/sqlqueue"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
)

const paymentColumns = `id, merchant_id, mode, payment_request_id, amount, currency, fee, status, failure_code, refunded_amount, customer, payer_id, created_us`

func scanPayment(r interface{ Scan(...any) error }) (*merchant.Payment, error) {
	var p merchant.Payment
	var mode string
	var created int64
	if err := r.Scan(&p.ID, &p.MerchantID, &mode, &p.PaymentRequestID, &p.Amount.Minor, &p.Amount.Currency, &p.Fee, &p.Status,
		&p.FailureCode, &p.RefundedAmount, &p.Customer, &p.PayerID, &created); err != nil {
		return nil, err
	}
	p.Mode, p.Created, p.Net = merchant.Mode(mode), sqldb.FromMicros(created), p.Amount.Minor-p.Fee
	return &p, nil
}

func paymentNotFound(id string) error {
	return cashless.Errorf(merchant.EPaymentNotFound, "No such payment: %s.", id)
}

func notPayable() error {
	return cashless.Errorf(merchant.EPaymentRequestNotPayable, "This payment request is paid, being paid, expired or canceled.")
}

// StartPayment implements merchant.Store.
func (s *Store) StartPayment(ctx context.Context, p *merchant.Payment, key, fingerprint string, l intent.Lease, now time.Time) (*merchant.Payment, bool, error) {
	var got *merchant.Payment
	var existing bool
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		got, existing = nil, false
		if key != "" {
			var fp string
			old, err := scanPayment(scanPlus{tx.QueryRowContext(ctx, `SELECT `+paymentColumns+`, fingerprint FROM merchant_payments
				WHERE payer_id = ? AND payer_key = ?`, p.PayerID, key), &fp})
			switch {
			case err == nil && fp != fingerprint:
				return reused()
			case err == nil:
				got, existing = old, old.ID != p.ID
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("read payment: %w", err)
			}
		} else if old, err := scanPayment(tx.QueryRowContext(ctx, `SELECT `+paymentColumns+` FROM merchant_payments WHERE id = ?`, p.ID)); err == nil {
			got = old // this call's earlier run
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE merchant_payment_requests SET active_payment_id = ?
			WHERE id = ? AND status = ? AND expires_us > ? AND active_payment_id = ''`,
			p.ID, p.PaymentRequestID, merchant.StatusPending, sqldb.Micros(now))
		if err != nil {
			return fmt.Errorf("claim payment request: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notPayable()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO merchant_payments (`+paymentColumns+`, payer_key, fingerprint, lease_token, lease_until_us)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.MerchantID, string(p.Mode), p.PaymentRequestID,
			p.Amount.Minor, p.Amount.Currency, p.Fee, p.Status, p.FailureCode, p.RefundedAmount, p.Customer, p.PayerID,
			sqldb.Micros(p.Created), nullKey(key), fingerprint, l.Token, sqldb.Micros(l.Until)); err != nil {
			if sqldb.IsDuplicate(err) {
				return notPayable()
			}
			return fmt.Errorf("insert payment: %w", err)
		}
		got = p
		return nil
	})
	return got, existing, err
}

// FinishPayment implements merchant.Store.
func (s *Store) FinishPayment(ctx context.Context, id string, l intent.Lease, status, failureCode string, ev func(*merchant.Payment) merchant.Event) (*merchant.Payment, error) {
	var got *merchant.Payment
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		got = nil
		var token string
		p, err := scanPayment(scanPlus{tx.QueryRowContext(ctx, `SELECT `+paymentColumns+`, lease_token FROM merchant_payments WHERE id = ?`+s.db.Dialect.ForUpdate(), id), &token})
		if errors.Is(err, sql.ErrNoRows) {
			return paymentNotFound(id)
		}
		if err != nil {
			return fmt.Errorf("read payment: %w", err)
		}
		got = p
		if p.Status != merchant.StatusProcessing || token != l.Token {
			return nil // decided already, or another driver holds it
		}
		if _, err := tx.ExecContext(ctx, `UPDATE merchant_payments SET status = ?, failure_code = ?, lease_token = '', lease_until_us = 0
			WHERE id = ? AND status = ? AND lease_token = ?`, status, failureCode, id, merchant.StatusProcessing, l.Token); err != nil {
			return fmt.Errorf("record payment: %w", err)
		}
		if status == merchant.StatusSucceeded {
			_, err = tx.ExecContext(ctx, `UPDATE merchant_payment_requests SET status = ?, payment_id = ? WHERE id = ? AND active_payment_id = ?`,
				merchant.StatusSucceeded, id, p.PaymentRequestID, id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE merchant_payment_requests SET active_payment_id = '' WHERE id = ? AND active_payment_id = ?`,
				p.PaymentRequestID, id)
		}
		if err != nil {
			return fmt.Errorf("record payment request: %w", err)
		}
		cp := *p
		cp.Status, cp.FailureCode = status, failureCode
		got = &cp
		return s.insertEvents(ctx, tx, ev(&cp))
	})
	return got, err
}

// Payment implements merchant.Store.
func (s *Store) Payment(ctx context.Context, id string) (*merchant.Payment, error) {
	p, err := scanPayment(s.db.Read.QueryRowContext(ctx, `SELECT `+paymentColumns+` FROM merchant_payments WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, paymentNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("read payment: %w", err)
	}
	return p, nil
}

// Payments implements merchant.Store.
func (s *Store) Payments(ctx context.Context, merchantID string, mode merchant.Mode, p cashless.Page) ([]*merchant.Payment, bool, error) {
	return list(ctx, s.db.Read, "merchant_payments", paymentColumns, merchantID, mode, p, scanPayment)
}

// PaymentQueue implements merchant.Store.
func (s *Store) PaymentQueue() intent.Queue {
	return sqlqueue.New(s.db, s.group, "merchant_payments", merchant.StatusProcessing)
}

// RefundQueue implements merchant.Store.
func (s *Store) RefundQueue() intent.Queue {
	return sqlqueue.New(s.db, s.group, "merchant_refunds", merchant.StatusProcessing)
}
