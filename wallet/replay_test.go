package wallet_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

// An idempotency key names one call: the same key with other fields is
// idempotency_key_reused, and moves nothing; the same call again is its
// replay.
func TestIdempotencyKeyReused(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		ada, bob, cy := b.user(t, "ada", 1), b.user(t, "bob", 1), b.user(t, "cy", 1)
		b.fund(t, ada.ID, 1_000_00)

		t.Run("send", func(t *testing.T) {
			in := wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Username: "bob"}, Amount: hkd(5_00),
				Message: "lunch", Visibility: wallet.Friends, IdempotencyKey: "send"}
			tr, err := b.wallets.Send(b.ctx, in)
			require.NoError(t, err)
			for name, mut := range map[string]func(*wallet.SendInput){
				"amount":     func(in *wallet.SendInput) { in.Amount = hkd(6_00) },
				"recipient":  func(in *wallet.SendInput) { in.To = wallet.Recipient{Username: "cy"} },
				"message":    func(in *wallet.SendInput) { in.Message = "dinner" },
				"visibility": func(in *wallet.SendInput) { in.Visibility = wallet.Public },
			} {
				other := in
				mut(&other)
				_, err := b.wallets.Send(b.ctx, other)
				require.Equal(t, wallet.EIdempotencyKeyReused, code(err), name)
			}
			again, err := b.wallets.Send(b.ctx, in)
			require.NoError(t, err)
			require.Equal(t, tr.ID, again.ID)
			require.EqualValues(t, 5_00, b.balance(t, bob.ID).Balance)
			require.Zero(t, b.balance(t, cy.ID).Balance)
			require.EqualValues(t, 995_00, b.balance(t, ada.ID).Balance)
		})

		t.Run("top-up", func(t *testing.T) {
			in := wallet.TopupInput{UserID: bob.ID, Amount: hkd(100_00), IdempotencyKey: "topup"}
			f, err := b.wallets.Topup(b.ctx, in)
			require.NoError(t, err)
			b.waitFunding(t, bob.ID, f.ID)
			_, err = b.wallets.Topup(b.ctx, wallet.TopupInput{UserID: bob.ID, Amount: hkd(200_00), IdempotencyKey: "topup"})
			require.Equal(t, wallet.EIdempotencyKeyReused, code(err))
			again, err := b.wallets.Topup(b.ctx, in)
			require.NoError(t, err)
			require.Equal(t, f.ID, again.ID)
			require.EqualValues(t, 105_00, b.balance(t, bob.ID).Balance, "topped up once")
		})

		t.Run("withdrawal", func(t *testing.T) {
			in := wallet.WithdrawalInput{UserID: ada.ID, Amount: hkd(50_00), BankAccount: "123-456-789", IdempotencyKey: "withdraw"}
			f, err := b.wallets.Withdraw(b.ctx, in)
			require.NoError(t, err)
			b.waitFunding(t, ada.ID, f.ID)
			for name, mut := range map[string]func(*wallet.WithdrawalInput){
				"amount":  func(in *wallet.WithdrawalInput) { in.Amount = hkd(60_00) },
				"account": func(in *wallet.WithdrawalInput) { in.BankAccount = "987654321" },
			} {
				other := in
				mut(&other)
				_, err := b.wallets.Withdraw(b.ctx, other)
				require.Equal(t, wallet.EIdempotencyKeyReused, code(err), name)
			}
			in.BankAccount = "123 456 789" // the same account, written otherwise
			again, err := b.wallets.Withdraw(b.ctx, in)
			require.NoError(t, err)
			require.Equal(t, f.ID, again.ID)
			require.EqualValues(t, 945_00, b.balance(t, ada.ID).Balance, "withdrawn once")
		})
		b.verify(t)
	})
}

// A retried withdrawal is answered from its stored outcome before the
// step-up, so the one-time code it carries, used by the first call, is
// not asked for again.
func TestRetriedWithdrawalWithAUsedCode(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		ada := b.user(t, "ada", 2)
		ada.TOTPEnabled = true
		b.dir.add(ada)
		b.fund(t, ada.ID, 10_000_00)

		in := wallet.WithdrawalInput{UserID: ada.ID, Amount: hkd(6_000_00), BankAccount: "12345678", TOTPCode: validTOTP, IdempotencyKey: "w"}
		f, err := b.wallets.Withdraw(b.ctx, in)
		require.NoError(t, err)
		f = b.waitFunding(t, ada.ID, f.ID)
		require.Equal(t, wallet.StatusSucceeded, f.Status)
		require.Equal(t, identity.EInvalidTOTP, code(b.dir.VerifyTOTP(b.ctx, ada.ID, validTOTP)), "the code is used")

		again, err := b.wallets.Withdraw(b.ctx, in)
		require.NoError(t, err, "the retry carries the used code")
		require.Equal(t, f.ID, again.ID)
		require.Equal(t, wallet.StatusSucceeded, again.Status)
		in.TOTPCode = ""
		again, err = b.wallets.Withdraw(b.ctx, in)
		require.NoError(t, err, "or none")
		require.Equal(t, f.ID, again.ID)
		require.EqualValues(t, 4_000_00, b.balance(t, ada.ID).Balance, "withdrawn once")

		_, err = b.wallets.Withdraw(b.ctx, wallet.WithdrawalInput{UserID: ada.ID, Amount: hkd(6_000_00), BankAccount: "12345678", TOTPCode: validTOTP, IdempotencyKey: "w2"})
		require.Equal(t, identity.EInvalidTOTP, code(err), "a new withdrawal needs a new code")
		b.verify(t)
	})
}
