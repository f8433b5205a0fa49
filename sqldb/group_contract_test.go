package sqldb_test

import (
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

var errCommitLost = errors.New("connection lost after COMMIT was sent")

// failCommitOnce gives b a group whose first commit of a transaction
// holding more than min calls reports errCommitLost, after really
// committing (committed) or after rolling back; every other commit goes
// through.
func failCommitOnce(t *testing.T, b *groupBundle, min int, committed bool) {
	var fired atomic.Bool
	sqldb.SetGroupCommitHook(b.db, func(tx *sql.Tx, calls int) error {
		if calls <= min || !fired.CompareAndSwap(false, true) {
			return tx.Commit()
		}
		if committed {
			if err := tx.Commit(); err != nil {
				return err
			}
		} else if err := tx.Rollback(); err != nil {
			return err
		}
		return errCommitLost
	})
	b.group = sqldb.NewGroup(b.db)
	t.Cleanup(b.group.Close)
}

// insertIgnore is an idempotent call: a rerun finds its row and adds none.
func (b *groupBundle) insertIgnore(id int) func(tx *sql.Tx) error {
	return func(tx *sql.Tx) error {
		_, err := tx.Exec(b.db.Dialect.InsertIgnore()+` INTO group_rows (id) VALUES (?)`, id)
		return err
	}
}

func (b *groupBundle) count(t *testing.T, id int) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.Read.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM group_rows WHERE id = ?`, id).Scan(&n))
	return n
}

// A commit error of the shared transaction reruns every call of the batch
// alone, whether or not the commit in fact happened: idempotent calls end
// with their row exactly once and succeed; a plain INSERT whose first run
// did commit fails its rerun as a duplicate, its row committed all the same.
func TestGroupSharedCommitErrorRerunsEveryCall(t *testing.T) {
	t.Parallel()
	for _, committed := range []bool{true, false} {
		t.Run(map[bool]string{true: "committed", false: "rolled back"}[committed], func(t *testing.T) {
			t.Parallel()
			sqldbtest.Each(t, func(t *testing.T, url string) {
				t.Parallel()
				b := setupGroup(t, url)
				failCommitOnce(t, b, 1, committed)
				release, blocked := b.block(t, 1000)

				const n = 10 // calls 0..n-2 are idempotent, call n-1 a plain INSERT
				errs := make([]error, n)
				var runs [n]atomic.Int32
				var wg sync.WaitGroup
				for i := range n {
					fn := b.insertIgnore(i)
					if i == n-1 {
						fn = insert(i)
					}
					wg.Go(func() {
						errs[i] = b.group.Do(t.Context(), func(tx *sql.Tx) error {
							runs[i].Add(1)
							return fn(tx)
						})
					})
				}
				b.waitQueued(t, n)
				release()
				wg.Wait()
				require.NoError(t, <-blocked)

				for i := range n {
					require.Equal(t, int32(2), runs[i].Load(), "call %d ran in the batch, then alone", i)
					require.Equal(t, 1, b.count(t, i), "call %d: its row exactly once", i)
					if i == n-1 && committed {
						require.True(t, sqldb.IsDuplicate(errs[i]), "the plain INSERT's rerun finds its own row: %v", errs[i])
						continue
					}
					require.NoError(t, errs[i], "call %d", i)
				}
				require.Len(t, b.rows(t), n+1)
			})
		})
	}
}

// A commit error of a transaction that held one call alone comes back from
// Do as it is: the call does not run again, and its work may be committed
// although Do failed.
func TestGroupCommitErrorAloneIsReturned(t *testing.T) {
	t.Parallel()
	for _, committed := range []bool{true, false} {
		t.Run(map[bool]string{true: "committed", false: "rolled back"}[committed], func(t *testing.T) {
			t.Parallel()
			sqldbtest.Each(t, func(t *testing.T, url string) {
				t.Parallel()
				b := setupGroup(t, url)
				failCommitOnce(t, b, 0, committed)
				var runs atomic.Int32
				err := b.group.Do(t.Context(), func(tx *sql.Tx) error {
					runs.Add(1)
					return b.insertIgnore(1)(tx)
				})
				require.ErrorIs(t, err, errCommitLost)
				require.Equal(t, int32(1), runs.Load())
				want := map[bool]int{true: 1, false: 0}[committed]
				require.Equal(t, want, b.count(t, 1), "the row is there exactly when the commit happened")

				// The caller may repeat the operation: an idempotent call
				// ends with its row once either way.
				require.NoError(t, b.group.Do(t.Context(), b.insertIgnore(1)))
				require.Equal(t, 1, b.count(t, 1))
			})
		})
	}
}
