package merchant

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
)

// Failure codes of payments, and the payer-side codes Pay knows. They are
// the wallet's and identity's codes, spelled here because the wallet
// depends on this package and not the reverse.
const (
	FailureBlocked           = "payment_blocked"
	FailureInsufficientFunds = "insufficient_funds"
	FailureLimitExceeded     = "limit_exceeded"
	codeTOTPRequired         = "totp_required"
	codeInvalidTOTP          = "invalid_totp"
)

// fenceAccountID never exists in the ledger: a transfer from it is
// refused and the refusal recorded, which closes a payment's transfer id
// for good before the payment is recorded failed without having reached
// the ledger (risk block, caps, step-up).
const fenceAccountID = "sys.fence"

// customer returns the payer's pseudonym at a merchant: "cus_" and the
// base32 of an HMAC-SHA256 of merchant and user, cut to 20 characters.
func (m *Merchants) customer(merchantID, userID string) string {
	mac := hmac.New(sha256.New, m.custKey)
	mac.Write([]byte(merchantID + "\x00" + userID))
	enc := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(mac.Sum(nil))
	return id.Customer + "_" + strings.ToLower(enc[:20])
}

// Pay implements Service. A payment is recorded before any money moves
// and answered once recorded: succeeded, or failed with a FailureCode
// (final: its transfer id is refused in the ledger and can never commit;
// a new try needs a new idempotency key). A missing or wrong step-up code
// fails the payment and returns identity's totp_required or invalid_totp:
// the payer calls again with a new key and the code.
func (m *Merchants) Pay(ctx context.Context, in PayInput) (*PayResult, error) {
	if in.UserID == "" {
		return nil, invalid(cashless.EInvalid, "A payment needs a payer.")
	}
	pr, err := m.store.PaymentRequest(ctx, in.PaymentRequestID)
	if err != nil {
		return nil, err
	}
	if pr.Mode != Live {
		return nil, cashless.Errorf(EPaymentRequestNotFound, "No such payment request: %s.", in.PaymentRequestID)
	}
	return m.pay(ctx, pr, in.UserID, in.IdempotencyKey, in.TOTPCode)
}

// TestPay implements Service: the test payer account pays, with no
// wallet and no caps, along the same path as Pay.
func (m *Merchants) TestPay(ctx context.Context, a Actor, paymentRequestID, idempotencyKey string) (*PayResult, error) {
	if err := a.Require(PermCollect); err != nil {
		return nil, err
	}
	if a.Mode != Test {
		return nil, cashless.Errorf(EPaymentRequestNotFound, "No such payment request: %s.", paymentRequestID)
	}
	pr, err := m.request(ctx, a, paymentRequestID)
	if err != nil {
		return nil, err
	}
	key := ""
	if idempotencyKey != "" {
		key = "test:" + a.MerchantID + ":" + idempotencyKey
	}
	return m.pay(ctx, pr, "", key, "")
}

func (m *Merchants) pay(ctx context.Context, pr *PaymentRequest, payerID, key, totp string) (*PayResult, error) {
	if len(key) > 320 {
		return nil, invalid(cashless.EInvalid, "The idempotency key is too long.")
	}
	mc, err := m.store.Merchant(ctx, pr.MerchantID)
	if err != nil {
		return nil, err
	}
	now := m.opts.Now().UTC()
	p := &Payment{ID: id.New(id.Payment), MerchantID: pr.MerchantID, Mode: pr.Mode, PaymentRequestID: pr.ID, Amount: pr.Amount,
		Fee: Fee(pr.Amount.Minor, mc.FeeBasisPoints), Status: StatusProcessing, PayerID: payerID, Created: now.Truncate(time.Microsecond)}
	p.Net = p.Amount.Minor - p.Fee
	if pr.Mode == Test {
		p.Customer = "cus_test"
	} else {
		p.Customer = m.customer(pr.MerchantID, payerID)
	}
	l := intent.NewLease(now.Add(m.opts.Grace))
	got, existing, err := m.store.StartPayment(ctx, p, key, fingerprint(pr.ID), l, now)
	if err != nil {
		return nil, err
	}
	if existing {
		got, err = m.settled(ctx, got)
		if err != nil {
			return nil, err
		}
		return &PayResult{Payment: got, Replayed: true}, nil
	}
	got, err = m.drive(ctx, got, l, totp)
	if err != nil {
		return nil, err
	}
	if got.Status == StatusFailed && (got.FailureCode == codeTOTPRequired || got.FailureCode == codeInvalidTOTP) {
		return nil, cashless.Errorf(got.FailureCode, "This payment needs a valid step-up code; pay again with a new idempotency key and the code.")
	}
	return &PayResult{Payment: got}, nil
}

// settled waits for a processing payment made by an earlier call to
// reach its end, driving it itself once the earlier driver's lease ends.
func (m *Merchants) settled(ctx context.Context, p *Payment) (*Payment, error) {
	deadline := time.Now().Add(10 * m.opts.LeaseFor)
	for p.Status == StatusProcessing && time.Now().Before(deadline) {
		now := m.opts.Now()
		l := intent.NewLease(now.Add(m.opts.LeaseFor))
		if ok, err := m.store.PaymentQueue().Claim(ctx, p.ID, l, now); err != nil {
			return nil, err
		} else if ok {
			return m.drive(ctx, p, l, "")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		var err error
		if p, err = m.store.Payment(ctx, p.ID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// drivePayment is the reconciler's DriveFunc for payments.
func (m *Merchants) drivePayment(ctx context.Context, paymentID string, l intent.Lease) error {
	p, err := m.store.Payment(ctx, paymentID)
	if err != nil {
		return err
	}
	if p.Status != StatusProcessing {
		return nil
	}
	_, err = m.drive(ctx, p, l, "")
	return err
}

// drive moves a processing payment on while l holds it: risk, the
// payer's caps, then the ledger chain (payment, then fee), and records
// the outcome. Submitting the same transfer ids again is safe: the ledger
// answers what it committed or the refusal it recorded.
func (m *Merchants) drive(ctx context.Context, p *Payment, l intent.Lease, totp string) (*Payment, error) {
	dec, err := m.opts.Risk.Score(ctx, RiskInput{PaymentID: p.ID, MerchantID: p.MerchantID, PayerID: p.PayerID, Amount: p.Amount})
	if err != nil {
		return nil, err
	}
	if !dec.Allow {
		return m.failBefore(ctx, p, l, FailureBlocked)
	}
	cur := p.Amount.Currency
	from := TestPayerAccountID(cur)
	if p.Mode == Live {
		acct, err := m.payers.ReserveSpend(ctx, SpendInput{UserID: p.PayerID, Key: p.ID, Amount: p.Amount, TOTPCode: totp})
		switch code := cashless.ErrorCode(err); {
		case err == nil:
			from = acct
		case code == FailureLimitExceeded || code == codeTOTPRequired || code == codeInvalidTOTP:
			return m.failBefore(ctx, p, l, code)
		default:
			return nil, err
		}
	}
	to := AccountID(p.MerchantID, p.Mode, cur)
	ts := []ledger.Transfer{{ID: p.ID, DebitAccountID: from, CreditAccountID: to, Amount: p.Amount.Minor, Currency: cur, Code: "payment"}}
	if p.Fee > 0 {
		ts[0].Flags = ledger.Linked
		ts = append(ts, ledger.Transfer{ID: p.ID + ".fee", DebitAccountID: to, CreditAccountID: FeeAccountID(p.Mode, cur), Amount: p.Fee, Currency: cur, Code: "fee"})
	}
	res, err := m.ledger.CreateTransfers(ctx, ts)
	if err != nil {
		return nil, err // outcome unknown: the reconciler resubmits
	}
	if code := chainFailure(res); code != "" {
		if p.Mode == Live {
			if err := m.payers.ReleaseSpend(ctx, p.ID); err != nil {
				return nil, err
			}
		}
		return m.store.FinishPayment(ctx, p.ID, l, StatusFailed, code, m.paymentEvent())
	}
	return m.store.FinishPayment(ctx, p.ID, l, StatusSucceeded, "", m.paymentEvent())
}

// chainFailure returns the failure code of a refused chain, "" when it
// committed.
func chainFailure(res []ledger.Result) string {
	for _, r := range res {
		code := cashless.ErrorCode(r.Err)
		switch {
		case r.Err == nil, code == ledger.LinkedEventFailed:
			continue
		case code == ledger.ExceedsCredits:
			return FailureInsufficientFunds
		default:
			return code
		}
	}
	if len(res) > 0 && res[0].Err != nil {
		return ledger.LinkedEventFailed
	}
	return ""
}

// failBefore fails a payment that never reached the ledger. It first
// closes the payment's transfer id with a transfer the ledger refuses and
// records, so no driver can ever commit it later; should the payment's
// own transfer have committed already (another driver got there), the
// payment is recorded succeeded instead.
func (m *Merchants) failBefore(ctx context.Context, p *Payment, l intent.Lease, code string) (*Payment, error) {
	res, err := m.ledger.CreateTransfers(ctx, []ledger.Transfer{{ID: p.ID, DebitAccountID: fenceAccountID,
		CreditAccountID: AccountID(p.MerchantID, p.Mode, p.Amount.Currency), Amount: p.Amount.Minor, Currency: p.Amount.Currency, Code: "payment"}})
	if err != nil {
		return nil, err
	}
	if cashless.ErrorCode(res[0].Err) == ledger.ExistsWithDifferentFields {
		committed, err := m.ledger.LookupTransfers(ctx, []string{p.ID})
		if err != nil {
			return nil, err
		}
		if len(committed) == 1 {
			return m.store.FinishPayment(ctx, p.ID, l, StatusSucceeded, "", m.paymentEvent())
		}
	}
	if p.Mode == Live && code != FailureLimitExceeded {
		if err := m.payers.ReleaseSpend(ctx, p.ID); err != nil {
			return nil, err
		}
	}
	return m.store.FinishPayment(ctx, p.ID, l, StatusFailed, code, m.paymentEvent())
}
