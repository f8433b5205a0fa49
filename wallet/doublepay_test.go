package wallet_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

// payResult is what one PayRequest call answered.
type payResult struct {
	req *wallet.Request
	tr  *wallet.Transfer
	err error
}

// payAsync pays a request in the background.
func (b *testBundle) payAsync(userID, reqID, key string) <-chan payResult {
	out := make(chan payResult, 1)
	go func() {
		r, tr, err := b.wallets.PayRequest(b.ctx, userID, reqID, "", key)
		out <- payResult{r, tr, err}
	}()
	return out
}

// topups waits until the user has made n top-ups and returns them.
func (b *testBundle) topups(t *testing.T, userID string, n int) []*wallet.Funding {
	t.Helper()
	var fs []*wallet.Funding
	require.Eventually(t, func() bool {
		var err error
		fs, _, err = b.wallets.Fundings(b.ctx, userID, wallet.KindTopup, cashless.Page{Limit: 100})
		require.NoError(t, err)
		return len(fs) >= n
	}, 5*time.Second, time.Millisecond)
	require.Len(t, fs, n)
	return fs
}

// landed waits until every top-up of the user is finished, checks that
// each succeeded, and returns their sum.
func (b *testBundle) landed(t *testing.T, userID string, fs []*wallet.Funding) int64 {
	t.Helper()
	var sum int64
	for _, f := range fs {
		got := b.waitFunding(t, userID, f.ID)
		require.Equal(t, wallet.StatusSucceeded, got.Status, "%s %s", got.ID, got.FailureCode)
		sum += got.Amount.Minor
	}
	return sum
}

// waitWatch is the wallet's store, telling the test when a send starts
// to wait for its automatic top-up: the top-up is read a second time (the
// first read is the top-up's own, the next are the wait's looks, after
// its end was set on the clock).
type waitWatch struct {
	wallet.Store
	mu      sync.Mutex
	reads   map[string]int
	waiting chan string // the ids of the top-ups waited for
}

func watchWaits() (*setupOptions, *waitWatch) {
	ww := &waitWatch{reads: map[string]int{}, waiting: make(chan string, 4)}
	return &setupOptions{autoTopup: true, bank: bank.SimOptions{Latency: 1500 * time.Millisecond},
		store: func(s wallet.Store) wallet.Store { ww.Store = s; return ww }}, ww
}

func (ww *waitWatch) Funding(ctx context.Context, id string) (*wallet.FundingRecord, error) {
	f, err := ww.Store.Funding(ctx, id)
	if err == nil && strings.HasPrefix(f.IdempotencyKey, "auto-topup:") {
		ww.mu.Lock()
		ww.reads[id]++
		if ww.reads[id] == 2 {
			ww.waiting <- id
		}
		ww.mu.Unlock()
	}
	return f, err
}

// waited returns once a send waits for its automatic top-up.
func (ww *waitWatch) waited(t *testing.T) {
	t.Helper()
	select {
	case <-ww.waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("no send waits for an automatic top-up")
	}
}

// The double payment of the issue. An empty wallet pays a HK$10 request
// with automatic top-up, and the bank takes longer than the reconciler's
// grace: the reconciler runs while the payment waits for the bank, and the
// payer pays again. Whatever the timing, every top-up lands, the payer
// keeps what it did not pay, and the requester gets HK$10 once, never
// HK$20.
func TestAutoTopupPaysARequestOnce(t *testing.T) {
	t.Parallel()
	// The bank's latency is real time (1.5s); the grace (2s) and the wait
	// (3s) are on the test clock, which the test moves past the grace
	// while the bank has not answered.
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		t.Run("the reconciler leaves a waiting payment alone", func(t *testing.T) {
			t.Parallel()
			so, ww := watchWaits()
			b := setup(t, url, *so)
			ada, bob := b.user(t, "ada", 1), b.user(t, "bob", 1)
			rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: bob.ID, From: []wallet.Recipient{{Username: "ada"}}, Amount: hkd(10_00), IdempotencyKey: "r"})
			require.NoError(t, err)
			req := rs[0]

			first := b.payAsync(ada.ID, req.ID, "first")
			ww.waited(t)
			// Past the grace (2s), not past the wait (3s): the reconciler
			// would take over an intent left by a crash now.
			b.clock.Advance(2500 * time.Millisecond)
			require.NoError(t, b.wallets.Reconcile(b.ctx))
			time.Sleep(5 * reconcileInterval) // and so would the live one
			_, _, err = b.wallets.PayRequest(b.ctx, ada.ID, req.ID, "", "again")
			require.Equal(t, wallet.ERequestAlreadyPaid, code(err), "the payer pays again while the first payment waits: %v", err)

			res := <-first
			require.NoError(t, res.err)
			require.Equal(t, wallet.RequestPaid, res.req.Status)
			require.Equal(t, wallet.StatusSucceeded, res.tr.Status)

			in := b.landed(t, ada.ID, b.topups(t, ada.ID, 1))
			require.EqualValues(t, 10_00, b.balance(t, bob.ID).Balance, "paid once")
			require.EqualValues(t, in-10_00, b.balance(t, ada.ID).Balance)
			b.verify(t)
		})

		t.Run("a payment whose wait ran out is paid by the next attempt only", func(t *testing.T) {
			t.Parallel()
			so, ww := watchWaits()
			b := setup(t, url, *so)
			ada, bob := b.user(t, "ada", 1), b.user(t, "bob", 1)
			rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: bob.ID, From: []wallet.Recipient{{Username: "ada"}}, Amount: hkd(10_00), IdempotencyKey: "r"})
			require.NoError(t, err)
			req := rs[0]

			first := b.payAsync(ada.ID, req.ID, "first")
			ww.waited(t)
			b.clock.Advance(3500 * time.Millisecond) // past the grace and the wait
			require.NoError(t, b.wallets.Reconcile(b.ctx))
			res := <-first
			require.Equal(t, wallet.EInsufficientFunds, code(res.err), "the bank was slower than the wait")

			// The payer pays again before the first top-up lands: a new
			// attempt, which tops up again.
			r, tr, err := b.wallets.PayRequest(b.ctx, ada.ID, req.ID, "", "again")
			require.NoError(t, err)
			require.Equal(t, wallet.RequestPaid, r.Status)
			require.Equal(t, tr.ID, r.TransferID)

			in := b.landed(t, ada.ID, b.topups(t, ada.ID, 2))
			require.EqualValues(t, 20_00, in, "both top-ups land")
			b.clock.Advance(time.Hour) // every lease ends: the reconciler may look at anything left
			time.Sleep(5 * reconcileInterval)
			require.EqualValues(t, 10_00, b.balance(t, bob.ID).Balance, "paid once")
			require.EqualValues(t, 10_00, b.balance(t, ada.ID).Balance, "the payer keeps the rest")
			trs, _, err := b.wallets.Transfers(b.ctx, ada.ID, cashless.Page{Limit: 10})
			require.NoError(t, err)
			require.Len(t, trs, 2)
			require.Equal(t, [2]string{wallet.StatusSucceeded, wallet.StatusFailed}, [2]string{trs[0].Status, trs[1].Status})
			b.verify(t)
		})
	})
}

// Forty concurrent pays of one request, each with its own Idempotency-Key:
// the money moves once, exactly one caller is told it paid, and every
// other is told the request is already paid.
func TestConcurrentPaysOfOneRequest(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		ada, bob := b.user(t, "ada", 1), b.user(t, "bob", 1)
		b.fund(t, ada.ID, 50_00)
		rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: bob.ID, From: []wallet.Recipient{{Username: "ada"}}, Amount: hkd(10_00), IdempotencyKey: "r"})
		require.NoError(t, err)

		const callers = 40
		results := make([]payResult, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				r, tr, err := b.wallets.PayRequest(b.ctx, ada.ID, rs[0].ID, "", fmt.Sprintf("k%d", i))
				results[i] = payResult{r, tr, err}
			})
		}
		wg.Wait()
		var paid []payResult
		for _, res := range results {
			if res.err == nil {
				paid = append(paid, res)
				continue
			}
			require.Equal(t, wallet.ERequestAlreadyPaid, code(res.err), "%v", res.err)
		}
		require.Len(t, paid, 1, "exactly one caller is told it paid")
		require.Equal(t, wallet.RequestPaid, paid[0].req.Status)
		require.Equal(t, paid[0].tr.ID, paid[0].req.TransferID)

		require.EqualValues(t, 10_00, b.balance(t, bob.ID).Balance)
		require.EqualValues(t, 40_00, b.balance(t, ada.ID).Balance)
		trs, _, err := b.wallets.Transfers(b.ctx, ada.ID, cashless.Page{Limit: 100})
		require.NoError(t, err)
		require.Len(t, trs, 1, "one transfer")
		b.verify(t)
	})
}
