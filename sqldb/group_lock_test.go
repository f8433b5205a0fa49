package sqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// setupLocks opens a fresh MySQL database whose connections give up a lock
// wait after lockWait seconds (a session variable set through the DSN), with
// group_rows and two counters at 0. It skips without CASHLESS_TEST_MYSQL.
func setupLocks(t *testing.T, lockWait string) *groupBundle {
	t.Helper()
	url := sqldbtest.URL(t, sqldb.MySQL)
	cfg, err := mysql.ParseDSN(strings.TrimPrefix(url, "mysql:"))
	require.NoError(t, err)
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["innodb_lock_wait_timeout"] = lockWait
	b := setupGroup(t, "mysql:"+cfg.FormatDSN())
	_, err = b.db.Write.ExecContext(t.Context(), `CREATE TABLE group_counters (id BIGINT NOT NULL PRIMARY KEY, n BIGINT NOT NULL)`)
	require.NoError(t, err)
	_, err = b.db.Write.ExecContext(t.Context(), `INSERT INTO group_counters (id, n) VALUES (1, 0), (2, 0)`)
	require.NoError(t, err)
	return b
}

// lockRow begins a transaction on another connection that holds the
// counter's row lock until it is rolled back.
func (b *groupBundle) lockRow(t *testing.T, id int) *sql.Tx {
	t.Helper()
	tx, err := b.db.Write.BeginTx(t.Context(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback() })
	var n int
	require.NoError(t, tx.QueryRow(`SELECT n FROM group_counters WHERE id = ? FOR UPDATE`, id).Scan(&n))
	return tx
}

func (b *groupBundle) counter(t *testing.T, id int) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.Read.QueryRowContext(t.Context(), `SELECT n FROM group_counters WHERE id = ?`, id).Scan(&n))
	return n
}

// conflictCall is a call that adds one to counters and records the error of
// each run.
type conflictCall struct {
	mu     sync.Mutex
	errs   []error
	thread atomic.Int64 // the connection of the latest run
}

func (c *conflictCall) fn(ids ...int) func(tx *sql.Tx) error {
	return func(tx *sql.Tx) error {
		var thread int64
		err := tx.QueryRow(`SELECT CONNECTION_ID()`).Scan(&thread)
		c.thread.Store(thread)
		for _, id := range ids {
			if err != nil {
				break
			}
			_, err = tx.Exec(`UPDATE group_counters SET n = n + 1 WHERE id = ?`, id)
		}
		c.mu.Lock()
		c.errs = append(c.errs, err)
		c.mu.Unlock()
		return err
	}
}

func (c *conflictCall) runs() []error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]error(nil), c.errs...)
}

func mysqlErrno(err error) uint16 {
	if me, ok := errors.AsType[*mysql.MySQLError](err); ok {
		return me.Number
	}
	return 0
}

// queueInOrder queues the calls behind the blocked committer in the order
// given, so that they form one batch in that order. It returns their results.
func (b *groupBundle) queueInOrder(t *testing.T, fns ...func(tx *sql.Tx) error) []chan error {
	t.Helper()
	out := make([]chan error, len(fns))
	for i, fn := range fns {
		out[i] = make(chan error, 1)
		go func() { out[i] <- b.group.Do(context.Background(), fn) }()
		b.waitQueued(t, i+1)
	}
	return out
}

// A call of a multi-call batch that hits a lock wait timeout (1205) is run
// again alone, with pauses, until the lock is released, while the other
// calls of the batch commit without it: whether the timeout came in the
// first run of the batch or in its run with savepoints.
func TestGroupLockWaitTimeoutRunsTheCallAgainAlone(t *testing.T) {
	t.Parallel()
	for _, savepoints := range []bool{false, true} {
		t.Run(map[bool]string{false: "first run", true: "savepoint run"}[savepoints], func(t *testing.T) {
			t.Parallel()
			b := setupLocks(t, "1")
			holder := b.lockRow(t, 1)
			release, blocked := b.block(t, 1000)

			var fns []func(tx *sql.Tx) error
			if savepoints {
				// A failing first call sends the batch to its savepoint run
				// before the locked call is reached.
				fns = append(fns, func(*sql.Tx) error { return errBoom })
			}
			var locked conflictCall
			fns = append(fns, locked.fn(1), insert(1), insert(2), insert(3))
			results := b.queueInOrder(t, fns...)
			release()
			require.NoError(t, <-blocked)
			lockedResult := results[len(results)-4]
			if savepoints {
				require.ErrorIs(t, <-results[0], errBoom)
			}
			// The other calls commit while the lock is still held.
			for _, r := range results[len(results)-3:] {
				require.NoError(t, <-r)
			}
			require.Equal(t, []int{1, 2, 3, 1000}, b.rows(t))
			select {
			case err := <-lockedResult:
				t.Fatalf("the locked call returned while the lock was held: %v", err)
			default:
			}

			// Once the call has failed alone too, and runs again, let go.
			require.Eventually(t, func() bool { return len(locked.runs()) >= 3 }, 20*time.Second, 10*time.Millisecond)
			require.NoError(t, holder.Rollback())
			require.NoError(t, <-lockedResult)
			runs := locked.runs()
			for i, err := range runs[:len(runs)-1] {
				require.Equal(t, uint16(1205), mysqlErrno(err), "run %d: %v", i, err)
			}
			require.NoError(t, runs[len(runs)-1])
			require.Equal(t, 1, b.counter(t, 1), "the locked call counted once")
		})
	}
}

// A deadlock in the savepoint run rolls back the whole shared transaction,
// so every call of the batch runs again alone: the calls before the
// deadlocked one, whose work the deadlock undid, included.
func TestGroupDeadlockInBatchRunsEveryCallAgainAlone(t *testing.T) {
	t.Parallel()
	// The batch's lock wait must last until the deadlock is made.
	b := setupLocks(t, "30")
	// The holder does much more work than the batch, so that InnoDB picks
	// the batch's transaction as the deadlock's victim.
	_, err := b.db.Write.ExecContext(t.Context(), `CREATE TABLE group_heavy (id BIGINT NOT NULL PRIMARY KEY)`)
	require.NoError(t, err)
	holder := b.lockRow(t, 2)
	for i := range 20 {
		args := make([]any, 50)
		for j := range args {
			args[j] = i*50 + j
		}
		_, err := holder.Exec(`INSERT INTO group_heavy (id) VALUES (`+strings.Repeat("?),(", 49)+`?)`, args...)
		require.NoError(t, err)
	}
	release, blocked := b.block(t, 1000)

	var runs [3]atomic.Int32
	counted := func(i int, fn func(tx *sql.Tx) error) func(tx *sql.Tx) error {
		return func(tx *sql.Tx) error { runs[i].Add(1); return fn(tx) }
	}
	var locked conflictCall
	results := b.queueInOrder(t,
		func(*sql.Tx) error { return errBoom }, // sends the batch to its savepoint run
		counted(0, insert(1)), counted(1, insert(2)),
		locked.fn(1, 2), // takes counter 1, then waits for the holder's counter 2
		counted(2, insert(3)))
	release()
	require.NoError(t, <-blocked)

	// InnoDB refreshes innodb_trx only when nobody read it for 100 ms, so
	// poll it slowly.
	require.Eventually(t, func() bool {
		var waiting int
		err := b.db.Read.QueryRow(`SELECT COUNT(*) FROM information_schema.innodb_trx
			WHERE trx_mysql_thread_id = ? AND trx_state = 'LOCK WAIT'`, locked.thread.Load()).Scan(&waiting)
		return err == nil && waiting == 1
	}, 10*time.Second, 250*time.Millisecond, "the batch waits for counter 2")
	// The holder now waits for counter 1, which the batch holds: a deadlock.
	_, err = holder.Exec(`UPDATE group_counters SET n = n + 100 WHERE id = 1`)
	require.NoError(t, err, "the holder survives the deadlock")
	require.NoError(t, holder.Rollback())

	require.ErrorIs(t, <-results[0], errBoom)
	for i, r := range results[1:] {
		require.NoError(t, <-r, "call %d", i+1)
	}
	require.Equal(t, uint16(1213), mysqlErrno(locked.runs()[0]), "the batch lost the deadlock")
	require.Equal(t, int32(2), runs[0].Load(), "call before the deadlock: savepoint run, then alone")
	require.Equal(t, int32(2), runs[1].Load(), "call before the deadlock: savepoint run, then alone")
	require.Equal(t, int32(1), runs[2].Load(), "call after the deadlock: alone only")
	require.Equal(t, []int{1, 2, 3, 1000}, b.rows(t))
	require.Equal(t, 1, b.counter(t, 1))
	require.Equal(t, 1, b.counter(t, 2))
}
