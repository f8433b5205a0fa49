package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
)

const refundColumns = `id, merchant_id, mode, payment_id, amount, currency, reason, status, failure_code, created_us`

func scanRefund(r interface{ Scan(...any) error }) (*merchant.Refund, error) {
	var re merchant.Refund
	var mode string
	var created int64
	if err := r.Scan(&re.ID, &re.MerchantID, &mode, &re.PaymentID, &re.Amount.Minor, &re.Amount.Currency, &re.Reason, &re.Status,
		&re.FailureCode, &created); err != nil {
		return nil, err
	}
	re.Mode, re.Created = merchant.Mode(mode), sqldb.FromMicros(created)
	return &re, nil
}

// StartRefund implements merchant.Store.
func (s *Store) StartRefund(ctx context.Context, r *merchant.Refund, key, fingerprint string, l intent.Lease) (*merchant.Refund, bool, error) {
	var got *merchant.Refund
	var existing bool
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		got, existing = nil, false
		var fp string
		old, err := scanRefund(scanPlus{tx.QueryRowContext(ctx, `SELECT `+refundColumns+`, fingerprint FROM merchant_refunds
			WHERE id = ? OR (merchant_id = ? AND mode = ? AND idem_key = ?)`, r.ID, r.MerchantID, string(r.Mode), nullKey(key)), &fp})
		switch {
		case err == nil && old.ID != r.ID && fp != fingerprint:
			return reused()
		case err == nil:
			got, existing = old, old.ID != r.ID
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("read refund: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE merchant_payments SET refunded_amount = refunded_amount + ?
			WHERE id = ? AND status = ? AND refunded_amount + ? <= amount`, r.Amount.Minor, r.PaymentID, merchant.StatusSucceeded, r.Amount.Minor)
		if err != nil {
			return fmt.Errorf("reserve refund: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var status string
			if err := tx.QueryRowContext(ctx, `SELECT status FROM merchant_payments WHERE id = ?`, r.PaymentID).Scan(&status); err != nil {
				return fmt.Errorf("read payment: %w", err)
			}
			if status != merchant.StatusSucceeded {
				return cashless.Errorf(merchant.EPaymentNotRefundable, "Only a succeeded payment can be refunded; this one is %s.", status)
			}
			return cashless.Errorf(merchant.ERefundExceedsPayment, "The refund is more than what is left of the payment.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO merchant_refunds (`+refundColumns+`, idem_key, fingerprint, lease_token, lease_until_us)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.MerchantID, string(r.Mode), r.PaymentID, r.Amount.Minor,
			r.Amount.Currency, r.Reason, r.Status, r.FailureCode, sqldb.Micros(r.Created), nullKey(key), fingerprint,
			l.Token, sqldb.Micros(l.Until)); err != nil {
			return fmt.Errorf("insert refund: %w", err)
		}
		got = r
		return nil
	})
	return got, existing, err
}

// FinishRefund implements merchant.Store.
func (s *Store) FinishRefund(ctx context.Context, id string, l intent.Lease, status, failureCode string, ev func(*merchant.Refund) merchant.Event) (*merchant.Refund, error) {
	var got *merchant.Refund
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		got = nil
		var token string
		r, err := scanRefund(scanPlus{tx.QueryRowContext(ctx, `SELECT `+refundColumns+`, lease_token FROM merchant_refunds WHERE id = ?`+s.db.Dialect.ForUpdate(), id), &token})
		if errors.Is(err, sql.ErrNoRows) {
			return cashless.Errorf(merchant.ERefundNotFound, "No such refund: %s.", id)
		}
		if err != nil {
			return fmt.Errorf("read refund: %w", err)
		}
		got = r
		if r.Status != merchant.StatusProcessing || token != l.Token {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE merchant_refunds SET status = ?, failure_code = ?, lease_token = '', lease_until_us = 0
			WHERE id = ? AND status = ? AND lease_token = ?`, status, failureCode, id, merchant.StatusProcessing, l.Token); err != nil {
			return fmt.Errorf("record refund: %w", err)
		}
		if status == merchant.StatusFailed {
			if _, err := tx.ExecContext(ctx, `UPDATE merchant_payments SET refunded_amount = refunded_amount - ? WHERE id = ?`, r.Amount.Minor, r.PaymentID); err != nil {
				return fmt.Errorf("release refund: %w", err)
			}
		}
		cp := *r
		cp.Status, cp.FailureCode = status, failureCode
		got = &cp
		return s.insertEvents(ctx, tx, ev(&cp))
	})
	return got, err
}

// Refund implements merchant.Store.
func (s *Store) Refund(ctx context.Context, id string) (*merchant.Refund, error) {
	r, err := scanRefund(s.db.Read.QueryRowContext(ctx, `SELECT `+refundColumns+` FROM merchant_refunds WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cashless.Errorf(merchant.ERefundNotFound, "No such refund: %s.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read refund: %w", err)
	}
	return r, nil
}

// Refunds implements merchant.Store.
func (s *Store) Refunds(ctx context.Context, merchantID string, mode merchant.Mode, p cashless.Page) ([]*merchant.Refund, bool, error) {
	return list(ctx, s.db.Read, "merchant_refunds", refundColumns, merchantID, mode, p, scanRefund)
}
