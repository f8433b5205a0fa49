package wallet_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

// TestConservation runs a seeded random mix of sends, top-ups, withdrawals
// and requests (some failing) and checks that no money was created or lost:
// the ledger verifies, and the wallets plus the bank account sum to zero.
func TestConservation(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{bank: bank.SimOptions{FailureRate: 0.2, DeclineRate: 0.1, Seed: 7}})
		rng := rand.New(rand.NewPCG(1, 2))
		users := make([]*identity.User, 5)
		for i := range users {
			users[i] = b.user(t, fmt.Sprintf("user%d", i), 2)
		}
		var fundings []*wallet.Funding
		pick := func() *identity.User { return users[rng.IntN(len(users))] }
		for i := range 120 {
			u, key := pick(), fmt.Sprintf("k%d", i)
			amount := hkd(int64(1 + rng.IntN(300_00)))
			switch rng.IntN(5) {
			case 0:
				f, err := b.wallets.Topup(b.ctx, wallet.TopupInput{UserID: u.ID, Amount: amount, IdempotencyKey: key})
				if err == nil {
					fundings = append(fundings, f)
				}
			case 1:
				f, err := b.wallets.Withdraw(b.ctx, wallet.WithdrawalInput{UserID: u.ID, Amount: amount, BankAccount: "12345678", IdempotencyKey: key})
				if err == nil {
					fundings = append(fundings, f)
				}
			case 2:
				rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: u.ID, From: []wallet.Recipient{{Username: pick().Username}}, Amount: amount, IdempotencyKey: key})
				if err == nil {
					_, _, _ = b.wallets.PayRequest(b.ctx, rs[0].Payer.UserID, rs[0].ID, "", key)
				}
			default:
				_, err := b.wallets.Send(b.ctx, wallet.SendInput{UserID: u.ID, To: wallet.Recipient{Username: pick().Username}, Amount: amount, IdempotencyKey: key})
				if err != nil {
					require.Contains(t, []string{wallet.EInsufficientFunds, wallet.ESelfTransfer, wallet.ELimitExceeded}, code(err), "%v", err)
				}
			}
		}
		for _, f := range fundings {
			b.waitFunding(t, f.UserID, f.ID)
		}
		b.verify(t)
		var sum int64
		for _, u := range users {
			w := b.balance(t, u.ID)
			require.GreaterOrEqual(t, w.Available, int64(0))
			require.Zero(t, w.Pending)
			sum += w.Balance
		}
		accts, err := b.ledger.LookupAccounts(b.ctx, []string{"sys.bank.HKD"})
		require.NoError(t, err)
		require.Equal(t, -sum, accts[0].Posted(), "the wallets hold exactly what came in from the bank")
		require.NotZero(t, sum)
	})
}

func TestAutoTopup(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{autoTopup: true})
		ada, bob := b.user(t, "ada", 1), b.user(t, "bob", 1)
		b.fund(t, ada.ID, 30_00)
		in := wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Username: "bob"}, Amount: hkd(100_00), IdempotencyKey: "a"}
		tr, err := b.wallets.Send(b.ctx, in)
		require.NoError(t, err)
		require.Equal(t, wallet.StatusSucceeded, tr.Status)
		require.Zero(t, b.balance(t, ada.ID).Balance, "topped up by exactly the missing HK$70")
		require.EqualValues(t, 100_00, b.balance(t, bob.ID).Balance)
		_, err = b.wallets.Send(b.ctx, in)
		require.NoError(t, err)
		require.EqualValues(t, 100_00, b.balance(t, bob.ID).Balance)
		b.verify(t)
	})
}
