package ledger_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger"
)

func TestEngineTransfers(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		tb.accounts(t, system("bank"), wallet("alice"), wallet("bob"))
		res := tb.transfer(t, pay("t1", "bank", "alice", 10_000), pay("t2", "alice", "bob", 2_500))
		require.Equal(t, []string{"", ""}, codes(res))
		require.True(t, res[1].Timestamp.After(res[0].Timestamp))
		require.Equal(t, int64(7_500), tb.balances(t, "alice").Posted())
		require.Equal(t, int64(2_500), tb.balances(t, "bob").Posted())
		require.Equal(t, int64(-10_000), tb.balances(t, "bank").Posted())

		// Same id, same fields: the original result. Different fields: refused.
		again := tb.transfer(t, pay("t2", "alice", "bob", 2_500), pay("t2", "alice", "bob", 2_501))
		require.Equal(t, []string{"", ledger.ExistsWithDifferentFields}, codes(again))
		require.True(t, again[0].Replayed)
		require.Equal(t, res[1].Timestamp, again[0].Timestamp)
		require.Equal(t, int64(2_500), tb.balances(t, "bob").Posted())
		tb.verify(t)
	})
}

func TestEngineRefusesBadTransfers(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		tb.accounts(t, system("bank"), wallet("alice"), wallet("bob"), ledger.Account{ID: "usd", Currency: "USD"})
		tb.transfer(t, pay("fund", "bank", "alice", 1_000))
		tb.accounts(t, system("sink"), system("huge"))
		require.Equal(t, []string{""}, codes(tb.transfer(t, pay("max", "huge", "sink", math.MaxInt64))))
		tests := []struct {
			name string
			t    ledger.Transfer
			code string
		}{
			{"zero amount", pay("x1", "alice", "bob", 0), ledger.AmountMustBePositive},
			{"negative amount", pay("x2", "alice", "bob", -5), ledger.AmountMustBePositive},
			{"same account", pay("x3", "alice", "alice", 5), ledger.AccountsMustBeDifferent},
			{"unknown debit", pay("x4", "nobody", "bob", 5), ledger.DebitAccountNotFound},
			{"unknown credit", pay("x5", "alice", "nobody", 5), ledger.CreditAccountNotFound},
			{"currency mismatch", pay("x6", "alice", "usd", 5), ledger.CurrencyMismatch},
			{"overdraw", pay("x7", "alice", "bob", 1_001), ledger.ExceedsCredits},
			{"overflow", pay("x8", "bank", "sink", 1), ledger.OverflowsBalance},
			{"bad id", pay("has space", "alice", "bob", 5), ledger.InvalidID},
			{"reserved id", pay("expire:x", "alice", "bob", 5), ledger.InvalidID},
			{"bad code", ledger.Transfer{ID: "x9", DebitAccountID: "alice", CreditAccountID: "bob", Amount: 5, Currency: "HKD", Code: "P2P!"}, ledger.InvalidCode},
			{"unknown pending", ledger.Transfer{ID: "x10", Flags: ledger.PostPending, PendingID: "nope"}, ledger.PendingTransferNotFound},
			{"not pending", ledger.Transfer{ID: "x11", Flags: ledger.VoidPending, PendingID: "fund"}, ledger.PendingTransferNotPending},
			{"post without pending id", ledger.Transfer{ID: "x12", Flags: ledger.PostPending}, ledger.PendingIDRequired},
			{"timeout on a posted transfer", ledger.Transfer{ID: "x13", DebitAccountID: "alice", CreditAccountID: "bob", Amount: 5, Currency: "HKD", Timeout: time.Second}, ledger.InvalidTimeout},
			{"two kinds", ledger.Transfer{ID: "x14", Flags: ledger.Pending | ledger.VoidPending, PendingID: "fund"}, ledger.InvalidFlags},
			{"non-ASCII debit account", pay("x15", "ålice", "bob", 5), ledger.DebitAccountNotFound},
			{"non-ASCII credit account", pay("x16", "alice", "bob\u00a0", 5), ledger.CreditAccountNotFound},
			{"emoji pending id", ledger.Transfer{ID: "x17", Flags: ledger.VoidPending, PendingID: "💸"}, ledger.PendingTransferNotFound},
		}
		for _, tt := range tests {
			res := tb.transfer(t, tt.t)
			require.Contains(t, "|"+tt.code+"|", "|"+codes(res)[0]+"|", tt.name)
		}
		// Ids no account can have are simply not found, on lookups too.
		found, err := tb.engine.LookupAccounts(tb.ctx, []string{"ålice", "alice", "💸"})
		require.NoError(t, err)
		require.Len(t, found, 1)
		require.Equal(t, "alice", found[0].ID)
		_, err = tb.engine.BalanceAt(tb.ctx, "ålice", time.Time{})
		require.Equal(t, ledger.AccountNotFound, codeOf(err))

		// Nothing was partly applied.
		require.Equal(t, int64(1_000), tb.balances(t, "alice").Posted())
		require.Equal(t, int64(0), tb.balances(t, "bob").Posted())
		tb.verify(t)
	})
}

func TestEngineLinkedChainFailsWhole(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		tb.accounts(t, system("bank"), wallet("alice"), wallet("bob"), wallet("merchant"))
		tb.transfer(t, pay("fund", "bank", "alice", 100))
		linked := func(tr ledger.Transfer) ledger.Transfer { tr.Flags |= ledger.Linked; return tr }
		res := tb.transfer(t,
			linked(pay("c1", "alice", "merchant", 60)),
			linked(pay("c2", "merchant", "bob", 10)),
			pay("c3", "alice", "bob", 50), // overdraws: 60 + 50 > 100
			pay("c4", "alice", "bob", 5),  // independent, succeeds
		)
		require.Equal(t, []string{ledger.LinkedEventFailed, ledger.LinkedEventFailed, ledger.ExceedsCredits, ""}, codes(res))
		require.Equal(t, int64(95), tb.balances(t, "alice").Posted())
		require.Equal(t, int64(0), tb.balances(t, "merchant").Posted())
		require.Equal(t, int64(5), tb.balances(t, "bob").Posted())

		open := tb.transfer(t, linked(pay("o1", "alice", "bob", 1)))
		require.Equal(t, []string{ledger.LinkedEventChainOpen}, codes(open))

		ok := tb.transfer(t, linked(pay("k1", "alice", "merchant", 60)), pay("k2", "merchant", "bob", 10))
		require.Equal(t, []string{"", ""}, codes(ok))
		require.Equal(t, int64(50), tb.balances(t, "merchant").Posted())
		tb.verify(t)
	})
}

func TestEngineTwoPhase(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		tb.accounts(t, system("bank"), wallet("alice"), wallet("shop"))
		tb.transfer(t, pay("fund", "bank", "alice", 1_000))
		hold := func(id string, amount int64, timeout time.Duration) ledger.Transfer {
			tr := pay(id, "alice", "shop", amount)
			tr.Flags, tr.Timeout = ledger.Pending, timeout
			return tr
		}
		require.Equal(t, []string{"", "", ""}, codes(tb.transfer(t, hold("p1", 300, 0), hold("p2", 200, 0), hold("p3", 100, time.Minute))))
		b := tb.balances(t, "alice")
		require.Equal(t, int64(400), b.Available())
		require.Equal(t, int64(600), b.DebitsPending)
		require.Equal(t, []string{ledger.ExceedsCredits}, codes(tb.transfer(t, pay("big", "alice", "shop", 401))))

		post := ledger.Transfer{ID: "post1", Flags: ledger.PostPending, PendingID: "p1", Amount: 250}
		void := ledger.Transfer{ID: "void2", Flags: ledger.VoidPending, PendingID: "p2"}
		require.Equal(t, []string{"", ""}, codes(tb.transfer(t, post, void)))
		require.Equal(t, []string{ledger.PendingTransferPosted, ledger.PendingTransferVoided, ledger.ExceedsPendingAmount},
			codes(tb.transfer(t,
				ledger.Transfer{ID: "post1b", Flags: ledger.PostPending, PendingID: "p1"},
				ledger.Transfer{ID: "post2", Flags: ledger.PostPending, PendingID: "p2"},
				ledger.Transfer{ID: "post3", Flags: ledger.PostPending, PendingID: "p3", Amount: 101})))
		// Replaying the post with the same fields returns its original result.
		require.True(t, tb.transfer(t, post)[0].Replayed)

		b = tb.balances(t, "alice")
		require.Equal(t, int64(750), b.Posted())
		require.Equal(t, int64(100), b.DebitsPending)
		require.Equal(t, int64(250), tb.balances(t, "shop").Posted())

		// p3 times out: after a minute it can no longer be posted, and the
		// engine voids it on its own.
		tb.clock.Advance(61 * time.Second)
		require.Equal(t, []string{ledger.PendingTransferExpired}, codes(tb.transfer(t, ledger.Transfer{ID: "post4", Flags: ledger.PostPending, PendingID: "p3"})))
		require.NoError(t, tb.engine.ExpireDue(tb.ctx))
		b = tb.balances(t, "alice")
		require.Equal(t, int64(0), b.DebitsPending)
		require.Equal(t, int64(750), b.Available())
		require.Equal(t, []string{ledger.PendingTransferExpired}, codes(tb.transfer(t, ledger.Transfer{ID: "void3", Flags: ledger.VoidPending, PendingID: "p3"})))
		r := tb.verify(t)
		require.Equal(t, int64(0), r.Pending)
	})
}

func TestEngineHistoryAndBalanceAt(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		tb.accounts(t, system("bank"), wallet("alice"), wallet("bob"))
		var stamps []time.Time
		for i := range 5 {
			tb.clock.Advance(time.Second)
			res := tb.transfer(t, pay("h"+string(rune('0'+i)), "bank", "alice", int64(100*(i+1))))
			stamps = append(stamps, res[0].Timestamp)
		}
		tb.clock.Advance(time.Second)
		tb.transfer(t, pay("out", "alice", "bob", 50))

		b, err := tb.engine.BalanceAt(tb.ctx, "alice", stamps[2])
		require.NoError(t, err)
		require.Equal(t, int64(600), b.Posted())
		b, err = tb.engine.BalanceAt(tb.ctx, "alice", stamps[0].Add(-time.Microsecond))
		require.NoError(t, err)
		require.Equal(t, ledger.Balances{}, b)
		_, err = tb.engine.BalanceAt(tb.ctx, "nobody", time.Time{})
		require.Equal(t, ledger.AccountNotFound, codeOf(err))

		page, err := tb.engine.History(tb.ctx, ledger.HistoryFilter{AccountID: "alice", Limit: 4})
		require.NoError(t, err)
		require.True(t, page.HasMore)
		require.Equal(t, []string{"out", "h4", "h3", "h2"}, entryIDs(page))
		require.Equal(t, int64(1450), page.Entries[0].Balances.Posted())
		require.Equal(t, int64(1500), page.Entries[1].Balances.Posted())

		next, err := tb.engine.History(tb.ctx, ledger.HistoryFilter{AccountID: "alice", Limit: 4, StartingAfter: "h2"})
		require.NoError(t, err)
		require.False(t, next.HasMore)
		require.Equal(t, []string{"h1", "h0"}, entryIDs(next))

		prev, err := tb.engine.History(tb.ctx, ledger.HistoryFilter{AccountID: "alice", Limit: 2, EndingBefore: "h2"})
		require.NoError(t, err)
		require.True(t, prev.HasMore)
		require.Equal(t, []string{"h4", "h3"}, entryIDs(prev))
	})
}

func entryIDs(p ledger.HistoryPage) []string {
	out := make([]string, len(p.Entries))
	for i, e := range p.Entries {
		out[i] = e.Transfer.ID
	}
	return out
}
