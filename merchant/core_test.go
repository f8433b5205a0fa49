package merchant_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/emvqr"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

func TestPayAndRefund(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		b := setup(t, url)
		mc, err := b.m.CreateMerchant(b.ctx, "usr_owner", merchant.MerchantInput{Name: "Tea House", BankAccount: "012-345-678901"})
		require.NoError(t, err)
		require.Equal(t, "8901", mc.BankAccountLast4)
		a, err := b.m.Actor(b.ctx, "usr_owner", "", merchant.Live)
		require.NoError(t, err)

		pr, err := b.m.CreatePaymentRequest(b.ctx, a, merchant.PaymentRequestInput{Amount: money.Amount{Minor: 10_000, Currency: "HKD"}, IdempotencyKey: "k1"})
		require.NoError(t, err)
		again, err := b.m.CreatePaymentRequest(b.ctx, a, merchant.PaymentRequestInput{Amount: money.Amount{Minor: 10_000, Currency: "HKD"}, IdempotencyKey: "k1"})
		require.NoError(t, err)
		require.Equal(t, pr.ID, again.ID)
		_, err = emvqr.Decode(pr.QRPayload)
		require.NoError(t, err)
		prID, amt, err := merchant.ParseQR(pr.QRPayload)
		require.NoError(t, err)
		require.Equal(t, pr.ID, prID)
		require.Equal(t, pr.Amount, amt)

		// Twenty payers race; exactly one pays.
		const n = 20
		for i := range n {
			b.fund(t, fmt.Sprintf("usr_%d", i), 50_000)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := b.m.Pay(b.ctx, merchant.PayInput{UserID: fmt.Sprintf("usr_%d", i), PaymentRequestID: pr.ID, IdempotencyKey: "pay"})
				if err != nil {
					require.Equal(t, merchant.EPaymentRequestNotPayable, cashless.ErrorCode(err))
					return
				}
				require.Equal(t, merchant.StatusSucceeded, res.Payment.Status)
				mu.Lock()
				won++
				mu.Unlock()
			}()
		}
		wg.Wait()
		require.Equal(t, 1, won)
		got, err := b.m.PaymentRequest(b.ctx, a, pr.ID)
		require.NoError(t, err)
		require.Equal(t, merchant.StatusSucceeded, got.Status)
		p, err := b.m.Payment(b.ctx, a, got.PaymentID)
		require.NoError(t, err)
		require.Equal(t, int64(120), p.Fee)
		require.Equal(t, int64(9_880), p.Net)
		require.Equal(t, int64(9_880), b.balance(t, merchant.AccountID(mc.ID, merchant.Live, "HKD")))

		// Fifty concurrent refunds of a tenth never exceed the payment.
		var ok int
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := b.m.Refund(b.ctx, a, merchant.RefundInput{PaymentID: p.ID, Amount: 1_000, IdempotencyKey: fmt.Sprint(i)})
				if err != nil {
					require.Equal(t, merchant.ERefundExceedsPayment, cashless.ErrorCode(err))
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if r.Status == merchant.StatusSucceeded {
					ok++
				}
			}()
		}
		wg.Wait()
		// The merchant holds 98.80 after the fee: nine refunds of 10 fit,
		// the tenth fails for the balance and is given back.
		require.Equal(t, 9, ok)
		require.Equal(t, int64(880), b.balance(t, merchant.AccountID(mc.ID, merchant.Live, "HKD")))
		p, err = b.m.Payment(b.ctx, a, p.ID)
		require.NoError(t, err)
		require.Equal(t, int64(9_000), p.RefundedAmount)
	})
}

func TestPermissionsAndIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldbtest.URL(t, "sqlite"))
	mc, err := b.m.CreateMerchant(b.ctx, "usr_a", merchant.MerchantInput{Name: "A"})
	require.NoError(t, err)
	_, err = b.m.CreateMerchant(b.ctx, "usr_b", merchant.MerchantInput{Name: "B"})
	require.NoError(t, err)
	owner := merchant.Actor{MerchantID: mc.ID, Mode: merchant.Test, UserID: "usr_a", Role: merchant.Owner}
	_, err = b.m.AddStaff(b.ctx, owner, "usr_v", merchant.Viewer)
	require.NoError(t, err)
	viewer, err := b.m.Actor(b.ctx, "usr_v", "", merchant.Test)
	require.NoError(t, err)
	_, err = b.m.CreatePaymentRequest(b.ctx, viewer, merchant.PaymentRequestInput{Amount: money.Amount{Minor: 100, Currency: "HKD"}})
	require.Equal(t, merchant.EPermissionDenied, cashless.ErrorCode(err))
	pr, err := b.m.CreatePaymentRequest(b.ctx, owner, merchant.PaymentRequestInput{Amount: money.Amount{Minor: 100, Currency: "HKD"}})
	require.NoError(t, err)
	other, err := b.m.Actor(b.ctx, "usr_b", "", merchant.Test)
	require.NoError(t, err)
	_, err = b.m.PaymentRequest(b.ctx, other, pr.ID)
	require.Equal(t, merchant.EPaymentRequestNotFound, cashless.ErrorCode(err))
	live := owner
	live.Mode = merchant.Live
	_, err = b.m.PaymentRequest(b.ctx, live, pr.ID)
	require.Equal(t, merchant.EPaymentRequestNotFound, cashless.ErrorCode(err))
	res, err := b.m.TestPay(b.ctx, owner, pr.ID, "t")
	require.NoError(t, err)
	require.Equal(t, merchant.StatusSucceeded, res.Payment.Status)
	require.Equal(t, "cus_test", res.Payment.Customer)
	require.Error(t, b.m.RemoveStaff(b.ctx, owner, "usr_a"))
}
