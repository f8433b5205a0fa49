package sqldb

import (
	"database/sql"
	"sync"
)

// This file holds the seams through which the tests of stores built on a
// Group, in other packages, drive it into the cases Group.Do's contract
// describes: a commit that reports an error after it committed, so that
// every call of the transaction runs again. Production code never calls
// them; a Group made on a DB without them commits as it always does.

// testHooks are the seams set on a DB.
type testHooks struct {
	commit func(tx *sql.Tx, calls int) error

	mu     sync.Mutex
	groups []*Group
}

// SetGroupCommitHook makes every Group made on db after the call commit its
// transactions through hook instead of tx.Commit. The hook is told how many
// calls the transaction holds, so that a test can make the commit of a
// shared transaction fail after, or instead of, committing. It is for
// tests only; call it before making the store whose group it should reach.
func SetGroupCommitHook(db *DB, hook func(tx *sql.Tx, calls int) error) {
	db.test = &testHooks{commit: hook}
}

// GroupQueueLen returns how many calls wait in the queues of the Groups made
// on db since SetGroupCommitHook, so that a test can tell when its calls are
// queued behind a busy committer and will share one transaction.
func GroupQueueLen(db *DB) int {
	if db.test == nil {
		return 0
	}
	db.test.mu.Lock()
	defer db.test.mu.Unlock()
	n := 0
	for _, g := range db.test.groups {
		n += len(g.queue)
	}
	return n
}

// hook gives g the seams set on db, if any.
func (h *testHooks) hook(g *Group) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	g.commitHook = h.commit
	h.groups = append(h.groups, g)
}
