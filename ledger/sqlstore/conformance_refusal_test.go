package sqlstore_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger"
)

// refusal is a refused transfer recorded at t0+n µs in batch seq.
func refusal(seq int64, n int, t ledger.Transfer, code string) ledger.Refusal {
	t.Timestamp = at(n)
	r := ledger.Refusal{Transfer: t, Code: code, Message: "refused – " + code, BatchSeq: seq}
	r.RowHash = ledger.RefusalHash(&r)
	return r
}

// testRefusals writes refusals whose fields are anything a caller may send
// (bytes that are not UTF-8, non-ASCII ids, every field at its size limit,
// odd numbers), and enough of them that their INSERTs split, then reads
// them back through every reader: each must come back byte for byte.
func testRefusals(t *testing.T, tb *testBundle) {
	tb.createAccounts(t, account("a", 0), account("b", 0))
	big := strings.Repeat("ü", ledger.MaxFieldBytes/2)
	odd := []ledger.Refusal{
		refusal(1, 2, ledger.Transfer{ID: "r-bytes", DebitAccountID: "ålice", CreditAccountID: "b\x00b", Amount: -7, Currency: "\xff\xfe",
			Code: "P2P!", Flags: 1<<31 | ledger.Linked, PendingID: "💸", Timeout: 1500 * time.Millisecond, Metadata: "\xc3\x28 not UTF-8"}, ledger.InvalidCode),
		refusal(1, 3, ledger.Transfer{ID: "r-big", DebitAccountID: big, CreditAccountID: big, Amount: 1, Currency: big, Code: big,
			PendingID: big, Timeout: -time.Nanosecond, Metadata: big}, ledger.MetadataTooLong),
		refusal(1, 4, ledger.Transfer{ID: "expire:r-empty"}, ledger.PendingIDRequired),
	}
	// Batch 1 commits a transfer with the odd refusals; batch 2 holds
	// refusals only, more than one statement takes.
	b1 := batch(1, row(1, 1, "t1", "a", "b", 5))
	b1.Refusals = odd
	b1.Head.LastMicros = us(4)
	tb.write(t, b1)
	var many []ledger.Refusal
	for i := range 700 {
		tr := ledger.Transfer{ID: fmt.Sprintf("m%04d", i), DebitAccountID: big, CreditAccountID: "b", Amount: int64(i), Currency: "HKD", Metadata: big}
		many = append(many, refusal(2, 10+i, tr, ledger.ExceedsCredits))
	}
	b2 := batch(2)
	b2.Refusals = many
	b2.Head.LastMicros = us(709)
	tb.write(t, b2)
	require.Equal(t, b2.Head, tb.head(t))

	all := append(slices.Clone(odd), many...)
	want := make(map[string]ledger.Refusal, len(all))
	var ids []string
	for _, r := range all {
		want[r.Transfer.ID] = r
		ids = append(ids, r.Transfer.ID)
	}
	ids = append(ids, "t1", "ghost")
	got, err := tb.store.Refusals(tb.ctx, ids)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, []string{"t1"}, slices.Collect(maps.Keys(tb.transfers(t, ids...))), "a refusal is no transfer")

	sorted := slices.Sorted(slices.Values(ids))
	tb.read(t, func(tx ledger.BatchTx) {
		got, err := tx.Refusals(tb.ctx, sorted)
		require.NoError(t, err)
		require.Equal(t, want, got)
		snap, err := tx.Load(tb.ctx, ledger.LoadRequest{TransferIDs: sorted, AccountIDs: []string{"a"}})
		require.NoError(t, err)
		require.Equal(t, want, snap.Refusals)
		require.Equal(t, []string{"t1"}, slices.Collect(maps.Keys(snap.Transfers)))
		require.Equal(t, b2.Head, snap.Head)
	})

	var scanned []ledger.Refusal
	require.NoError(t, tb.store.Scan(tb.ctx, ledger.ScanVisitor{
		Refusal: func(r ledger.Refusal) error { scanned = append(scanned, r); return nil },
	}))
	require.Equal(t, all, scanned, "Scan streams refusals in timestamp order")
}

// testRefusalRollsBack writes a batch whose refusal repeats a recorded id:
// the batch fails as a conflict and leaves nothing behind.
func testRefusalRollsBack(t *testing.T, tb *testBundle) {
	b1 := batch(1)
	b1.Refusals = []ledger.Refusal{refusal(1, 1, ledger.Transfer{ID: "r1"}, ledger.ExceedsCredits)}
	tb.write(t, b1)
	b2 := batch(2, row(2, 2, "t2", "a", "b", 1))
	b2.Refusals = []ledger.Refusal{refusal(2, 3, ledger.Transfer{ID: "r2"}, ledger.ExceedsCredits), refusal(2, 4, ledger.Transfer{ID: "r1"}, ledger.ExceedsCredits)}
	err := tb.store.WriteBatch(tb.ctx, func(tx ledger.BatchTx) error {
		if _, err := tx.LockHead(tb.ctx); err != nil {
			return err
		}
		return tx.Write(tb.ctx, b2)
	})
	require.ErrorIs(t, err, ledger.ErrConflict)
	got, err := tb.store.Refusals(tb.ctx, []string{"r1", "r2"})
	require.NoError(t, err)
	require.Equal(t, map[string]ledger.Refusal{"r1": b1.Refusals[0]}, got)
	require.Empty(t, tb.transfers(t, "t2"))
	require.Equal(t, b1.Head, tb.head(t))
}
