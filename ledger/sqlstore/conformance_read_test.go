package sqlstore_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

func testLatestEntry(t *testing.T, tb *testBundle) {
	rows := []ledger.StoredTransfer{
		row(1, 10, "d1", "a", "x", 1), // a on the debit side
		row(1, 20, "c1", "y", "a", 2), // a on the credit side
		row(1, 30, "o1", "x", "y", 3), // not a
		row(1, 40, "d2", "a", "y", 4),
		row(1, 50, "c2", "x", "a", 5),
	}
	tb.write(t, batch(1, rows...))
	tests := []struct {
		at   int64
		want string // "" for none
	}{
		{0, ""}, {us(9), ""}, {us(10), "d1"}, {us(19), "d1"}, {us(20), "c1"}, {us(35), "c1"},
		{us(40), "d2"}, {us(49), "d2"}, {us(50), "c2"}, {us(1_000_000), "c2"},
	}
	for _, tt := range tests {
		got, ok, err := tb.store.LatestEntry(tb.ctx, "a", tt.at)
		require.NoError(t, err)
		require.Equal(t, tt.want != "", ok, "at %d", tt.at)
		if ok {
			require.Equal(t, byID(rows, transferID)[tt.want], got, "at %d", tt.at)
		}
	}
	_, ok, err := tb.store.LatestEntry(tb.ctx, "nobody", us(1_000))
	require.NoError(t, err)
	require.False(t, ok)
}

func testEntries(t *testing.T, tb *testBundle) {
	// 40 transfers: a on either side in an irregular pattern, with some
	// transfers of other accounts between them.
	var rows, mine []ledger.StoredTransfer
	for i := range 40 {
		dr, cr := "a", "b"
		switch {
		case i%5 == 4:
			dr, cr = "b", "c"
		case i*7%3 == 0:
			dr, cr = "b", "a"
		}
		r := row(1, 10*(i+1), fmt.Sprintf("t%02d", i), dr, cr, int64(i+1))
		rows = append(rows, r)
		if dr == "a" || cr == "a" {
			mine = append(mine, r)
		}
	}
	tb.write(t, batch(1, rows...))
	entries := func(after, before int64, desc bool, limit int) []ledger.StoredTransfer {
		got, err := tb.store.Entries(tb.ctx, "a", after, before, desc, limit)
		require.NoError(t, err)
		return got
	}
	newest := slices.Clone(mine)
	slices.Reverse(newest)
	require.Equal(t, newest, entries(0, 0, true, 1_000))
	require.Equal(t, mine, entries(0, 0, false, 1_000))

	// Page through in both directions, the way History's cursors do.
	var pages []ledger.StoredTransfer
	for before := int64(0); ; {
		page := entries(0, before, true, 7)
		if len(page) == 0 {
			break
		}
		require.LessOrEqual(t, len(page), 7)
		pages = append(pages, page...)
		before = page[len(page)-1].Timestamp.UnixMicro()
	}
	require.Equal(t, newest, pages)
	pages = nil
	for after := int64(0); ; {
		page := entries(after, 0, false, 7)
		if len(page) == 0 {
			break
		}
		pages = append(pages, page...)
		after = page[len(page)-1].Timestamp.UnixMicro()
	}
	require.Equal(t, mine, pages)

	// Both bounds are exclusive.
	lo, hi := mine[3].Timestamp.UnixMicro(), mine[10].Timestamp.UnixMicro()
	require.Equal(t, mine[4:10], entries(lo, hi, false, 100))
	require.Equal(t, mine[4:7], entries(lo, hi, false, 3))
	window := slices.Clone(mine[4:10])
	slices.Reverse(window)
	require.Equal(t, window, entries(lo, hi, true, 100))
	require.Equal(t, window[:3], entries(lo, hi, true, 3))
	require.Empty(t, entries(hi, lo, true, 10))
	empty, err := tb.store.Entries(tb.ctx, "nobody", 0, 0, true, 10)
	require.NoError(t, err)
	require.Empty(t, empty)
}

func testDuePending(t *testing.T, tb *testBundle) {
	rec := func(id string, expires int64, state ledger.PendingState) ledger.PendingTransfer {
		return ledger.PendingTransfer{ID: id, DebitAccountID: "a", CreditAccountID: "b", Amount: 5, Currency: "HKD", ExpiresMicros: expires, State: state}
	}
	p10, p20, p30, p50 := rec("p10", us(10), ledger.StatePending), rec("p20", us(20), ledger.StatePending), rec("p30", us(30), ledger.StatePending), rec("p50", us(50), ledger.StatePending)
	b := batch(1)
	b.Pending = []ledger.PendingTransfer{p50, p10, rec("never", 0, ledger.StatePending), p30, rec("posted", us(5), ledger.StatePosted),
		rec("voided", us(6), ledger.StateVoided), rec("expired", us(7), ledger.StateExpired), p20}
	tb.write(t, b)
	tests := []struct {
		now   int64
		limit int
		want  []ledger.PendingTransfer
	}{
		{us(9), 100, nil},
		{us(10), 100, []ledger.PendingTransfer{p10}},
		{us(30), 100, []ledger.PendingTransfer{p10, p20, p30}},
		{us(30), 2, []ledger.PendingTransfer{p10, p20}},
		{us(1_000_000), 100, []ledger.PendingTransfer{p10, p20, p30, p50}},
	}
	for _, tt := range tests {
		got, err := tb.store.DuePending(tb.ctx, tt.now, tt.limit)
		require.NoError(t, err)
		require.Equal(t, tt.want, got, "now %d, limit %d", tt.now, tt.limit)
	}
}

func testScan(t *testing.T, tb *testBundle) {
	accounts := []ledger.Account{account("a", 0), account("b", ledger.DebitsMustNotExceedCredits), account("c", ledger.CreditsMustNotExceedDebits)}
	tb.createAccounts(t, accounts...)
	b1 := batch(1, row(1, 1, "t1", "a", "b", 1), row(1, 2, "t2", "b", "c", 2))
	b2 := batch(2, row(2, 3, "t3", "c", "a", 3))
	b3 := batch(3, row(3, 4, "t4", "a", "c", 4), row(3, 5, "t5", "a", "b", 5), row(3, 6, "t6", "b", "a", 6))
	b3.Accounts = []ledger.Account{accounts[0]}
	b3.Accounts[0].DebitsPosted = 9
	accounts[0] = b3.Accounts[0]
	b3.Pending = []ledger.PendingTransfer{{ID: "t5", DebitAccountID: "a", CreditAccountID: "b", Amount: 5, Currency: "HKD", State: ledger.StatePending}}
	for _, b := range []*ledger.Batch{b1, b2, b3} {
		tb.write(t, b)
	}

	type batchSeen struct {
		seq        int64
		prev, hash []byte
		count      int
	}
	var (
		order     []string
		batches   []batchSeen
		transfers []ledger.StoredTransfer
		accts     []ledger.Account
		pending   []ledger.PendingTransfer
	)
	note := func(kind string) {
		if len(order) == 0 || order[len(order)-1] != kind {
			order = append(order, kind)
		}
	}
	require.NoError(t, tb.store.Scan(tb.ctx, ledger.ScanVisitor{
		Batch: func(seq int64, prev, hash []byte, count int) error {
			note("batch")
			batches = append(batches, batchSeen{seq, prev, hash, count})
			return nil
		},
		Transfer: func(s ledger.StoredTransfer) error { note("transfer"); transfers = append(transfers, s); return nil },
		Account:  func(a ledger.Account) error { note("account"); accts = append(accts, a); return nil },
		Pending:  func(p ledger.PendingTransfer) error { note("pending"); pending = append(pending, p); return nil },
	}))
	require.Equal(t, []string{"batch", "transfer", "account", "pending"}, order)
	require.Len(t, batches, 3)
	for i, b := range []*ledger.Batch{b1, b2, b3} {
		require.Equal(t, b.Head.Seq, batches[i].seq)
		require.Equal(t, b.Head.Hash, batches[i].hash)
		require.Equal(t, len(b.Transfers), batches[i].count)
		require.Equal(t, string(b.PrevHash), string(batches[i].prev)) // nil and empty are the same link
	}
	require.Equal(t, slices.Concat(b1.Transfers, b2.Transfers, b3.Transfers), transfers)
	require.ElementsMatch(t, accounts, accts)
	require.Equal(t, b3.Pending, pending)

	// A visitor's error stops the scan and comes back unchanged.
	errStop := errors.New("stop")
	err := tb.store.Scan(tb.ctx, ledger.ScanVisitor{
		Batch:    func(int64, []byte, []byte, int) error { return nil },
		Transfer: func(ledger.StoredTransfer) error { return errStop },
	})
	require.ErrorIs(t, err, errStop)
}

// testSameOnEveryDialect writes the same data on every dialect and requires
// identical reads, times included: stored at another zone and with
// nanoseconds, they come back in UTC at microsecond precision everywhere.
func testSameOnEveryDialect(t *testing.T) {
	t.Parallel()
	hk := time.FixedZone("HKT", 8*60*60)
	created := time.Date(2026, 5, 6, 7, 8, 9, 987_654_321, hk)
	ts := time.Date(2026, 5, 6, 7, 8, 10, 123_456_789, hk)
	type dump struct {
		Accounts  map[string]ledger.Account
		Transfers map[string]ledger.StoredTransfer
		Latest    ledger.StoredTransfer
	}
	var dumps []dump
	sqldbtest.Each(t, func(t *testing.T, url string) {
		tb := setup(t, url)
		a := account("a", 0)
		a.Created = created
		tb.createAccounts(t, a, account("b", 0))
		r := row(1, 0, "t1", "a", "b", 1)
		r.Timestamp = ts
		r = seal(r)
		tb.write(t, batch(1, r))

		d := dump{Accounts: tb.accounts(t, "a", "b"), Transfers: tb.transfers(t, "t1")}
		var ok bool
		var err error
		d.Latest, ok, err = tb.store.LatestEntry(tb.ctx, "a", ts.UnixMicro())
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, time.Date(2026, 5, 5, 23, 8, 9, 987_654_000, time.UTC), d.Accounts["a"].Created)
		require.Equal(t, time.Date(2026, 5, 5, 23, 8, 10, 123_456_000, time.UTC), d.Latest.Timestamp)
		require.Equal(t, d.Latest, d.Transfers["t1"])
		dumps = append(dumps, d)
	})
	for _, d := range dumps[1:] {
		require.Equal(t, dumps[0], d)
	}
}
