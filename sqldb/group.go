package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-sql-driver/mysql"
)

// Group commits the small write transactions of many concurrent callers
// together: one database transaction, and so one fsync and one round of
// locks, serves every call queued while the previous group committed. This
// is what keeps a service on SQLite's single writer fast (DESIGN.md,
// "SQLite has one writer"), and it saves fsyncs on MySQL too.
//
// A call that fails is rolled back alone and the others commit. A call
// returns only once its work is durable, or failed and undone. Do says
// when a call runs more than once, and what that asks of it.
//
// One committer runs per Group: SQLite allows one writer, and on MySQL
// several committers were measured to deadlock each other and do worse
// (docs/BENCHMARKS.md). Several instances of a service still commit at once
// on MySQL; a call that loses a deadlock to another instance is run again.
type Group struct {
	db    *sql.DB
	queue chan *groupCall
	// commitHook, when set, commits the group's transactions instead of
	// tx.Commit; it is told how many calls tx holds. Tests set it through
	// export_test.go or testing.go to make a commit fail after, or instead
	// of, committing.
	commitHook func(tx *sql.Tx, calls int) error

	closeOnce sync.Once
	closed    chan struct{}
	done      chan struct{}
}

type groupCall struct {
	fn    func(tx *sql.Tx) error
	state atomic.Int32 // callQueued, callTaken or callCancelled
	err   error
	done  chan struct{}
}

const (
	callQueued int32 = iota
	callTaken
	callCancelled
)

// ErrGroupClosed is returned by Do after Close.
var ErrGroupClosed = errors.New("sqldb: group closed")

// maxBatch bounds the calls in one transaction.
const maxBatch = 256

// NewGroup starts a group committer on db's write pool. Close it to stop.
func NewGroup(db *DB) *Group {
	g := &Group{
		db:     db.Write,
		queue:  make(chan *groupCall, 4*maxBatch),
		closed: make(chan struct{}),
		done:   make(chan struct{}),
	}
	db.test.hook(g)
	go func() {
		defer close(g.done)
		g.run()
	}()
	return g
}

// Do runs fn in a transaction shared with other calls and waits until it is
// committed. fn must only use tx and must not commit or roll it back.
//
// fn may run more than once, so it must be idempotent. When the shared
// transaction fails, every call of it runs again, each in a transaction of
// its own. A commit error is ambiguous: the commit may have happened
// although an error came back (the connection broke after COMMIT was sent,
// say), so a rerun may find the work of its own earlier run committed. And a
// call that loses a MySQL deadlock or lock wait timeout runs again alone,
// and again after short random pauses while it keeps losing
// (RetryConflicts). So fn must be conditional on the state it leaves (INSERT
// IGNORE, UPDATE ... WHERE status = ?, reads inside tx of what an earlier
// run may have written) and never rely on having run once: a plain INSERT
// fails as a duplicate on a rerun whose first run did commit. fn must have
// no effects outside tx, and should set what it reports to its caller afresh
// on every run, since only the last run counts.
//
// When fn fails, Do returns its error as it is and that run's writes are
// rolled back. Any other error (a commit error of a transaction that held
// the call alone, say) leaves the outcome unknown: the work may or may not
// be committed, and the caller may repeat the whole operation, since fn is
// idempotent. When ctx ends before fn has started, Do returns ctx's error
// and fn never runs; once fn has started, Do waits for the outcome,
// reruns included.
func (g *Group) Do(ctx context.Context, fn func(tx *sql.Tx) error) error {
	// Without this check the select below may queue a call whose context
	// has already ended, and the committer may take it before Do notices.
	if err := ctx.Err(); err != nil {
		return err
	}
	c := &groupCall{fn: fn, done: make(chan struct{})}
	select {
	case g.queue <- c:
	case <-g.closed:
		return ErrGroupClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-c.done:
		return c.err
	case <-g.done:
		// The committer has stopped. A call queued after Close drained the
		// queue is never taken: refuse it rather than wait forever.
		if c.state.CompareAndSwap(callQueued, callCancelled) {
			return ErrGroupClosed
		}
		<-c.done
		return c.err
	case <-ctx.Done():
		if c.state.CompareAndSwap(callQueued, callCancelled) {
			return ctx.Err()
		}
		<-c.done
		return c.err
	}
}

// Close finishes the calls already queued and stops the group.
func (g *Group) Close() {
	g.closeOnce.Do(func() { close(g.closed) })
	<-g.done
}

func (g *Group) run() {
	batch := make([]*groupCall, 0, maxBatch)
	for {
		batch = batch[:0]
		select {
		case c := <-g.queue:
			batch = append(batch, c)
		case <-g.closed:
			// Drain what was queued before Close.
			for {
				select {
				case c := <-g.queue:
					g.commit([]*groupCall{c})
				default:
					return
				}
			}
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case c := <-g.queue:
				batch = append(batch, c)
			default:
				break fill
			}
		}
		g.commit(batch)
	}
}

// commit runs a batch in one transaction, falling back to one transaction
// per call when the shared one fails: a MySQL deadlock rolls back the whole
// transaction, savepoints included, and a commit error leaves unknown
// whether anything was committed. Rerunning each call alone is what makes
// an idempotent call end exactly once in both cases.
func (g *Group) commit(batch []*groupCall) {
	live := batch[:0:0]
	for _, c := range batch {
		if c.state.CompareAndSwap(callQueued, callTaken) {
			live = append(live, c)
		}
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		g.alone(live[0])
		return
	}
	// A call that loses a lock conflict in the shared transaction runs
	// again alone once the others are done, with alone's random pauses:
	// the lock it waited for is held by another transaction, and waiting
	// for it again inside the batch would hold up every other call.
	var later []*groupCall
	// Most calls succeed: run the batch without savepoints first, which
	// halves the statements of small calls. If any call fails, that
	// transaction is rolled back and the batch runs again with a savepoint
	// around each call, so the failure undoes only its own call.
	errs, err := g.together(live, false)
	if failed, ok := errors.AsType[*callFailed](err); ok {
		if lockConflict(failed.err) {
			later = append(later, live[failed.index])
			live = slices.Delete(live, failed.index, failed.index+1)
		}
		errs, err = g.together(live, true)
	}
	if err != nil {
		for _, c := range slices.Concat(live, later) {
			g.alone(c)
		}
		return
	}
	for i, c := range live {
		if lockConflict(errs[i]) {
			later = append(later, c)
			continue
		}
		c.err = errs[i]
		close(c.done)
	}
	for _, c := range later {
		g.alone(c)
	}
}

// callFailed reports the first call that failed in a batch run without
// savepoints, which rolled back the whole transaction.
type callFailed struct {
	index int
	err   error
}

func (e *callFailed) Error() string {
	return fmt.Sprintf("call %d of the batch failed: %v", e.index, e.err)
}

// together runs calls in one transaction. With savepoints, a failing call
// is rolled back alone and its error returned in its slot; without, the
// first failing call rolls back the whole transaction and together returns
// a *callFailed. A deadlock rolls back the whole transaction even with
// savepoints, so together then returns it as its own error. A lock wait
// timeout rolls back only the statement on MariaDB and MySQL by default,
// and the call's savepoint undoes the rest of it; with
// innodb_rollback_on_timeout the savepoint is gone, and together fails.
func (g *Group) together(calls []*groupCall, savepoints bool) ([]error, error) {
	if len(calls) == 0 {
		return nil, nil
	}
	ctx := context.Background()
	tx, err := g.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(calls))
	exec := func(stmt string) error {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			tx.Rollback()
			return fmt.Errorf("%s: %w", strings.ToLower(stmt), err)
		}
		return nil
	}
	for i, c := range calls {
		if !savepoints {
			if err := c.fn(tx); err != nil {
				tx.Rollback()
				return nil, &callFailed{index: i, err: err}
			}
			continue
		}
		if err := exec("SAVEPOINT g"); err != nil {
			return nil, err
		}
		if errs[i] = c.fn(tx); errs[i] != nil {
			if deadlock(errs[i]) {
				tx.Rollback()
				return nil, fmt.Errorf("shared transaction: %w", errs[i])
			}
			if err := exec("ROLLBACK TO SAVEPOINT g"); err != nil {
				return nil, err
			}
		}
		if err := exec("RELEASE SAVEPOINT g"); err != nil {
			return nil, err
		}
	}
	if err := g.commitTx(tx, len(calls)); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return errs, nil
}

// alone runs one call in a transaction of its own. A transaction that
// loses a deadlock or a lock wait on MySQL (instances committing at once
// may lock the same rows in different orders) is run again after a short
// random pause, so that the two stop meeting. The call has been taken, so
// its caller waits for the outcome and no context cuts the pauses short.
func (g *Group) alone(c *groupCall) {
	c.err = RetryConflicts(context.Background(), lockConflict, func() error { return g.once(c) })
	close(c.done)
}

func (g *Group) once(c *groupCall) error {
	tx, err := g.db.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := c.fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := g.commitTx(tx, 1); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// commitTx commits tx, which holds calls calls.
func (g *Group) commitTx(tx *sql.Tx, calls int) error {
	if g.commitHook != nil {
		return g.commitHook(tx, calls)
	}
	return tx.Commit()
}

// MySQL's error numbers for a lost lock.
const (
	errDeadlock        = 1213 // the whole transaction was rolled back
	errLockWaitTimeout = 1205 // by default only the statement was rolled back
)

// lockConflict reports a MySQL deadlock or lock wait timeout: the call
// lost a lock to another transaction and may simply run again.
func lockConflict(err error) bool {
	me, ok := errors.AsType[*mysql.MySQLError](err)
	return ok && (me.Number == errDeadlock || me.Number == errLockWaitTimeout)
}

// deadlock reports a MySQL deadlock.
func deadlock(err error) bool {
	me, ok := errors.AsType[*mysql.MySQLError](err)
	return ok && me.Number == errDeadlock
}
