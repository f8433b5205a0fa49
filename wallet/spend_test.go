package wallet_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/merchant"
	merchantsql "github.com/cashless-dev/cashless/merchant/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

var _ merchant.Payers = (*wallet.Wallets)(nil)

// TestSpend: a merchant payment reserves under the payer's send caps
// once per key, shows in the limits usage, and a release gives it back
// once.
func TestSpend(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		ada := b.user(t, "ada", 1)
		in := merchant.SpendInput{UserID: ada.ID, Key: "pay_1", Amount: hkd(30_00)}
		acct, err := b.wallets.ReserveSpend(b.ctx, in)
		require.NoError(t, err)
		again, err := b.wallets.ReserveSpend(b.ctx, in)
		require.NoError(t, err)
		require.Equal(t, acct, again)
		require.Equal(t, int64(30_00), b.dayUsed(t, ada.ID))
		require.NoError(t, b.wallets.ReleaseSpend(b.ctx, "pay_1"))
		require.NoError(t, b.wallets.ReleaseSpend(b.ctx, "pay_1"))
		require.Equal(t, int64(0), b.dayUsed(t, ada.ID))

		use, err := b.wallets.Limits(b.ctx, ada.ID, "HKD")
		require.NoError(t, err)
		_, err = b.wallets.ReserveSpend(b.ctx, merchant.SpendInput{UserID: ada.ID, Key: "pay_2", Amount: hkd(use[0].Cap.Minor + 1)})
		require.Equal(t, wallet.ELimitExceeded, code(err))
	})
}

// TestMerchantPayFromWallet pays a merchant from a real wallet: the money
// leaves the wallet, the payment counts in the payer's limits, and a
// payment the wallet cannot cover fails for good.
func TestMerchantPayFromWallet(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		dialect, _, err := sqldb.ParseURL(url)
		require.NoError(t, err)
		mdb := sqldbtest.Open(t, dialect)
		require.NoError(t, merchantsql.Migrate(b.ctx, mdb))
		ms := merchantsql.New(mdb)
		t.Cleanup(ms.Close)
		m, err := merchant.New(ms, b.ledger, b.wallets, b.vault, merchant.Options{ReconcileInterval: -1})
		require.NoError(t, err)
		t.Cleanup(func() { _ = m.Close(b.ctx) })

		ada := b.user(t, "ada", 1)
		b.fund(t, ada.ID, 100_00)
		mc, err := m.CreateMerchant(b.ctx, ada.ID, merchant.MerchantInput{Name: "Noodles"})
		require.NoError(t, err)
		a := merchant.Actor{MerchantID: mc.ID, Mode: merchant.Live, UserID: ada.ID, Role: merchant.Owner}
		pr, err := m.CreatePaymentRequest(b.ctx, a, merchant.PaymentRequestInput{Amount: hkd(40_00)})
		require.NoError(t, err)
		res, err := m.Pay(b.ctx, merchant.PayInput{UserID: ada.ID, PaymentRequestID: pr.ID, IdempotencyKey: "k"})
		require.NoError(t, err)
		require.Equal(t, merchant.StatusSucceeded, res.Payment.Status)
		require.Equal(t, int64(60_00), b.balance(t, ada.ID).Available)
		require.Equal(t, int64(40_00), b.dayUsed(t, ada.ID))

		big, err := m.CreatePaymentRequest(b.ctx, a, merchant.PaymentRequestInput{Amount: hkd(70_00)})
		require.NoError(t, err)
		res, err = m.Pay(b.ctx, merchant.PayInput{UserID: ada.ID, PaymentRequestID: big.ID, IdempotencyKey: "k2"})
		require.NoError(t, err)
		require.Equal(t, [2]string{merchant.StatusFailed, wallet.EInsufficientFunds}, [2]string{res.Payment.Status, res.Payment.FailureCode})
		require.Equal(t, int64(40_00), b.dayUsed(t, ada.ID), "the failed payment's reservation is released")
		b.fund(t, ada.ID, 100_00)
		require.NoError(t, m.Reconcile(b.ctx))
		p, err := m.Payment(b.ctx, a, res.Payment.ID)
		require.NoError(t, err)
		require.Equal(t, merchant.StatusFailed, p.Status, "failed is final")
		res, err = m.Pay(b.ctx, merchant.PayInput{UserID: ada.ID, PaymentRequestID: big.ID, IdempotencyKey: "k3"})
		require.NoError(t, err)
		require.Equal(t, merchant.StatusSucceeded, res.Payment.Status)
		require.NotEqual(t, p.ID, res.Payment.ID)
	})
}
