package wallet_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

// strand stores an intent as Send would just before calling the ledger,
// as if the process had crashed there.
func (b *testBundle) strand(t *testing.T, from, to string, minor int64) *wallet.Intent {
	t.Helper()
	for _, u := range []string{from, to} {
		_, err := b.wallets.Wallet(b.ctx, u, "HKD")
		require.NoError(t, err)
	}
	now := b.clock.Now()
	it := &wallet.Intent{
		Transfer: wallet.Transfer{ID: id.New(id.Transfer), From: wallet.Party{UserID: from}, To: wallet.Party{UserID: to},
			Amount: hkd(minor), Visibility: wallet.Private, Status: wallet.StatusProcessing, Created: now},
		IdempotencyKey: id.New("key"), Windows: []string{"day:2026-11-29"}, Updated: now,
		Lease: intent.NewLease(now.Add(2 * time.Second)),
	}
	stored, created, err := b.store.CreateIntent(b.ctx, it, []wallet.Reservation{{Period: "day", Window: "day:2026-11-29", Cap: 1_000_000_00}}, nil)
	require.NoError(t, err)
	require.True(t, created)
	return stored
}

func (b *testBundle) intent(t *testing.T, tid string) *wallet.Intent {
	t.Helper()
	it, err := b.store.Intent(b.ctx, tid)
	require.NoError(t, err)
	return it
}

func (b *testBundle) dayUsed(t *testing.T, userID string) int64 {
	t.Helper()
	use, err := b.wallets.Limits(b.ctx, userID, "HKD")
	require.NoError(t, err)
	return use[0].Used.Minor
}

func TestReconcile(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		ada, bob := b.user(t, "ada", 1), b.user(t, "bob", 1)
		b.fund(t, ada.ID, 100_00)

		never := b.strand(t, ada.ID, bob.ID, 30_00)    // crashed before the ledger call
		done := b.strand(t, ada.ID, bob.ID, 20_00)     // crashed after it
		tooMuch := b.strand(t, ada.ID, bob.ID, 500_00) // the ledger will refuse it
		res, err := b.ledger.CreateTransfers(b.ctx, []ledger.Transfer{{ID: done.ID, DebitAccountID: "acct_" + ada.ID + "_hkd",
			CreditAccountID: "acct_" + bob.ID + "_hkd", Amount: 20_00, Currency: "HKD", Code: "p2p"}})
		require.NoError(t, err)
		require.NoError(t, res[0].Err)
		require.EqualValues(t, 550_00, b.dayUsed(t, ada.ID))

		require.NoError(t, b.wallets.Reconcile(b.ctx))
		time.Sleep(3 * reconcileInterval) // and a few passes of the live reconciler
		for _, it := range []*wallet.Intent{never, done, tooMuch} {
			require.Equal(t, wallet.StatusProcessing, b.intent(t, it.ID).Status, "within the grace period")
		}

		finished := func() bool {
			return b.intent(t, never.ID).Status != wallet.StatusProcessing && b.intent(t, done.ID).Status != wallet.StatusProcessing &&
				b.intent(t, tooMuch.ID).Status != wallet.StatusProcessing
		}
		b.clock.Advance(3 * time.Second)
		for range 2 {
			require.Eventually(t, finished, 5*time.Second, 5*time.Millisecond)
			require.Equal(t, wallet.StatusSucceeded, b.intent(t, never.ID).Status)
			require.Equal(t, wallet.StatusSucceeded, b.intent(t, done.ID).Status)
			failed := b.intent(t, tooMuch.ID)
			require.Equal(t, wallet.StatusFailed, failed.Status)
			require.Equal(t, wallet.EInsufficientFunds, failed.FailureCode)
			require.EqualValues(t, 50_00, b.balance(t, ada.ID).Balance)
			require.EqualValues(t, 50_00, b.balance(t, bob.ID).Balance)
			require.EqualValues(t, 50_00, b.dayUsed(t, ada.ID), "the refused one's reservation is released")
			// Another pass, by hand, changes nothing.
			b.clock.Advance(3 * time.Second)
			require.NoError(t, b.wallets.Reconcile(b.ctx))
		}

		t.Run("a stranded top-up is held, submitted and settled", func(t *testing.T) {
			f := &wallet.FundingRecord{Funding: wallet.Funding{ID: id.New(id.Topup), Kind: wallet.KindTopup, UserID: bob.ID,
				Amount: hkd(7_00), Status: wallet.StatusPending, Created: b.clock.Now()}, IdempotencyKey: "stranded", Updated: b.clock.Now(),
				Lease: intent.NewLease(b.clock.Now().Add(2 * time.Second))}
			_, created, err := b.store.CreateFunding(b.ctx, f, nil, nil)
			require.NoError(t, err)
			require.True(t, created)
			b.clock.Advance(3 * time.Second)
			got := b.waitFunding(t, bob.ID, f.ID)
			require.Equal(t, wallet.StatusSucceeded, got.Status)
			require.EqualValues(t, 57_00, b.balance(t, bob.ID).Balance)
			b.clock.Advance(3 * time.Second)
			require.NoError(t, b.wallets.Reconcile(b.ctx))
			require.EqualValues(t, 57_00, b.balance(t, bob.ID).Balance)
		})
		b.verify(t)
	})
}

// A replay of a send that a crashed driver left in flight drives it on
// once that driver's lease has ended. The reconciler is off: the replay
// must be what finishes the send, and a live reconciler would race it for
// the lapsed lease.
func TestReplayDrivesAStrandedSend(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{manualReconcile: true})
		ada, bob := b.user(t, "ada", 1), b.user(t, "bob", 1)
		b.fund(t, ada.ID, 50_00)
		it := b.strand(t, ada.ID, bob.ID, 5_00)
		in := wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Username: "bob"}, Amount: hkd(5_00), IdempotencyKey: it.IdempotencyKey}
		tr, err := b.wallets.Send(b.ctx, in)
		require.NoError(t, err)
		require.Equal(t, wallet.StatusProcessing, tr.Status, "another driver holds it")
		require.EqualValues(t, 50_00, b.balance(t, ada.ID).Balance)
		b.clock.Advance(3 * time.Second) // that driver's lease ends (it crashed)
		tr, err = b.wallets.Send(b.ctx, in)
		require.NoError(t, err)
		require.Equal(t, it.ID, tr.ID)
		require.Equal(t, wallet.StatusSucceeded, tr.Status)
		require.EqualValues(t, 45_00, b.balance(t, ada.ID).Balance)
		require.EqualValues(t, 5_00, b.balance(t, bob.ID).Balance)
		b.verify(t)
	})
}
