package sqldb

import "database/sql"

// QueueLen returns how many calls wait in g's queue, so that tests can tell
// when their calls are queued behind a busy committer.
func QueueLen(g *Group) int { return len(g.queue) }

// SetCommitHook makes g commit every transaction through hook, which is
// told how many calls the transaction holds, so that a test can make a
// commit fail after, or instead of, committing. Call it before the first Do.
func SetCommitHook(g *Group, hook func(tx *sql.Tx, calls int) error) { g.commitHook = hook }
