package bank_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/money"
)

// clock is the fixed time the test banks stamp outcomes with.
var clock = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

type testBundle struct {
	bank *bank.Simulated

	mu       sync.Mutex
	outcomes []bank.Outcome
	arrived  chan struct{} // one send per notify call
}

func setup(t *testing.T, opts bank.SimOptions) *testBundle {
	t.Helper()
	b := &testBundle{arrived: make(chan struct{}, 100_000)}
	opts.Now = func() time.Time { return clock }
	b.bank = bank.NewSimulated(opts, func(o bank.Outcome) {
		b.mu.Lock()
		b.outcomes = append(b.outcomes, o)
		b.mu.Unlock()
		b.arrived <- struct{}{}
	})
	t.Cleanup(b.bank.Close)
	return b
}

// wait waits for n notify calls.
func (b *testBundle) wait(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for range n {
		select {
		case <-b.arrived:
		case <-timeout:
			t.Fatalf("waited for %d outcomes, got %d", n, len(b.snapshot()))
		}
	}
}

func (b *testBundle) snapshot() []bank.Outcome {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]bank.Outcome(nil), b.outcomes...)
}

func hkd(minor int64) money.Amount { return money.Amount{Minor: minor, Currency: "HKD"} }

func topup(ref string) bank.Order {
	return bank.Order{Ref: ref, Direction: bank.In, Amount: hkd(10_000)}
}

func TestSubmitSettlesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, bank.SimOptions{})
	ctx := t.Context()
	for range 3 {
		require.NoError(t, b.bank.Submit(ctx, topup("top_1")))
	}
	b.wait(t, 1)
	want := bank.Outcome{Ref: "top_1", Status: bank.Succeeded, At: clock}
	got, err := b.bank.Status(ctx, "top_1")
	require.NoError(t, err)
	require.Equal(t, want, got)

	// Submitting again after the outcome answers the same and moves nothing.
	require.NoError(t, b.bank.Submit(ctx, topup("top_1")))
	time.Sleep(20 * time.Millisecond)
	require.Equal(t, []bank.Outcome{want}, b.snapshot())
}

func TestStatusPendingThenFinal(t *testing.T) {
	t.Parallel()
	b := setup(t, bank.SimOptions{Latency: 50 * time.Millisecond})
	ctx := t.Context()
	start := time.Now()
	out := bank.Order{Ref: "wdr_1", Direction: bank.Out, Amount: hkd(5_000), Account: "004-123456-001"}
	require.NoError(t, b.bank.Submit(ctx, out))
	got, err := b.bank.Status(ctx, "wdr_1")
	require.NoError(t, err)
	require.Equal(t, bank.Outcome{Ref: "wdr_1", Status: bank.Pending}, got)
	b.wait(t, 1)
	require.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)
	got, err = b.bank.Status(ctx, "wdr_1")
	require.NoError(t, err)
	require.Equal(t, bank.Succeeded, got.Status)
	require.Equal(t, []bank.Outcome{got}, b.snapshot())
}

func TestStatusUnknown(t *testing.T) {
	t.Parallel()
	b := setup(t, bank.SimOptions{})
	got, err := b.bank.Status(t.Context(), "top_never")
	require.NoError(t, err)
	require.Equal(t, bank.Outcome{Ref: "top_never", Status: bank.Unknown}, got)

	// A restarted bank has forgotten everything, and takes the order again.
	require.NoError(t, b.bank.Submit(t.Context(), topup("top_2")))
	b.wait(t, 1)
	restarted := setup(t, bank.SimOptions{})
	got, err = restarted.bank.Status(t.Context(), "top_2")
	require.NoError(t, err)
	require.Equal(t, bank.Unknown, got.Status)
	require.NoError(t, restarted.bank.Submit(t.Context(), topup("top_2")))
	restarted.wait(t, 1)
}

func TestSubmitRefReused(t *testing.T) {
	t.Parallel()
	b := setup(t, bank.SimOptions{})
	require.NoError(t, b.bank.Submit(t.Context(), topup("top_3")))
	other := topup("top_3")
	other.Amount = hkd(10_001)
	err := b.bank.Submit(t.Context(), other)
	require.Equal(t, bank.ERefReused, cashless.ErrorCode(err))
	b.wait(t, 1)
	require.Len(t, b.snapshot(), 1)
}

func TestSubmitInvalid(t *testing.T) {
	t.Parallel()
	b := setup(t, bank.SimOptions{})
	long := fmt.Sprintf("%065d", 0)
	for _, tc := range []struct {
		order bank.Order
		param string
	}{
		{bank.Order{Direction: bank.In, Amount: hkd(1)}, "ref"},
		{bank.Order{Ref: long, Direction: bank.In, Amount: hkd(1)}, "ref"},
		{bank.Order{Ref: "x", Direction: "sideways", Amount: hkd(1)}, "direction"},
		{bank.Order{Ref: "x", Direction: bank.In, Amount: money.Amount{Minor: 1, Currency: "XYZ"}}, "currency"},
		{bank.Order{Ref: "x", Direction: bank.In, Amount: hkd(0)}, "amount"},
		{bank.Order{Ref: "x", Direction: bank.In, Amount: hkd(-5)}, "amount"},
		{bank.Order{Ref: "x", Direction: bank.Out, Amount: hkd(1)}, "account"},
		{bank.Order{Ref: "x", Direction: bank.In, Amount: hkd(1), Account: "123"}, "account"},
	} {
		err := b.bank.Submit(t.Context(), tc.order)
		var e *cashless.Error
		require.ErrorAs(t, err, &e, "%+v", tc.order)
		require.Equal(t, cashless.EInvalid, e.Code)
		require.Equal(t, tc.param, e.Param)
	}
	got, err := b.bank.Status(t.Context(), "x")
	require.NoError(t, err)
	require.Equal(t, bank.Unknown, got.Status, "a refused order is not recorded")
}

// fates submits n orders and returns the refs declined at Submit and the
// refs that failed later.
func fates(t *testing.T, opts bank.SimOptions, n int) (declined, failed map[string]bool) {
	t.Helper()
	b := setup(t, opts)
	declined, failed = map[string]bool{}, map[string]bool{}
	for i := range n {
		ref := fmt.Sprintf("top_%d", i)
		err := b.bank.Submit(t.Context(), topup(ref))
		if err != nil {
			require.Equal(t, bank.EDeclined, cashless.ErrorCode(err))
			declined[ref] = true
			// Asking again gets the same answer.
			require.Equal(t, bank.EDeclined, cashless.ErrorCode(b.bank.Submit(t.Context(), topup(ref))))
			got, err := b.bank.Status(t.Context(), ref)
			require.NoError(t, err)
			require.Equal(t, bank.Failed, got.Status)
		}
	}
	b.wait(t, n-len(declined))
	for _, o := range b.snapshot() {
		require.False(t, declined[o.Ref], "a declined order has no outcome to notify")
		require.Contains(t, []bank.Status{bank.Succeeded, bank.Failed}, o.Status)
		if o.Status == bank.Failed {
			require.NotEmpty(t, o.Reason)
			failed[o.Ref] = true
		}
	}
	return declined, failed
}

func TestRatesAndSeed(t *testing.T) {
	t.Parallel()
	const n = 4000
	opts := bank.SimOptions{FailureRate: 0.2, DeclineRate: 0.1, Seed: 42, Jitter: time.Millisecond}
	declined, failed := fates(t, opts, n)
	require.InDelta(t, 0.1, float64(len(declined))/n, 0.02)
	require.InDelta(t, 0.2, float64(len(failed))/float64(n-len(declined)), 0.02)

	again, againFailed := fates(t, opts, n)
	require.Equal(t, declined, again, "the same seed declines the same refs")
	require.Equal(t, failed, againFailed, "the same seed fails the same refs")

	opts.Seed = 43
	other, otherFailed := fates(t, opts, n)
	require.NotEqual(t, declined, other)
	require.NotEqual(t, failed, otherFailed)

	none, noneFailed := fates(t, bank.SimOptions{Seed: 42}, 500)
	require.Empty(t, none)
	require.Empty(t, noneFailed)
}

func TestCloseStopsNotifications(t *testing.T) {
	t.Parallel()
	b := setup(t, bank.SimOptions{Latency: 30 * time.Millisecond})
	for i := range 100 {
		require.NoError(t, b.bank.Submit(t.Context(), topup(fmt.Sprintf("top_%d", i))))
	}
	b.bank.Close()
	after := len(b.snapshot())
	time.Sleep(80 * time.Millisecond)
	require.Len(t, b.snapshot(), after, "no outcome after Close")
	require.Less(t, after, 100)
	err := b.bank.Submit(t.Context(), topup("top_late"))
	require.Equal(t, cashless.EUnavailable, cashless.ErrorCode(err))
	b.bank.Close() // Close twice is harmless.
}

func TestCloseWaitsForRunningNotify(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	sim := bank.NewSimulated(bank.SimOptions{}, func(bank.Outcome) {
		close(entered)
		<-release
	})
	require.NoError(t, sim.Submit(t.Context(), topup("top_1")))
	<-entered
	closed := make(chan struct{})
	go func() {
		sim.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while notify was running")
	case <-time.After(30 * time.Millisecond):
	}
	close(release)
	<-closed
}

func TestConcurrentSubmits(t *testing.T) {
	t.Parallel()
	b := setup(t, bank.SimOptions{FailureRate: 0.3, DeclineRate: 0.2, Seed: 7, Jitter: 2 * time.Millisecond})
	const workers, refs = 16, 300
	var wg sync.WaitGroup
	var mu sync.Mutex
	answers := map[string]string{} // ref -> error code of its first answer
	for w := range workers {
		wg.Go(func() {
			// Every worker submits every ref, in its own order.
			for i := range refs {
				ref := fmt.Sprintf("top_%d", (i*(w+1)+w)%refs)
				code := cashless.ErrorCode(b.bank.Submit(t.Context(), topup(ref)))
				_, _ = b.bank.Status(t.Context(), ref)
				mu.Lock()
				if prev, ok := answers[ref]; ok && prev != code {
					t.Errorf("%s: answered %q, then %q", ref, prev, code)
				}
				answers[ref] = code
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	accepted := 0
	for _, code := range answers {
		if code == "" {
			accepted++
		}
	}
	b.wait(t, accepted)
	time.Sleep(20 * time.Millisecond)
	seen := map[string]int{}
	for _, o := range b.snapshot() {
		seen[o.Ref]++
		require.Empty(t, answers[o.Ref], "%s was declined", o.Ref)
	}
	require.Len(t, seen, accepted)
	for ref, n := range seen {
		require.Equal(t, 1, n, "%s notified %d times", ref, n)
	}
}
