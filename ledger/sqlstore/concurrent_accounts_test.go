package sqlstore_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger"
)

// Many callers opening the same accounts at once (a wallet opened by
// concurrent first requests) all succeed, and exactly one creates each.
func TestConcurrentCreateSameAccounts(t *testing.T) {
	eachDialect(t, func(t *testing.T, tb *testBundle) {
		engine := ledger.NewEngine(tb.store, ledger.Options{})
		t.Cleanup(func() { engine.Close(context.Background()) })
		const callers = 24
		results := make([][]ledger.Result, callers)
		errs := make([]error, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				results[i], errs[i] = engine.CreateAccounts(tb.ctx, []ledger.Account{
					account("acct_same_a", ledger.DebitsMustNotExceedCredits),
					account("acct_same_b", ledger.DebitsMustNotExceedCredits),
				})
			})
		}
		wg.Wait()
		fresh := map[int]int{}
		for i := range callers {
			require.NoError(t, errs[i])
			for j, r := range results[i] {
				require.NoError(t, r.Err)
				if !r.Replayed {
					fresh[j]++
				}
			}
		}
		require.Equal(t, map[int]int{0: 1, 1: 1}, fresh, "each account created exactly once")
	})
}
