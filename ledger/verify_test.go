package ledger_test

import (
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger"
)

// TestVerifyDetectsTampering edits committed rows behind the engine's back,
// as someone with database access might, and requires Verify to name what
// was changed.
func TestVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	type want struct{ kind, object string }
	tests := []struct {
		name  string
		sql   string
		args  func(l *tamperLedger) []any
		wants func(l *tamperLedger) []want
		exact bool // the problems listed are all there may be
	}{
		{
			name:  "transfer amount",
			sql:   `UPDATE ledger_transfers SET amount = amount + 1 WHERE id = ?`,
			args:  func(*tamperLedger) []any { return []any{"lunch"} },
			wants: func(*tamperLedger) []want { return []want{{"transfer", "lunch"}} },
		},
		{
			// Only the row hash covers metadata: no balance moves.
			name:  "transfer metadata",
			sql:   `UPDATE ledger_transfers SET metadata = ? WHERE id = ?`,
			args:  func(*tamperLedger) []any { return []any{"lunch 🍕", "lunch"} },
			wants: func(*tamperLedger) []want { return []want{{"transfer", "lunch"}} },
			exact: true,
		},
		{
			name:  "account balance",
			sql:   `UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE id = ?`,
			args:  func(*tamperLedger) []any { return []any{"bob"} },
			wants: func(*tamperLedger) []want { return []want{{"account", "bob"}, {"currency", "HKD"}} },
			exact: true,
		},
		{
			name:  "deleted transfer",
			sql:   `DELETE FROM ledger_transfers WHERE id = ?`,
			args:  func(*tamperLedger) []any { return []any{"dinner"} },
			wants: func(l *tamperLedger) []want { return []want{{"batch", l.batchOf["dinner"]}} },
		},
		{
			name:  "deleted only transfer of a batch",
			sql:   `DELETE FROM ledger_transfers WHERE id = ?`,
			args:  func(*tamperLedger) []any { return []any{"tip"} },
			wants: func(l *tamperLedger) []want { return []want{{"batch", l.batchOf["tip"]}} },
		},
		{
			name:  "batch emptied",
			sql:   `UPDATE ledger_batches SET count = 0 WHERE seq = ?`,
			args:  func(l *tamperLedger) []any { return []any{l.batchOf["tip"]} },
			wants: func(l *tamperLedger) []want { return []want{{"batch", l.batchOf["tip"]}} },
		},
		{
			// Its refusal-only batch no longer hashes to what it recorded.
			name:  "deleted refusal",
			sql:   `DELETE FROM ledger_refusals WHERE id = ?`,
			args:  func(*tamperLedger) []any { return []any{"broke"} },
			wants: func(l *tamperLedger) []want { return []want{{"batch", l.batchOf["broke"]}} },
		},
		{
			name:  "deleted refusal of a batch with transfers",
			sql:   `DELETE FROM ledger_refusals WHERE id = ?`,
			args:  func(*tamperLedger) []any { return []any{"greedy"} },
			wants: func(l *tamperLedger) []want { return []want{{"batch", l.batchOf["greedy"]}} },
			exact: true,
		},
		{
			name:  "refusal amount",
			sql:   `UPDATE ledger_refusals SET amount = 1 WHERE id = ?`,
			args:  func(*tamperLedger) []any { return []any{"greedy"} },
			wants: func(*tamperLedger) []want { return []want{{"refusal", "greedy"}} },
			exact: true,
		},
		{
			// A refusal moved onto a committed id: the id is in both tables.
			name:  "refused id also committed",
			sql:   `UPDATE ledger_refusals SET id = ? WHERE id = ?`,
			args:  func(*tamperLedger) []any { return []any{"lunch", "broke"} },
			wants: func(*tamperLedger) []want { return []want{{"transfer", "lunch"}} },
		},
		{
			name:  "account currency",
			sql:   `UPDATE ledger_accounts SET currency = 'USD' WHERE id = ?`,
			args:  func(*tamperLedger) []any { return []any{"bob"} },
			wants: func(*tamperLedger) []want { return []want{{"account", "bob"}} },
		},
		{
			// The forged batch no longer covers its transfers, and the next
			// batch no longer links to it.
			name: "batch hash",
			sql:  `UPDATE ledger_batches SET hash = ? WHERE seq = ?`,
			args: func(l *tamperLedger) []any {
				forged := sha256.Sum256([]byte("forged"))
				return []any{forged[:], l.batchOf["lunch"]}
			},
			wants: func(l *tamperLedger) []want {
				return []want{{"batch", l.batchOf["lunch"]}, {"batch", l.batchOf["hold"]}}
			},
			exact: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			eachStore(t, func(t *testing.T, tb *testBundle) {
				l := newTamperLedger(t, tb)
				res, err := tb.db.Write.ExecContext(tb.ctx, tt.sql, tt.args(l)...)
				require.NoError(t, err)
				n, err := res.RowsAffected()
				require.NoError(t, err)
				require.Equal(t, int64(1), n, "the tampering statement changed nothing")

				r, err := ledger.Verify(tb.ctx, tb.store)
				require.NoError(t, err)
				require.False(t, r.OK())
				var got []want
				for _, p := range r.Problems {
					got = append(got, want{p.Kind, p.Object})
				}
				if tt.exact {
					require.ElementsMatch(t, tt.wants(l), got, "problems: %+v", r.Problems)
				} else {
					require.Subset(t, got, tt.wants(l), "problems: %+v", r.Problems)
				}
			})
		})
	}
}

func TestVerifyUntouchedLedger(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		l := newTamperLedger(t, tb)
		r := tb.verify(t)
		require.Equal(t, ledger.Report{Batches: l.batches, Transfers: 7, Refusals: 2, Accounts: 4, Pending: 1, Problems: nil}, *r)
	})
}

// TestVerifyUserVoidCodedExpired voids a pending transfer with the code
// "expired", which callers may choose: Verify must not take it for an
// expiry by the engine.
func TestVerifyUserVoidCodedExpired(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, tb *testBundle) {
		tb.accounts(t, system("bank"), wallet("alice"), wallet("bob"))
		hold := pay("hold", "bank", "alice", 100)
		hold.Flags = ledger.Pending
		void := ledger.Transfer{ID: "void", Flags: ledger.VoidPending, PendingID: "hold", Code: "expired"}
		require.Equal(t, []string{"", ""}, codes(tb.transfer(t, hold, void)))
		tb.verify(t)
	})
}

// tamperLedger is a small ledger with every kind of transfer, and two
// refusals (one in a batch with a transfer, one alone), committed in several
// batches, for tests to tamper with.
type tamperLedger struct {
	batchOf map[string]string // transfer or refusal id → its batch number, as Problem.Object names it
	batches int64
}

func newTamperLedger(t *testing.T, tb *testBundle) *tamperLedger {
	t.Helper()
	tb.accounts(t, system("bank"), wallet("alice"), wallet("bob"), wallet("carol"))
	hold := func(id string, amount int64, timeout time.Duration) ledger.Transfer {
		tr := pay(id, "alice", "carol", amount)
		tr.Flags, tr.Code, tr.Timeout = ledger.Pending, "payment", timeout
		return tr
	}
	lunch := pay("lunch", "alice", "bob", 2_500)
	lunch.Metadata = "lunch 🍜 café"
	calls := [][]ledger.Transfer{
		{pay("fund", "bank", "alice", 10_000)},
		{lunch, pay("dinner", "bob", "carol", 1_000)},
		{hold("hold", 300, 0), hold("hold2", 200, time.Minute)},
		{pay("tip", "alice", "bob", 100), pay("greedy", "bob", "alice", 1_000_000)},
		{pay("broke", "carol", "bob", 1_000_000)},
	}
	for _, c := range calls {
		tb.clock.Advance(time.Second)
		for i, r := range tb.transfer(t, c...) {
			if id := c[i].ID; id == "greedy" || id == "broke" {
				require.Equal(t, ledger.ExceedsCredits, codeOf(r.Err))
			} else {
				require.NoError(t, r.Err)
			}
		}
	}
	// hold2 times out and the engine voids it.
	tb.clock.Advance(2 * time.Minute)
	require.NoError(t, tb.engine.ExpireDue(tb.ctx))

	l := &tamperLedger{batchOf: map[string]string{}}
	stored, err := tb.store.Transfers(tb.ctx, []string{"fund", "lunch", "dinner", "hold", "hold2", "tip", "expire:hold2"})
	require.NoError(t, err)
	require.Len(t, stored, 7)
	for id, s := range stored {
		l.batchOf[id] = fmt.Sprint(s.BatchSeq)
		l.batches = max(l.batches, s.BatchSeq)
	}
	refused, err := tb.store.Refusals(tb.ctx, []string{"greedy", "broke"})
	require.NoError(t, err)
	require.Len(t, refused, 2)
	for id, r := range refused {
		l.batchOf[id] = fmt.Sprint(r.BatchSeq)
	}
	require.Equal(t, l.batchOf["tip"], l.batchOf["greedy"])
	require.Equal(t, int64(len(calls)+1), l.batches, "each call should commit in its own batch")
	tb.verify(t)
	return l
}
