package wallet_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

// Withdrawals and sends add up towards the TOTP step-up (HK$5,000 in 24
// hours by default): moving money out to a bank first does not let a
// large amount leave without a code.
func TestWithdrawalsCountTowardTheStepUp(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		ada, _ := b.user(t, "ada", 2), b.user(t, "bob", 2)
		ada.TOTPEnabled = true
		b.dir.add(ada)
		b.fund(t, ada.ID, 10_000_00)
		send := func(key string, minor int64, totp string) error {
			_, err := b.wallets.Send(b.ctx, wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Username: "bob"}, Amount: hkd(minor), IdempotencyKey: key, TOTPCode: totp})
			return err
		}
		withdraw := func(key string, minor int64, totp string) error {
			_, err := b.wallets.Withdraw(b.ctx, wallet.WithdrawalInput{UserID: ada.ID, Amount: hkd(minor), BankAccount: "12345678", IdempotencyKey: key, TOTPCode: totp})
			return err
		}

		require.NoError(t, withdraw("w1", 4_000_00, ""), "under the threshold alone")
		require.Equal(t, identity.ETOTPRequired, code(send("s1", 1_500_00, "")), "a send after a large withdrawal needs a code")
		require.NoError(t, send("s2", 1_000_00, ""), "HK$5,000 in all is the threshold itself")
		require.Equal(t, identity.ETOTPRequired, code(withdraw("w2", 1, "")), "and a withdrawal after the sends")
		require.NoError(t, withdraw("w2", 1, validTOTP))
		require.EqualValues(t, 4_999_99, b.balance(t, ada.ID).Available)
		b.verify(t)
	})
}

// Top-ups are capped per tier: an unverified wallet (tier 0) loads at most
// HK$3,000 a day by default, and a failed top-up gives its reservation
// back.
func TestTopupCaps(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{bank: bank.SimOptions{FailureRate: 1}})
		ada := b.user(t, "ada", 0)
		for _, minor := range []int64{100_000_00, 3_000_01} {
			_, err := b.wallets.Topup(b.ctx, wallet.TopupInput{UserID: ada.ID, Amount: hkd(minor), IdempotencyKey: "big"})
			require.Equal(t, wallet.ELimitExceeded, code(err), minor)
			var ce *cashless.Error
			require.ErrorAs(t, err, &ce)
			require.Equal(t, "day", ce.Param)
		}
		topupUsed := func() int64 {
			t.Helper()
			used, err := b.store.LimitUsage(b.ctx, ada.ID, "HKD", []string{"topup:day:2026-11-29"})
			require.NoError(t, err)
			return used["topup:day:2026-11-29"]
		}
		require.Zero(t, topupUsed(), "a refused top-up reserves nothing")

		f, err := b.wallets.Topup(b.ctx, wallet.TopupInput{UserID: ada.ID, Amount: hkd(2_000_00), IdempotencyKey: "fails"})
		require.NoError(t, err)
		f = b.waitFunding(t, ada.ID, f.ID)
		require.Equal(t, wallet.StatusFailed, f.Status, "the bank fails every top-up")
		require.Zero(t, topupUsed(), "the failed top-up gave its reservation back")

		f, err = b.wallets.Topup(b.ctx, wallet.TopupInput{UserID: ada.ID, Amount: hkd(3_000_00), IdempotencyKey: "full"})
		require.NoError(t, err, "the whole day's cap is free again")
		b.waitFunding(t, ada.ID, f.ID)
		require.Zero(t, b.balance(t, ada.ID).Balance)
		use, err := b.wallets.Limits(b.ctx, ada.ID, "HKD")
		require.NoError(t, err)
		require.Len(t, use, 6, "three caps on sends, then three on top-ups")
		for i, u := range use {
			want := map[bool]string{true: wallet.LimitSend, false: wallet.LimitTopup}[i < 3]
			require.Equal(t, want, u.Kind, i)
		}
		require.Equal(t, "day", use[3].Period)
		require.EqualValues(t, 3_000_00, use[3].Cap.Minor)
		require.Zero(t, use[3].Used.Minor, "the bank failed it: its reservation is back")
		b.verify(t)
	})
}
