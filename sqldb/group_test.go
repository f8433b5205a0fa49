package sqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

type groupBundle struct {
	db    *sqldb.DB
	group *sqldb.Group
}

func setupGroup(t *testing.T, url string) *groupBundle {
	t.Helper()
	db, err := sqldb.Open(t.Context(), url)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.Write.ExecContext(t.Context(), `CREATE TABLE group_rows (id BIGINT NOT NULL PRIMARY KEY)`)
	require.NoError(t, err)
	g := sqldb.NewGroup(db)
	t.Cleanup(g.Close)
	return &groupBundle{db: db, group: g}
}

func insert(id int) func(tx *sql.Tx) error {
	return func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO group_rows (id) VALUES (?)`, id)
		return err
	}
}

func (b *groupBundle) rows(t *testing.T) []int {
	t.Helper()
	rows, err := b.db.Read.QueryContext(t.Context(), `SELECT id FROM group_rows ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())
	return ids
}

// block occupies the committer with a call that inserts id and waits for
// release; it returns the call's result channel once the call is running.
func (b *groupBundle) block(t *testing.T, id int) (release func(), result <-chan error) {
	t.Helper()
	started, unblock := make(chan struct{}), make(chan struct{})
	res := make(chan error, 1)
	go func() {
		res <- b.group.Do(context.Background(), func(tx *sql.Tx) error {
			select {
			case <-started:
			default:
				close(started)
			}
			<-unblock
			return insert(id)(tx)
		})
	}()
	<-started
	return func() { close(unblock) }, res
}

// waitQueued waits until n calls are queued.
func (b *groupBundle) waitQueued(t *testing.T, n int) {
	t.Helper()
	require.Eventually(t, func() bool { return sqldb.QueueLen(b.group) == n }, 10*time.Second, time.Millisecond)
}

var errBoom = errors.New("boom")

func TestGroupCommitsOnlySuccessfulCalls(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setupGroup(t, url)
		const n = 200
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = b.group.Do(t.Context(), func(tx *sql.Tx) error {
					if err := insert(i)(tx); err != nil {
						return err
					}
					if i%7 == 0 {
						return fmt.Errorf("call %d: %w", i, errBoom)
					}
					return nil
				})
			})
		}
		wg.Wait()
		var want []int
		for i, err := range errs {
			if i%7 == 0 {
				require.ErrorIs(t, err, errBoom, "call %d", i)
				continue
			}
			require.NoError(t, err, "call %d", i)
			want = append(want, i)
		}
		require.Equal(t, want, b.rows(t))
	})
}

func TestGroupDuplicateKeyFailsOnlyItsCall(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setupGroup(t, url)
		_, err := b.db.Write.ExecContext(t.Context(), `INSERT INTO group_rows (id) VALUES (5)`)
		require.NoError(t, err)

		release, blocked := b.block(t, 1000)
		const n = 20
		errs := make([]error, n+1)
		txs := make([]*sql.Tx, n+1)
		var wg sync.WaitGroup
		for i := 1; i <= n; i++ {
			wg.Go(func() {
				errs[i] = b.group.Do(t.Context(), func(tx *sql.Tx) error {
					txs[i] = tx
					return insert(i)(tx)
				})
			})
		}
		b.waitQueued(t, n)
		release()
		wg.Wait()
		require.NoError(t, <-blocked)

		want := []int{1000}
		for i := 1; i <= n; i++ {
			want = append(want, i)
			if i == 5 {
				require.Error(t, errs[i], "the duplicate key is refused")
				continue
			}
			require.NoError(t, errs[i], "call %d", i)
			require.Same(t, txs[1], txs[i], "call %d shares the batch's transaction", i)
		}
		slices.Sort(want)
		require.Equal(t, want, b.rows(t))
	})
}

func TestGroupBrokenTransactionFallsBackToOneCallEach(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setupGroup(t, url)
		release, blocked := b.block(t, 1000)
		const n = 10
		errs := make([]error, n)
		var runs [n]atomic.Int32
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = b.group.Do(t.Context(), func(tx *sql.Tx) error {
					runs[i].Add(1)
					if i == 3 {
						// A misbehaving call ends the shared transaction.
						return tx.Rollback()
					}
					return insert(i)(tx)
				})
			})
		}
		b.waitQueued(t, n)
		release()
		wg.Wait()
		require.NoError(t, <-blocked)

		want := []int{}
		for i := range n {
			if i == 3 {
				require.Error(t, errs[i])
				// It ran in the batch, in the batch with savepoints, then
				// alone; when it was queued last, the batch's commit itself
				// failed and every call went alone without the savepoint run.
				require.Contains(t, []int32{2, 3}, runs[i].Load(), "the call ran in the batch, perhaps with savepoints, then alone")
				continue
			}
			require.NoError(t, errs[i], "call %d", i)
			want = append(want, i)
			// Calls queued before the bad one ran in the batch (twice: first
			// without savepoints, then with), were undone with it, and ran
			// again alone; the others ran fewer times.
			require.Contains(t, []int32{1, 2, 3}, runs[i].Load(), "call %d", i)
		}
		require.Equal(t, append(want, 1000), b.rows(t))
	})
}

func TestGroupCancelledContext(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setupGroup(t, url)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		var ran atomic.Bool
		for range 500 {
			err := b.group.Do(ctx, func(tx *sql.Tx) error {
				ran.Store(true)
				return nil
			})
			require.ErrorIs(t, err, context.Canceled)
		}
		require.False(t, ran.Load(), "fn ran for a cancelled context")

		// A call cancelled while it waits in the queue never runs either.
		release, blocked := b.block(t, 1000)
		ctx, cancel = context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- b.group.Do(ctx, insert(1)) }()
		b.waitQueued(t, 1)
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
		release()
		require.NoError(t, <-blocked)
		require.NoError(t, b.group.Do(t.Context(), insert(2)))
		require.Equal(t, []int{2, 1000}, b.rows(t))
	})
}

func TestGroupCloseDrainsQueuedCalls(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setupGroup(t, url)
		release, blocked := b.block(t, 1000)
		const n = 50
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { errs[i] = b.group.Do(t.Context(), insert(i)) })
		}
		b.waitQueued(t, n)
		closed := make(chan struct{})
		go func() {
			b.group.Close()
			close(closed)
		}()
		select {
		case <-closed:
			t.Fatal("Close returned while a call was running")
		case <-time.After(20 * time.Millisecond):
		}
		release()
		<-closed
		// Every queued call is committed by the time Close returns.
		require.Len(t, b.rows(t), n+1)
		wg.Wait()
		require.NoError(t, <-blocked)
		for i, err := range errs {
			require.NoError(t, err, "call %d", i)
		}

		// Calls after Close are refused at once and never run.
		for i := range 100 {
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			err := b.group.Do(ctx, insert(n+i))
			cancel()
			require.ErrorIs(t, err, sqldb.ErrGroupClosed)
		}
		require.Len(t, b.rows(t), n+1)
	})
}

// Several instances of a service (here, groups on one database) whose calls
// lock the same rows in opposite orders deadlock each other's transactions
// on MySQL; the losers run again, and every call takes effect exactly once.
func TestGroupCommittersSurviveDeadlocks(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		db, err := sqldb.Open(t.Context(), url)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		_, err = db.Write.ExecContext(t.Context(), `CREATE TABLE group_counters (id BIGINT NOT NULL PRIMARY KEY, n BIGINT NOT NULL)`)
		require.NoError(t, err)
		_, err = db.Write.ExecContext(t.Context(), `INSERT INTO group_counters (id, n) VALUES (1, 0), (2, 0)`)
		require.NoError(t, err)
		groups := make([]*sqldb.Group, 4)
		for i := range groups {
			groups[i] = sqldb.NewGroup(db)
			t.Cleanup(groups[i].Close)
		}

		const n = 300
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				first, second := 1, 2
				if i%2 == 1 {
					first, second = 2, 1
				}
				errs[i] = groups[i%len(groups)].Do(t.Context(), func(tx *sql.Tx) error {
					for _, id := range []int{first, second} {
						if _, err := tx.Exec(`UPDATE group_counters SET n = n + 1 WHERE id = ?`, id); err != nil {
							return err
						}
					}
					return nil
				})
			})
		}
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "call %d", i)
		}
		for _, id := range []int{1, 2} {
			var got int
			require.NoError(t, db.Read.QueryRow(`SELECT n FROM group_counters WHERE id = ?`, id).Scan(&got))
			require.Equal(t, n, got, "counter %d: every call counted once", id)
		}
	})
}
