package wallet_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

func TestTopup(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		t.Run("pending, then posted", func(t *testing.T) {
			b := setup(t, url, setupOptions{bank: bank.SimOptions{Latency: 300 * time.Millisecond}})
			ada := b.user(t, "ada", 1)
			f, err := b.wallets.Topup(b.ctx, wallet.TopupInput{UserID: ada.ID, Amount: hkd(500_00), IdempotencyKey: "t"})
			require.NoError(t, err)
			require.Equal(t, wallet.StatusPending, f.Status)
			require.Equal(t, wallet.KindTopup, f.Kind)
			w := b.balance(t, ada.ID)
			require.EqualValues(t, 0, w.Balance)
			require.EqualValues(t, 500_00, w.Pending)

			f = b.waitFunding(t, ada.ID, f.ID)
			require.Equal(t, wallet.StatusSucceeded, f.Status)
			require.False(t, f.Completed.IsZero())
			w = b.balance(t, ada.ID)
			require.EqualValues(t, 500_00, w.Balance)
			require.EqualValues(t, 500_00, w.Available)
			require.Zero(t, w.Pending)

			again, err := b.wallets.Topup(b.ctx, wallet.TopupInput{UserID: ada.ID, Amount: hkd(500_00), IdempotencyKey: "t"})
			require.NoError(t, err)
			require.Equal(t, f.ID, again.ID)
			require.EqualValues(t, 500_00, b.balance(t, ada.ID).Balance, "a replay tops up once")

			entries, _, err := b.wallets.Activity(b.ctx, ada.ID, "HKD", cashless.Page{})
			require.NoError(t, err)
			require.Len(t, entries, 2)
			require.Equal(t, "topup", entries[0].Type)
			require.False(t, entries[0].Pending)
			require.EqualValues(t, 500_00, entries[0].Balance)
			require.True(t, entries[1].Pending)
			require.EqualValues(t, 0, entries[1].Balance)

			other := b.user(t, "eve", 1)
			_, err = b.wallets.Funding(b.ctx, other.ID, f.ID)
			require.Equal(t, wallet.EFundingNotFound, code(err))
			list, more, err := b.wallets.Fundings(b.ctx, ada.ID, wallet.KindTopup, cashless.Page{})
			require.NoError(t, err)
			require.False(t, more)
			require.Len(t, list, 1)
			b.verify(t)
		})
		t.Run("failed, voided", func(t *testing.T) {
			b := setup(t, url, setupOptions{bank: bank.SimOptions{FailureRate: 1}})
			ada := b.user(t, "ada", 1)
			f, err := b.wallets.Topup(b.ctx, wallet.TopupInput{UserID: ada.ID, Amount: hkd(500_00), IdempotencyKey: "t"})
			require.NoError(t, err)
			f = b.waitFunding(t, ada.ID, f.ID)
			require.Equal(t, wallet.StatusFailed, f.Status)
			require.Equal(t, wallet.EBankFailed, f.FailureCode)
			w := b.balance(t, ada.ID)
			require.Zero(t, w.Balance)
			require.Zero(t, w.Pending)
			b.verify(t)
		})
		t.Run("declined at once", func(t *testing.T) {
			b := setup(t, url, setupOptions{bank: bank.SimOptions{DeclineRate: 1}})
			ada := b.user(t, "ada", 1)
			in := wallet.TopupInput{UserID: ada.ID, Amount: hkd(500_00), IdempotencyKey: "t"}
			_, err := b.wallets.Topup(b.ctx, in)
			require.Equal(t, wallet.EBankDeclined, code(err))
			_, err = b.wallets.Topup(b.ctx, in)
			require.Equal(t, wallet.EBankDeclined, code(err))
			require.Zero(t, b.balance(t, ada.ID).Pending)
			b.verify(t)
		})
	})
}

func TestWithdraw(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		t.Run("succeeds; account sealed", func(t *testing.T) {
			b := setup(t, url, setupOptions{bank: bank.SimOptions{Latency: 300 * time.Millisecond}})
			ada := b.user(t, "ada", 1)
			b.fund(t, ada.ID, 1_000_00)
			f, err := b.wallets.Withdraw(b.ctx, wallet.WithdrawalInput{UserID: ada.ID, Amount: hkd(400_00), BankAccount: "004-123456-789", IdempotencyKey: "w"})
			require.NoError(t, err)
			require.Equal(t, wallet.StatusPending, f.Status)
			require.Equal(t, "6789", f.BankAccountLast4)
			w := b.balance(t, ada.ID)
			require.EqualValues(t, 1_000_00, w.Balance)
			require.EqualValues(t, 600_00, w.Available, "the money is held")

			var sealed []byte
			var last4 string
			require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT bank_account, account_last4 FROM wallet_fundings WHERE id = ?`, f.ID).Scan(&sealed, &last4))
			require.Equal(t, "6789", last4)
			require.NotContains(t, string(sealed), "123456789")
			require.NotEmpty(t, sealed)

			f = b.waitFunding(t, ada.ID, f.ID)
			require.Equal(t, wallet.StatusSucceeded, f.Status)
			w = b.balance(t, ada.ID)
			require.EqualValues(t, 600_00, w.Balance)
			require.EqualValues(t, 600_00, w.Available)
			b.verify(t)
		})
		t.Run("fails; money back", func(t *testing.T) {
			b := setup(t, url, setupOptions{withdrawals: &bank.SimOptions{FailureRate: 1}})
			ada := b.user(t, "ada", 1)
			b.fund(t, ada.ID, 1_000_00)
			f, err := b.wallets.Withdraw(b.ctx, wallet.WithdrawalInput{UserID: ada.ID, Amount: hkd(400_00), BankAccount: "123 456 789", IdempotencyKey: "w"})
			require.NoError(t, err)
			f = b.waitFunding(t, ada.ID, f.ID)
			require.Equal(t, wallet.StatusFailed, f.Status)
			w := b.balance(t, ada.ID)
			require.EqualValues(t, 1_000_00, w.Balance)
			require.EqualValues(t, 1_000_00, w.Available)
			entries, _, err := b.wallets.Activity(b.ctx, ada.ID, "HKD", cashless.Page{Limit: 1})
			require.NoError(t, err)
			require.Equal(t, "withdrawal_reversed", entries[0].Type)
			require.EqualValues(t, 400_00, entries[0].Amount)
			b.verify(t)
		})
		t.Run("refusals", func(t *testing.T) {
			b := setup(t, url, setupOptions{})
			ada := b.user(t, "ada", 1)
			ada.TOTPEnabled = true
			b.dir.add(ada)
			b.fund(t, ada.ID, 1_000_00)
			for _, acct := range []string{"12345", "123456789012345678901", "12a456789", ""} {
				_, err := b.wallets.Withdraw(b.ctx, wallet.WithdrawalInput{UserID: ada.ID, Amount: hkd(1), BankAccount: acct, IdempotencyKey: "x"})
				require.Equal(t, wallet.EInvalidBankAccount, code(err), acct)
			}
			_, err := b.wallets.Withdraw(b.ctx, wallet.WithdrawalInput{UserID: ada.ID, Amount: hkd(2_000_00), BankAccount: "123456", IdempotencyKey: "big"})
			require.Equal(t, wallet.EInsufficientFunds, code(err))
			_, err = b.wallets.Withdraw(b.ctx, wallet.WithdrawalInput{UserID: ada.ID, Amount: hkd(6_000_00), BankAccount: "123456", IdempotencyKey: "totp"})
			require.Equal(t, identity.ETOTPRequired, code(err))
			require.EqualValues(t, 1_000_00, b.balance(t, ada.ID).Available)
		})
	})
}
