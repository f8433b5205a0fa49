package sqldb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// MaxConflictAttempts is how many times RetryConflicts runs fn at most. Its
// pauses then add up to at most 127 ms: a conflict that outlasts them is
// not a race that another try cures.
const MaxConflictAttempts = 8

// RetryConflicts runs fn, and runs it again while it fails with an error
// that conflict reports, at most MaxConflictAttempts times in all. Before
// attempt n+1 it sleeps a random time below 1ms << n: two transactions that
// deadlocked each other would meet again if both retried at once, and the
// random, growing pause lets one of them through first. The pause ends
// early when ctx ends; RetryConflicts then returns ctx's error wrapped with
// the last conflict. Otherwise it returns fn's last error as it is, or nil.
//
// conflict says which errors a new attempt can cure: the group committer
// retries lock conflicts only (a duplicate key is an answer there), the
// ledger's store IsRetryable errors. fn must be safe to run again after
// such an error, which holds when it runs one transaction and rolls it
// back when it fails.
func RetryConflicts(ctx context.Context, conflict func(error) bool, fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil || attempt == MaxConflictAttempts-1 || !conflict(err) {
			return err
		}
		if ctx.Err() == nil {
			pause := time.NewTimer(time.Duration(rand.Int64N(int64(time.Millisecond) << attempt)))
			select {
			case <-pause.C:
			case <-ctx.Done():
				pause.Stop()
			}
		}
		if ctx.Err() != nil {
			return fmt.Errorf("retry after conflict: %w (last: %w)", ctx.Err(), err)
		}
	}
}
