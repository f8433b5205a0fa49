package ledger_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
)

// TestConcurrentDebitsNeverOverdraw sends 1,000 concurrent debits against
// one wallet that can afford only some of them: exactly the affordable ones
// succeed, the rest are refused, and the balance is exact.
func TestConcurrentDebitsNeverOverdraw(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		tb.accounts(t, system("bank"), wallet("payer"), wallet("shop"))
		const funds, amount, n = 70_000, 100, 1_000 // room for 700 debits
		tb.transfer(t, pay("fund", "bank", "payer", funds))

		var wg sync.WaitGroup
		var mu sync.Mutex
		got := map[string]int{}
		for i := range n {
			wg.Go(func() {
				res, err := tb.engine.CreateTransfers(tb.ctx, []ledger.Transfer{pay(fmt.Sprintf("d%d", i), "payer", "shop", amount)})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					got["call error: "+err.Error()]++
					return
				}
				got[cashless.ErrorCode(res[0].Err)]++
			})
		}
		wg.Wait()
		require.Equal(t, map[string]int{"": funds / amount, ledger.ExceedsCredits: n - funds/amount}, got)
		require.Equal(t, ledger.Balances{DebitsPosted: funds, CreditsPosted: funds}, tb.balances(t, "payer"))
		require.Equal(t, int64(funds), tb.balances(t, "shop").Posted())
		tb.verify(t)
	})
}
