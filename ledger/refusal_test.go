package ledger_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
)

// TestRefusalIsFinal refuses a transfer for want of funds, funds the
// account, and sends the transfer again: the ledger answers the same
// refusal and moves nothing, so a service that recorded the transfer as
// failed can never see it commit.
func TestRefusalIsFinal(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		tb.accounts(t, system("bank"), wallet("alice"), wallet("bob"))
		tb.transfer(t, pay("fund", "bank", "alice", 100))
		tb.clock.Advance(time.Second)
		first := tb.transfer(t, pay("r1", "alice", "bob", 500))
		require.Equal(t, []string{ledger.ExceedsCredits}, codes(first))
		require.False(t, first[0].Replayed)
		require.Equal(t, tb.clock.Now(), first[0].Timestamp, "a recorded refusal has its own timestamp")

		tb.clock.Advance(time.Second)
		tb.transfer(t, pay("fund2", "bank", "alice", 1_000))
		again := tb.transfer(t, pay("r1", "alice", "bob", 500))
		require.Equal(t, []ledger.Result{{Err: first[0].Err, Timestamp: first[0].Timestamp, Replayed: true}}, again)
		require.Equal(t, cashless.ErrorMessage(first[0].Err), cashless.ErrorMessage(again[0].Err))

		other := tb.transfer(t, pay("r1", "alice", "bob", 400))
		require.Equal(t, []string{ledger.ExistsWithDifferentFields}, codes(other))
		require.True(t, other[0].Timestamp.IsZero())
		require.False(t, other[0].Replayed)

		require.Equal(t, int64(1_100), tb.balances(t, "alice").Posted())
		require.Zero(t, tb.balances(t, "bob").Posted())
		found, err := tb.engine.LookupTransfers(tb.ctx, []string{"r1"})
		require.NoError(t, err)
		require.Empty(t, found, "LookupTransfers returns committed transfers only")
		refusals, err := tb.engine.LookupRefusals(tb.ctx, []string{"r1", "fund", "nobody"})
		require.NoError(t, err)
		require.Len(t, refusals, 1)
		want := pay("r1", "alice", "bob", 500)
		want.Timestamp = first[0].Timestamp
		require.Equal(t, want, refusals[0].Transfer)
		require.Equal(t, ledger.ExceedsCredits, refusals[0].Code)
		r := tb.verify(t)
		require.Equal(t, int64(1), r.Refusals)
		require.Equal(t, int64(2), r.Transfers)
	})
}

// TestRefusedChainStaysRefused refuses a linked chain, creates the account
// it lacked, and sends the chain again: every member answers as before and
// nothing moves.
func TestRefusedChainStaysRefused(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		tb.accounts(t, system("bank"), wallet("alice"), wallet("shop"))
		tb.transfer(t, pay("fund", "bank", "alice", 100))
		linked := func(tr ledger.Transfer) ledger.Transfer { tr.Flags |= ledger.Linked; return tr }
		chain := []ledger.Transfer{linked(pay("c1", "alice", "shop", 60)), linked(pay("c2", "shop", "ghost", 10)), pay("c3", "alice", "shop", 5)}
		first := tb.transfer(t, chain...)
		require.Equal(t, []string{ledger.LinkedEventFailed, ledger.CreditAccountNotFound, ledger.LinkedEventFailed}, codes(first))
		for i := range first {
			require.False(t, first[i].Timestamp.IsZero(), "member %d is recorded", i)
			if i > 0 {
				require.True(t, first[i].Timestamp.After(first[i-1].Timestamp))
			}
		}

		tb.accounts(t, wallet("ghost"))
		tb.clock.Advance(time.Second)
		again := tb.transfer(t, chain...)
		for i := range again {
			require.Equal(t, ledger.Result{Err: first[i].Err, Timestamp: first[i].Timestamp, Replayed: true}, again[i], "member %d", i)
		}
		// A member sent on its own answers as it did in the chain.
		alone := tb.transfer(t, pay("c3", "alice", "shop", 5))
		require.Equal(t, ledger.Result{Err: first[2].Err, Timestamp: first[2].Timestamp, Replayed: true}, alone[0])

		require.Equal(t, int64(100), tb.balances(t, "alice").Posted())
		require.Zero(t, tb.balances(t, "shop").Posted())
		require.Zero(t, tb.balances(t, "ghost").Posted())
		require.Equal(t, int64(3), tb.verify(t).Refusals)
	})
}

// TestWhatIsRecorded covers which refusals the ledger records, and that
// the same id within one call is decided by its first occurrence.
func TestWhatIsRecorded(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		tb.accounts(t, system("bank"), wallet("alice"), wallet("bob"))
		tb.transfer(t, pay("fund", "bank", "alice", 100))

		// The first occurrence decides; the second replays it.
		twice := tb.transfer(t, pay("dup", "alice", "bob", 500), pay("dup", "alice", "bob", 500), pay("dup", "alice", "bob", 50))
		require.Equal(t, []string{ledger.ExceedsCredits, ledger.ExceedsCredits, ledger.ExistsWithDifferentFields}, codes(twice))
		require.Equal(t, []bool{false, true, false}, []bool{twice[0].Replayed, twice[1].Replayed, twice[2].Replayed})
		require.Equal(t, twice[0].Timestamp, twice[1].Timestamp)

		// A malformed transfer with a valid id is recorded as sent; fixing
		// it does not free the id.
		bad := pay("badcode", "alice", "bob", 5)
		bad.Code = "P2P"
		require.Equal(t, []string{ledger.InvalidCode}, codes(tb.transfer(t, bad)))
		require.Equal(t, []string{ledger.ExistsWithDifferentFields}, codes(tb.transfer(t, pay("badcode", "alice", "bob", 5))))
		replay := tb.transfer(t, bad)
		require.Equal(t, []string{ledger.InvalidCode}, codes(replay))
		require.True(t, replay[0].Replayed)

		// Not recorded: an invalid id, an id taken by a committed transfer,
		// whatever is wrong with the new one.
		res := tb.transfer(t, pay("bad id", "alice", "bob", 5))
		require.Equal(t, []string{ledger.InvalidID}, codes(res))
		require.True(t, res[0].Timestamp.IsZero())
		fundBad := pay("fund", "bank", "alice", 100)
		fundBad.Code = "P2P"
		res = tb.transfer(t, fundBad)
		require.Equal(t, []string{ledger.InvalidCode}, codes(res))
		require.True(t, res[0].Timestamp.IsZero())
		require.Equal(t, []string{""}, codes(tb.transfer(t, pay("fund", "bank", "alice", 100))), "the committed transfer still replays")

		// A chain left open is refused whole and its members recorded,
		// except one whose id is committed.
		open := pay("open", "alice", "bob", 1)
		open.Flags = ledger.Linked
		fundLinked := pay("fund", "bank", "alice", 100)
		fundLinked.Flags = ledger.Linked
		res = tb.transfer(t, fundLinked, open)
		require.Equal(t, []string{ledger.LinkedEventChainOpen, ledger.LinkedEventChainOpen}, codes(res))
		require.True(t, res[0].Timestamp.IsZero())
		require.False(t, res[1].Timestamp.IsZero())
		res = tb.transfer(t, open, pay("after", "alice", "bob", 1))
		require.Equal(t, []string{ledger.LinkedEventChainOpen, ledger.LinkedEventFailed}, codes(res), "the recorded member fails the chain it is sent in")
		require.True(t, res[0].Replayed)

		// A field no row could hold fails the call; nothing is recorded.
		huge := pay("huge", "alice", "bob", 5)
		huge.Metadata = strings.Repeat("x", ledger.MaxFieldBytes+1)
		_, err := tb.engine.CreateTransfers(tb.ctx, []ledger.Transfer{pay("ok", "alice", "bob", 1), huge})
		require.Equal(t, ledger.FieldTooLong, codeOf(err))

		refusals, err := tb.engine.LookupRefusals(tb.ctx, []string{"dup", "badcode", "bad id", "fund", "open", "after", "huge", "ok"})
		require.NoError(t, err)
		var ids []string
		for _, r := range refusals {
			ids = append(ids, r.Transfer.ID)
		}
		require.Equal(t, []string{"dup", "badcode", "open", "after"}, ids)
		require.Equal(t, int64(100), tb.balances(t, "alice").Posted())
		tb.verify(t)
	})
}

// TestRefusalTimestampsInterleave checks that refusals take their
// timestamps from the sequence of committed transfers, in call order.
func TestRefusalTimestampsInterleave(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		tb.accounts(t, system("bank"), wallet("alice"), wallet("bob"))
		res := tb.transfer(t, pay("a", "bank", "alice", 10), pay("b", "alice", "bob", 11), pay("c", "alice", "bob", 10))
		require.Equal(t, []string{"", ledger.ExceedsCredits, ""}, codes(res))
		now := tb.clock.Now()
		for i, r := range res {
			require.Equal(t, now.Add(time.Duration(i)*time.Microsecond), r.Timestamp, "result %d", i)
		}
		tb.verify(t)
	})
}
