package merchant_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

func hkd(minor int64) money.Amount { return money.Amount{Minor: minor, Currency: "HKD"} }

func code(err error) string { return cashless.ErrorCode(err) }

// shop makes a merchant owned by a new user and returns the owner's live
// actor.
func (b *bundle) shop(t *testing.T) (*merchant.Merchant, merchant.Actor) {
	t.Helper()
	owner := id.New(id.User)
	mc, err := b.m.CreateMerchant(b.ctx, owner, merchant.MerchantInput{Name: "Dim Sum Palace"})
	require.NoError(t, err)
	return mc, merchant.Actor{MerchantID: mc.ID, Mode: merchant.Live, UserID: owner, Role: merchant.Owner}
}

func (b *bundle) request(t *testing.T, a merchant.Actor, minor int64) *merchant.PaymentRequest {
	t.Helper()
	pr, err := b.m.CreatePaymentRequest(b.ctx, a, merchant.PaymentRequestInput{Amount: hkd(minor)})
	require.NoError(t, err)
	return pr
}

func (b *bundle) eventTypes(t *testing.T, a merchant.Actor) []string {
	t.Helper()
	evs, _, err := b.m.Events(b.ctx, a, cashless.Page{Limit: 100})
	require.NoError(t, err)
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

func TestReplayAndKeys(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		b := setup(t, url)
		_, a := b.shop(t)
		b.fund(t, "usr_p", 100_00)
		pr, other := b.request(t, a, 10_00), b.request(t, a, 20_00)
		first, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: pr.ID, IdempotencyKey: "k"})
		require.NoError(t, err)
		again, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: pr.ID, IdempotencyKey: "k"})
		require.NoError(t, err)
		require.True(t, again.Replayed)
		require.Equal(t, first.Payment.ID, again.Payment.ID)
		_, err = b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: other.ID, IdempotencyKey: "k"})
		require.Equal(t, merchant.EIdempotencyKeyReused, code(err))
		_, err = b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: pr.ID, IdempotencyKey: "k2"})
		require.Equal(t, merchant.EPaymentRequestNotPayable, code(err))
		require.Equal(t, int64(90_00), b.balance(t, "wal.usr_p.HKD"))

		_, err = b.m.CreatePaymentRequest(b.ctx, a, merchant.PaymentRequestInput{Amount: hkd(5_00), IdempotencyKey: "r"})
		require.NoError(t, err)
		_, err = b.m.CreatePaymentRequest(b.ctx, a, merchant.PaymentRequestInput{Amount: hkd(6_00), IdempotencyKey: "r"})
		require.Equal(t, merchant.EIdempotencyKeyReused, code(err))

		var data map[string]any
		evs, _, err := b.m.Events(b.ctx, a, cashless.Page{})
		require.NoError(t, err)
		require.Equal(t, merchant.EventPaymentSucceeded, evs[0].Type)
		require.NoError(t, json.Unmarshal(evs[0].Data, &data))
		require.Equal(t, "payment", data["object"])
		require.Equal(t, first.Payment.ID, data["id"])
		require.EqualValues(t, 988, data["net"])
	})
}

func TestFailedIsFinal(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		b := setup(t, url)
		mc, a := b.shop(t)
		b.fund(t, "usr_p", 5_00)
		pr := b.request(t, a, 10_00)
		res, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: pr.ID, IdempotencyKey: "k"})
		require.NoError(t, err)
		require.Equal(t, [2]string{merchant.StatusFailed, merchant.FailureInsufficientFunds}, [2]string{res.Payment.Status, res.Payment.FailureCode})
		require.Empty(t, b.payers.reserved, "the reservation is released")
		b.fund(t, "usr_p", 50_00)
		require.NoError(t, b.m.Reconcile(b.ctx))
		again, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: pr.ID, IdempotencyKey: "k"})
		require.NoError(t, err)
		require.Equal(t, merchant.StatusFailed, again.Payment.Status)
		require.True(t, again.Replayed)
		fresh, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: pr.ID, IdempotencyKey: "k2"})
		require.NoError(t, err)
		require.Equal(t, merchant.StatusSucceeded, fresh.Payment.Status)
		require.NotEqual(t, res.Payment.ID, fresh.Payment.ID)
		require.Equal(t, int64(10_00-12), b.balance(t, merchant.AccountID(mc.ID, merchant.Live, "HKD")))
		require.Equal(t, []string{merchant.EventPaymentSucceeded, merchant.EventPaymentFailed}, b.eventTypes(t, a))
	})
}

type blockAll struct{}

func (blockAll) Score(context.Context, merchant.RiskInput) (merchant.RiskDecision, error) {
	return merchant.RiskDecision{Allow: false, Score: 100, Reason: "test"}, nil
}

func TestRiskBlock(t *testing.T) {
	t.Parallel()
	b := setupRisk(t, sqldbtest.URL(t, "sqlite"), blockAll{})
	_, a := b.shop(t)
	b.fund(t, "usr_p", 50_00)
	pr := b.request(t, a, 10_00)
	res, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: pr.ID, IdempotencyKey: "k"})
	require.NoError(t, err)
	require.Equal(t, merchant.FailureBlocked, res.Payment.FailureCode)
	require.Equal(t, int64(50_00), b.balance(t, "wal.usr_p.HKD"))
	// The payment's transfer id is closed in the ledger for good.
	got, err := b.ledger.LookupTransfers(b.ctx, []string{res.Payment.ID})
	require.NoError(t, err)
	require.Empty(t, got)
}

func TestExpiryAndCancel(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		b := setup(t, url)
		_, a := b.shop(t)
		b.fund(t, "usr_p", 50_00)
		pr, err := b.m.CreatePaymentRequest(b.ctx, a, merchant.PaymentRequestInput{Amount: hkd(10_00), ExpiresIn: 60})
		require.NoError(t, err)
		_, err = b.m.CreatePaymentRequest(b.ctx, a, merchant.PaymentRequestInput{Amount: hkd(10_00), ExpiresIn: 59})
		require.Equal(t, merchant.EInvalidExpiry, code(err))
		b.clock.Advance(61 * time.Second)
		// Past expiry, not payable even before the sweep.
		_, err = b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: pr.ID, IdempotencyKey: "k"})
		require.Equal(t, merchant.EPaymentRequestNotPayable, code(err))
		got, err := b.m.PaymentRequest(b.ctx, a, pr.ID)
		require.NoError(t, err)
		require.Equal(t, merchant.StatusExpired, got.Status)
		require.NoError(t, b.m.Reconcile(b.ctx))
		require.Equal(t, []string{merchant.EventPaymentRequestExpired}, b.eventTypes(t, a))
		require.NoError(t, b.m.Reconcile(b.ctx))
		require.Len(t, b.eventTypes(t, a), 1, "expired once")

		c := b.request(t, a, 10_00)
		got, err = b.m.CancelPaymentRequest(b.ctx, a, c.ID)
		require.NoError(t, err)
		require.Equal(t, merchant.StatusCanceled, got.Status)
		_, err = b.m.CancelPaymentRequest(b.ctx, a, pr.ID)
		require.Equal(t, merchant.EPaymentRequestNotPending, code(err))
		_, err = b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: c.ID, IdempotencyKey: "k"})
		require.Equal(t, merchant.EPaymentRequestNotPayable, code(err))
		require.Equal(t, int64(50_00), b.balance(t, "wal.usr_p.HKD"))
	})
}

// TestReconcileFinishesPayment leaves a payment processing as a crash
// would (stored and claimed, nothing more), then lets the reconciler
// finish it.
func TestReconcileFinishesPayment(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		b := setup(t, url)
		mc, a := b.shop(t)
		b.fund(t, "usr_p", 50_00)
		pr := b.request(t, a, 10_00)
		now := b.clock.Now()
		p := &merchant.Payment{ID: id.New(id.Payment), MerchantID: mc.ID, Mode: merchant.Live, PaymentRequestID: pr.ID, Amount: pr.Amount,
			Fee: 12, Net: 988, Status: merchant.StatusProcessing, PayerID: "usr_p", Customer: "cus_x", Created: now}
		_, _, err := b.store.StartPayment(b.ctx, p, "k", "fp", intent.NewLease(now.Add(time.Second)), now)
		require.NoError(t, err)
		_, err = b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_q", PaymentRequestID: pr.ID, IdempotencyKey: "k"})
		require.Equal(t, merchant.EPaymentRequestNotPayable, code(err), "a request in payment is not payable")
		require.NoError(t, b.m.Reconcile(b.ctx))
		got, err := b.m.Payment(b.ctx, a, p.ID)
		require.NoError(t, err)
		require.Equal(t, merchant.StatusProcessing, got.Status, "the lease still holds")
		b.clock.Advance(2 * time.Second)
		require.NoError(t, b.m.Reconcile(b.ctx))
		got, err = b.m.Payment(b.ctx, a, p.ID)
		require.NoError(t, err)
		require.Equal(t, merchant.StatusSucceeded, got.Status)
		req, err := b.m.PaymentRequest(b.ctx, a, pr.ID)
		require.NoError(t, err)
		require.Equal(t, [2]string{merchant.StatusSucceeded, p.ID}, [2]string{req.Status, req.PaymentID})
		require.Equal(t, int64(40_00), b.balance(t, "wal.usr_p.HKD"))
		require.Equal(t, int64(988), b.balance(t, merchant.AccountID(mc.ID, merchant.Live, "HKD")))
	})
}

func TestRefunds(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		b := setup(t, url)
		mc, a := b.shop(t)
		b.fund(t, "usr_p", 100_00)
		pay := func(minor int64) *merchant.Payment {
			res, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: b.request(t, a, minor).ID, IdempotencyKey: id.New("key")})
			require.NoError(t, err)
			return res.Payment
		}
		p := pay(20_00)
		r, err := b.m.Refund(b.ctx, a, merchant.RefundInput{PaymentID: p.ID, Amount: 5_00, IdempotencyKey: "r1"})
		require.NoError(t, err)
		require.Equal(t, merchant.StatusSucceeded, r.Status)
		again, err := b.m.Refund(b.ctx, a, merchant.RefundInput{PaymentID: p.ID, Amount: 5_00, IdempotencyKey: "r1"})
		require.NoError(t, err)
		require.Equal(t, r.ID, again.ID)
		_, err = b.m.Refund(b.ctx, a, merchant.RefundInput{PaymentID: p.ID, Amount: 15_01})
		require.Equal(t, merchant.ERefundExceedsPayment, code(err))
		cashier := merchant.Actor{MerchantID: mc.ID, Mode: merchant.Live, UserID: "usr_c", Role: merchant.Cashier}
		limit := int64(1_00)
		_, err = b.m.UpdateMerchant(b.ctx, a, merchant.MerchantUpdate{CashierRefundLimit: &limit})
		require.NoError(t, err)
		_, err = b.m.Refund(b.ctx, cashier, merchant.RefundInput{PaymentID: p.ID, Amount: 1_01})
		require.Equal(t, merchant.ERefundLimitExceeded, code(err))
		// The rest: 15.00, but the merchant holds only 20.00 - 0.24 fee -
		// 5.00: the refund fails and its amount is refundable again.
		rest, err := b.m.Refund(b.ctx, a, merchant.RefundInput{PaymentID: p.ID})
		require.NoError(t, err)
		require.Equal(t, int64(15_00), rest.Amount.Minor)
		require.Equal(t, [2]string{merchant.StatusFailed, merchant.EInsufficientBalance}, [2]string{rest.Status, rest.FailureCode})
		got, err := b.m.Payment(b.ctx, a, p.ID)
		require.NoError(t, err)
		require.Equal(t, int64(5_00), got.RefundedAmount)

		// Once another payment brings the balance up, the rest goes.
		pay(10_00)
		rest, err = b.m.Refund(b.ctx, a, merchant.RefundInput{PaymentID: p.ID})
		require.NoError(t, err)
		require.Equal(t, merchant.StatusSucceeded, rest.Status)
		_, err = b.m.Refund(b.ctx, a, merchant.RefundInput{PaymentID: p.ID})
		require.Equal(t, merchant.ERefundExceedsPayment, code(err))
		bal, err := b.m.Balances(b.ctx, a)
		require.NoError(t, err)
		require.Contains(t, b.eventTypes(t, a), merchant.EventRefundFailed)

		// Conservation: payments - fees - refunds = the merchant's balance.
		var sum int64
		ps, _, err := b.m.Payments(b.ctx, a, cashless.Page{Limit: 100})
		require.NoError(t, err)
		for _, p := range ps {
			if p.Status == merchant.StatusSucceeded {
				sum += p.Net - p.RefundedAmount
			}
		}
		require.Equal(t, sum, b.balance(t, merchant.AccountID(mc.ID, merchant.Live, "HKD")))
		require.Equal(t, sum, bal[0].Available)
	})
}

// TestStepUp: a payment the payer's step-up rule holds fails, and the
// error is returned; a new call with a new key and the code pays.
func TestStepUp(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldbtest.URL(t, "sqlite"))
	_, a := b.shop(t)
	b.fund(t, "usr_p", 50_00)
	b.payers.stepUp["usr_p"] = true
	pr := b.request(t, a, 10_00)
	_, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: pr.ID, IdempotencyKey: "k"})
	require.Equal(t, "totp_required", code(err))
	ps, _, err := b.m.Payments(b.ctx, a, cashless.Page{})
	require.NoError(t, err)
	require.Len(t, ps, 1)
	require.Equal(t, [2]string{merchant.StatusFailed, "totp_required"}, [2]string{ps[0].Status, ps[0].FailureCode})
	res, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: pr.ID, IdempotencyKey: "k2", TOTPCode: "123456"})
	require.NoError(t, err)
	require.Equal(t, merchant.StatusSucceeded, res.Payment.Status)
}

// TestModes: live and test are separate worlds.
func TestModes(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldbtest.URL(t, "sqlite"))
	mc, live := b.shop(t)
	test := live
	test.Mode = merchant.Test
	tpr := b.request(t, test, 10_00)
	lpr := b.request(t, live, 10_00)
	b.fund(t, "usr_p", 50_00)
	_, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: tpr.ID, IdempotencyKey: "k"})
	require.Equal(t, merchant.EPaymentRequestNotFound, code(err), "consumers never pay test requests")
	_, err = b.m.TestPay(b.ctx, live, lpr.ID, "k")
	require.Equal(t, merchant.EPaymentRequestNotFound, code(err))
	_, err = b.m.TestPay(b.ctx, test, lpr.ID, "k")
	require.Equal(t, merchant.EPaymentRequestNotFound, code(err))
	res, err := b.m.TestPay(b.ctx, test, tpr.ID, "k")
	require.NoError(t, err)
	_, err = b.m.Payment(b.ctx, live, res.Payment.ID)
	require.Equal(t, merchant.EPaymentNotFound, code(err))
	require.Equal(t, int64(988), b.balance(t, merchant.AccountID(mc.ID, merchant.Test, "HKD")))
	require.Equal(t, int64(0), b.balance(t, merchant.AccountID(mc.ID, merchant.Live, "HKD")))
	r, err := b.m.Refund(b.ctx, test, merchant.RefundInput{PaymentID: res.Payment.ID, Amount: 500})
	require.NoError(t, err)
	require.Equal(t, merchant.StatusSucceeded, r.Status)
	_, err = b.m.RefundByID(b.ctx, live, r.ID)
	require.Equal(t, merchant.ERefundNotFound, code(err))
	lb, err := b.m.Balances(b.ctx, live)
	require.NoError(t, err)
	require.Equal(t, []merchant.Balance{{Currency: "HKD"}}, lb)
}

// TestReconcileAfterLedger: a crash after the ledger committed the chain
// but before the payment was recorded; the reconciler resubmits the same
// ids, the ledger answers committed, and the money moved once.
func TestReconcileAfterLedger(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		b := setup(t, url)
		mc, a := b.shop(t)
		b.fund(t, "usr_p", 50_00)
		pr := b.request(t, a, 10_00)
		now := b.clock.Now()
		p := &merchant.Payment{ID: id.New(id.Payment), MerchantID: mc.ID, Mode: merchant.Live, PaymentRequestID: pr.ID, Amount: pr.Amount,
			Fee: 12, Net: 988, Status: merchant.StatusProcessing, PayerID: "usr_p", Customer: "cus_x", Created: now}
		_, _, err := b.store.StartPayment(b.ctx, p, "k", "fp", intent.NewLease(now.Add(time.Second)), now)
		require.NoError(t, err)
		acct, err := b.payers.ReserveSpend(b.ctx, merchant.SpendInput{UserID: "usr_p", Key: p.ID, Amount: p.Amount})
		require.NoError(t, err)
		to := merchant.AccountID(mc.ID, merchant.Live, "HKD")
		res, err := b.ledger.CreateTransfers(b.ctx, []ledger.Transfer{
			{ID: p.ID, DebitAccountID: acct, CreditAccountID: to, Amount: 10_00, Currency: "HKD", Code: "payment", Flags: ledger.Linked},
			{ID: p.ID + ".fee", DebitAccountID: to, CreditAccountID: merchant.FeeAccountID(merchant.Live, "HKD"), Amount: 12, Currency: "HKD", Code: "fee"}})
		require.NoError(t, err)
		require.NoError(t, res[0].Err)
		b.clock.Advance(2 * time.Second)
		require.NoError(t, b.m.Reconcile(b.ctx))
		got, err := b.m.Payment(b.ctx, a, p.ID)
		require.NoError(t, err)
		require.Equal(t, merchant.StatusSucceeded, got.Status)
		require.Equal(t, int64(40_00), b.balance(t, "wal.usr_p.HKD"))
		require.Equal(t, int64(988), b.balance(t, to))
		require.Equal(t, []string{merchant.EventPaymentSucceeded}, b.eventTypes(t, a))
	})
}

// TestReconcileFinishesRefund leaves a refund stored and reserved as a
// crash would, then lets the reconciler move the money and record it.
func TestReconcileFinishesRefund(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		b := setup(t, url)
		mc, a := b.shop(t)
		b.fund(t, "usr_p", 50_00)
		res, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: "usr_p", PaymentRequestID: b.request(t, a, 10_00).ID, IdempotencyKey: "k"})
		require.NoError(t, err)
		now := b.clock.Now()
		r := &merchant.Refund{ID: id.New(id.Refund), MerchantID: mc.ID, Mode: merchant.Live, PaymentID: res.Payment.ID, Amount: hkd(4_00),
			Status: merchant.StatusProcessing, Created: now}
		_, _, err = b.store.StartRefund(b.ctx, r, "", "fp", intent.NewLease(now.Add(time.Second)))
		require.NoError(t, err)
		_, err = b.m.Refund(b.ctx, a, merchant.RefundInput{PaymentID: res.Payment.ID, Amount: 6_01})
		require.Equal(t, merchant.ERefundExceedsPayment, code(err), "the stranded refund holds its amount")
		b.clock.Advance(2 * time.Second)
		require.NoError(t, b.m.Reconcile(b.ctx))
		got, err := b.m.RefundByID(b.ctx, a, r.ID)
		require.NoError(t, err)
		require.Equal(t, merchant.StatusSucceeded, got.Status)
		require.Equal(t, int64(44_00), b.balance(t, "wal.usr_p.HKD"))
		require.Equal(t, int64(988-4_00), b.balance(t, merchant.AccountID(mc.ID, merchant.Live, "HKD")))
	})
}
