package wallet_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

// A decline's failure code is bank_declined whoever applies it: the
// request path that saw the bank refuse, or, after a crash between
// recording the refusal and applying it, the reconciler or the bank's
// late notification.
func TestDeclineCodeOnEveryPath(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		t.Run("the request path", func(t *testing.T) {
			b := setup(t, url, setupOptions{withdrawals: &bank.SimOptions{DeclineRate: 1}})
			ada := b.user(t, "ada", 1)
			b.fund(t, ada.ID, 100_00)
			_, err := b.wallets.Withdraw(b.ctx, wallet.WithdrawalInput{UserID: ada.ID, Amount: hkd(40_00), BankAccount: "12345678", IdempotencyKey: "w"})
			require.Equal(t, wallet.EBankDeclined, code(err))
			fs, _, err := b.wallets.Fundings(b.ctx, ada.ID, wallet.KindWithdrawal, cashless.Page{})
			require.NoError(t, err)
			require.Len(t, fs, 1)
			require.Equal(t, [2]string{wallet.StatusFailed, wallet.EBankDeclined}, [2]string{fs[0].Status, fs[0].FailureCode})
			require.EqualValues(t, 100_00, b.balance(t, ada.ID).Available)
		})

		// The bank takes the orders and never answers within the test; the
		// decline is recorded as the request path records it, then the
		// process "crashes" before applying it.
		b := setup(t, url, setupOptions{withdrawals: &bank.SimOptions{Latency: time.Hour}})
		ada := b.user(t, "ada", 1)
		b.fund(t, ada.ID, 100_00)
		crashAfterDecline := func(key string) *wallet.Funding {
			t.Helper()
			f, err := b.wallets.Withdraw(b.ctx, wallet.WithdrawalInput{UserID: ada.ID, Amount: hkd(40_00), BankAccount: "12345678", IdempotencyKey: key})
			require.NoError(t, err)
			require.Equal(t, wallet.StatusPending, f.Status)
			rec, err := b.store.RecordBankOutcome(b.ctx, f.ID, string(bank.Failed), wallet.EBankDeclined, b.clock.Now())
			require.NoError(t, err)
			require.Equal(t, wallet.StatusPending, rec.Status)
			return f
		}
		declined := func(f *wallet.Funding) {
			t.Helper()
			got := b.waitFunding(t, ada.ID, f.ID)
			require.Equal(t, [2]string{wallet.StatusFailed, wallet.EBankDeclined}, [2]string{got.Status, got.FailureCode})
		}

		t.Run("the bank's notification", func(t *testing.T) {
			f := crashAfterDecline("notified")
			b.wallets.BankOutcome(bank.Outcome{Ref: f.ID, Status: bank.Failed})
			declined(f)
		})
		t.Run("the reconciler", func(t *testing.T) {
			f := crashAfterDecline("reconciled")
			b.clock.Advance(3 * time.Second) // the request path's lease ends
			declined(f)
		})
		require.EqualValues(t, 100_00, b.balance(t, ada.ID).Available, "both holds were given back")
		b.verify(t)
	})
}

// A failed intent never becomes succeeded: the store refuses, changes
// nothing, and adds no limit use back.
func TestSucceedIntentOnAFailedIntent(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		ada, bob := b.user(t, "ada", 1), b.user(t, "bob", 1)
		b.fund(t, ada.ID, 1_00)
		rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: bob.ID, From: []wallet.Recipient{{Username: "ada"}}, Amount: hkd(5_00), IdempotencyKey: "r"})
		require.NoError(t, err)
		_, _, err = b.wallets.PayRequest(b.ctx, ada.ID, rs[0].ID, "", "pay")
		require.Equal(t, wallet.EInsufficientFunds, code(err))
		it, err := b.store.IntentByKey(b.ctx, ada.ID, rs[0].ID+"/0")
		require.NoError(t, err)
		require.Equal(t, wallet.StatusFailed, it.Status)
		require.Zero(t, b.dayUsed(t, ada.ID))

		changed, err := b.store.SucceedIntent(b.ctx, it, b.clock.Now())
		require.Error(t, err)
		require.False(t, changed)

		after := b.intent(t, it.ID)
		require.Equal(t, [2]string{wallet.StatusFailed, wallet.EInsufficientFunds}, [2]string{after.Status, after.FailureCode})
		require.Zero(t, b.dayUsed(t, ada.ID), "no usage added back")
		req, err := b.store.Request(b.ctx, rs[0].ID)
		require.NoError(t, err)
		require.Equal(t, wallet.RequestPending, req.Status, "the request is not paid")
		require.Empty(t, req.TransferID)
		cs, _, err := b.wallets.Contacts(b.ctx, ada.ID, cashless.Page{})
		require.NoError(t, err)
		require.Empty(t, cs, "no payment contacts")
	})
}

// brokenLedger is the ledger with one transfer it cannot take: a call
// carrying it fails as a whole, as when the ledger is unreachable. While
// down is set, every call with a transfer fails.
type brokenLedger struct {
	ledger.Service
	mu     sync.Mutex
	down   bool
	broken string // a transfer id
	tries  int    // calls with the broken transfer
}

var errLedgerDown = errors.New("the ledger is unreachable")

func (l *brokenLedger) CreateTransfers(ctx context.Context, ts []ledger.Transfer) ([]ledger.Result, error) {
	l.mu.Lock()
	fail := l.down
	for _, tr := range ts {
		if tr.ID == l.broken {
			l.tries++
			fail = true
		}
	}
	l.mu.Unlock()
	if fail {
		return nil, errLedgerDown
	}
	return l.Service.CreateTransfers(ctx, ts)
}

func (l *brokenLedger) set(down bool, broken string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.down, l.broken = down, broken
}

func (l *brokenLedger) brokenTries() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tries
}

// An intent the reconciler cannot finish is retried with a growing pause
// and parked after ParkAfter tries, keeping its state, while the others
// complete; Stats counts it, and nothing drives it after.
func TestParkedIntent(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		bl := &brokenLedger{}
		b := setup(t, url, setupOptions{
			ledger: func(l ledger.Service) ledger.Service { bl.Service = l; return bl },
			limits: func(o *wallet.Options) { o.ParkAfter = 3 },
		})
		ada, bob := b.user(t, "ada", 1), b.user(t, "bob", 1)
		b.fund(t, ada.ID, 100_00)

		bl.set(true, "")
		send := func(key string, minor int64) (*wallet.Transfer, error) {
			return b.wallets.Send(b.ctx, wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Username: "bob"}, Amount: hkd(minor), IdempotencyKey: key})
		}
		ids := map[string]string{}
		for key, minor := range map[string]int64{"a": 10_00, "stuck": 20_00, "c": 30_00} {
			_, err := send(key, minor)
			require.ErrorIs(t, err, errLedgerDown)
			it, err := b.store.IntentByKey(b.ctx, ada.ID, key)
			require.NoError(t, err)
			require.Equal(t, wallet.StatusProcessing, it.Status)
			ids[key] = it.ID
		}
		bl.set(false, ids["stuck"]) // the ledger is back, but for one transfer

		p2p := func() intent.Stats { return b.wallets.Stats()[0] }
		tries := func() (n int) {
			require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT tries FROM wallet_transfers WHERE id = ?`, ids["stuck"]).Scan(&n))
			return n
		}
		for try := 1; try <= 3; try++ {
			b.clock.Advance(time.Minute) // past the lease, and past any pause so far (2s, 4s)
			// The try is recorded, with its pause, before the clock moves on.
			require.Eventually(t, func() bool { return tries() == try }, 5*time.Second, time.Millisecond, "try %d", try)
			require.Equal(t, try, bl.brokenTries())
		}
		require.Eventually(t, func() bool { return p2p().Parked == 1 }, 5*time.Second, time.Millisecond)
		require.Equal(t, intent.Stats{Kind: "p2p", Driven: 2, Errors: 3, Parked: 1}, p2p())
		require.Equal(t, intent.Stats{Kind: "funding"}, b.wallets.Stats()[1])

		require.Equal(t, wallet.StatusSucceeded, b.intent(t, ids["a"]).Status)
		require.Equal(t, wallet.StatusSucceeded, b.intent(t, ids["c"]).Status)
		require.Equal(t, wallet.StatusProcessing, b.intent(t, ids["stuck"]).Status, "a parked intent keeps its state")
		var reason string
		require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT parked FROM wallet_transfers WHERE id = ?`, ids["stuck"]).Scan(&reason))
		require.Contains(t, reason, errLedgerDown.Error())

		b.clock.Advance(time.Hour)
		time.Sleep(5 * reconcileInterval)
		tr, err := send("stuck", 20_00)
		require.NoError(t, err)
		require.Equal(t, wallet.StatusProcessing, tr.Status, "a replay leaves it alone too")
		require.Equal(t, 3, bl.brokenTries(), "nothing drives a parked intent")
		require.EqualValues(t, 60_00, b.balance(t, ada.ID).Balance)
		require.EqualValues(t, 40_00, b.balance(t, bob.ID).Balance)
		require.EqualValues(t, 60_00, b.dayUsed(t, ada.ID), "the parked one still holds its reservation")
		b.verify(t)
	})
}
