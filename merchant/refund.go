package merchant

import (
	"context"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
)

// Refund implements Service. The refund moves money from the merchant's
// account back to the payer's wallet (the test payer in test mode). The
// fee is not returned on refund: the merchant pays back the amount
// refunded out of its balance and the platform keeps the payment's fee.
// A refund the balance cannot cover fails with EInsufficientBalance and
// its amount is refundable again.
func (m *Merchants) Refund(ctx context.Context, a Actor, in RefundInput) (*Refund, error) {
	if err := a.Require(PermRefund); err != nil {
		return nil, err
	}
	if len(in.IdempotencyKey) > 255 || len([]rune(in.Reason)) > 200 {
		return nil, invalid(cashless.EInvalid, "The reason must be at most 200 characters, the key at most 255.")
	}
	p, err := m.payment(ctx, a, in.PaymentID)
	if err != nil {
		return nil, err
	}
	if in.Amount < 0 {
		return nil, invalid(EInvalidAmount, "The refund amount cannot be negative.")
	}
	if p.Status != StatusSucceeded {
		return nil, cashless.Errorf(EPaymentNotRefundable, "Only a succeeded payment can be refunded; this one is %s.", p.Status)
	}
	amount := in.Amount
	if amount == 0 {
		amount = p.Amount.Minor - p.RefundedAmount
		if amount <= 0 {
			return nil, cashless.Errorf(ERefundExceedsPayment, "The payment is refunded in full already.")
		}
	}
	if a.KeyID == "" && a.Role == Cashier {
		mc, err := m.store.Merchant(ctx, a.MerchantID)
		if err != nil {
			return nil, err
		}
		if amount > mc.CashierRefundLimit {
			return nil, cashless.Errorf(ERefundLimitExceeded, "A cashier may refund at most %d minor units.", mc.CashierRefundLimit)
		}
	}
	now := m.opts.Now().UTC()
	r := &Refund{ID: id.New(id.Refund), MerchantID: a.MerchantID, Mode: a.Mode, PaymentID: p.ID, Reason: in.Reason, Status: StatusProcessing,
		Created: now.Truncate(time.Microsecond)}
	r.Amount = p.Amount
	r.Amount.Minor = amount
	l := intent.NewLease(now.Add(m.opts.Grace))
	got, existing, err := m.store.StartRefund(ctx, r, in.IdempotencyKey, fingerprint(p.ID, in.Amount, in.Reason), l)
	if err != nil || existing {
		return got, err
	}
	return m.driveRefundOnce(ctx, got, l)
}

// driveRefund is the reconciler's DriveFunc for refunds.
func (m *Merchants) driveRefund(ctx context.Context, refundID string, l intent.Lease) error {
	r, err := m.store.Refund(ctx, refundID)
	if err != nil {
		return err
	}
	if r.Status != StatusProcessing {
		return nil
	}
	_, err = m.driveRefundOnce(ctx, r, l)
	return err
}

// driveRefundOnce submits the refund's transfer (its id is the refund
// id, so a resubmission is answered as before) and records the outcome.
func (m *Merchants) driveRefundOnce(ctx context.Context, r *Refund, l intent.Lease) (*Refund, error) {
	cur := r.Amount.Currency
	to := TestPayerAccountID(cur)
	if r.Mode == Live {
		p, err := m.store.Payment(ctx, r.PaymentID)
		if err != nil {
			return nil, err
		}
		if to, err = m.payers.WalletAccount(ctx, p.PayerID, cur); err != nil {
			return nil, err
		}
	}
	res, err := m.ledger.CreateTransfers(ctx, []ledger.Transfer{{ID: r.ID, DebitAccountID: AccountID(r.MerchantID, r.Mode, cur),
		CreditAccountID: to, Amount: r.Amount.Minor, Currency: cur, Code: "refund"}})
	if err != nil {
		return nil, err
	}
	if res[0].Err != nil {
		code := cashless.ErrorCode(res[0].Err)
		if code == ledger.ExceedsCredits {
			code = EInsufficientBalance
		}
		return m.store.FinishRefund(ctx, r.ID, l, StatusFailed, code, m.refundEvent())
	}
	return m.store.FinishRefund(ctx, r.ID, l, StatusSucceeded, "", m.refundEvent())
}
