package ledgerhttp_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
)

// TestClientMatchesEngine runs one scenario against an engine called
// directly and against another served over HTTP and called through the
// Client. Both must return the exact values each step wants, and exactly the
// same values and errors as each other.
func TestClientMatchesEngine(t *testing.T) {
	t.Parallel()
	direct, remote := setup(t), setup(t)
	sides := []struct {
		name  string
		svc   ledger.Service
		clock *clock
	}{
		{"engine", direct.engine, direct.clock},
		{"client", remote.client, remote.clock},
	}
	ctx := context.Background()
	// The steps build on each other, so they run in order, not in parallel.
	for _, s := range scenario() {
		ok := t.Run(s.name, func(t *testing.T) {
			var got [2]outcome
			for i, side := range sides {
				if s.sec != 0 {
					side.clock.set(s.sec)
				}
				v, err := s.call(ctx, side.svc)
				require.Equal(t, s.code, cashless.ErrorCode(err), "%s: %v", side.name, err)
				if s.code == "" {
					require.Equal(t, s.want, normalize(v), side.name)
				} else {
					require.Empty(t, v, side.name)
				}
				got[i] = outcome{value: v, err: fmt.Sprint(err)}
			}
			require.Equal(t, got[0], got[1], "the client must return exactly what the engine returns")
		})
		if !ok {
			break
		}
	}
}

// step is one call of the scenario. When sec is not zero the ledger's clock
// is set to at(sec) first, so a transfer committed in the step gets the
// timestamp at(sec) (plus a microsecond for each one before it in the call).
type step struct {
	name string
	sec  int
	call func(ctx context.Context, svc ledger.Service) (any, error)
	want any    // what the call returns, with results as []result
	code string // the code of the call's error; "" for success
}

type outcome struct {
	value any
	err   string
}

// result is a ledger.Result reduced to what a step asserts.
type result struct {
	Timestamp time.Time
	Replayed  bool
	Code      string
}

func normalize(v any) any {
	rs, ok := v.([]ledger.Result)
	if !ok || rs == nil {
		if ok {
			return []result(nil)
		}
		return v
	}
	out := make([]result, len(rs))
	for i, r := range rs {
		out[i] = result{Timestamp: r.Timestamp, Replayed: r.Replayed, Code: cashless.ErrorCode(r.Err)}
	}
	return out
}

func done(sec int) result        { return result{Timestamp: at(sec)} }
func replayed(sec int) result    { return result{Timestamp: at(sec), Replayed: true} }
func refused(code string) result { return result{Code: code} }

// refusedAt is a refusal the ledger recorded at ts; replayedRefusal is the
// same refusal answered again.
func refusedAt(code string, ts time.Time) result { return result{Code: code, Timestamp: ts} }
func replayedRefusal(code string, ts time.Time) result {
	return result{Code: code, Timestamp: ts, Replayed: true}
}

func createAccounts(as ...ledger.Account) func(context.Context, ledger.Service) (any, error) {
	return func(ctx context.Context, svc ledger.Service) (any, error) {
		return svc.CreateAccounts(ctx, slices.Clone(as))
	}
}

func createTransfers(ts ...ledger.Transfer) func(context.Context, ledger.Service) (any, error) {
	return func(ctx context.Context, svc ledger.Service) (any, error) {
		return svc.CreateTransfers(ctx, slices.Clone(ts))
	}
}

func balanceAt(id string, when time.Time) func(context.Context, ledger.Service) (any, error) {
	return func(ctx context.Context, svc ledger.Service) (any, error) {
		return svc.BalanceAt(ctx, id, when)
	}
}

func history(f ledger.HistoryFilter) func(context.Context, ledger.Service) (any, error) {
	return func(ctx context.Context, svc ledger.Service) (any, error) {
		return svc.History(ctx, f)
	}
}

// committed is a transfer as the ledger returns it after committing it at ts.
func committed(t ledger.Transfer, ts time.Time) ledger.Transfer {
	t.Timestamp = ts
	return t
}

// resolved is a post or void as the ledger stores it: with the accounts and
// currency of the pending transfer it resolves, and the amount it moved.
func resolved(t ledger.Transfer, pending ledger.Transfer, amount int64, ts time.Time) ledger.Transfer {
	t.DebitAccountID, t.CreditAccountID, t.Currency, t.Amount = pending.DebitAccountID, pending.CreditAccountID, pending.Currency, amount
	return committed(t, ts)
}
