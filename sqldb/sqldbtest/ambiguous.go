package sqldbtest

import (
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cashless-dev/cashless/sqldb"
)

// ErrCommitLost is what an ambiguous commit reports: the transaction did
// commit, but the answer was lost, as when the connection breaks after
// COMMIT was sent.
var ErrCommitLost = errors.New("connection lost after COMMIT was sent")

// Ambiguous drives the group committers of a store into the case
// sqldb.Group.Do's contract warns of: a shared transaction commits, its
// commit reports an error all the same, and every call of it runs again,
// alone, finding its own earlier work committed.
type Ambiguous struct {
	db *sqldb.DB

	mu      sync.Mutex
	state   int // ambiguousIdle, ambiguousBlock or ambiguousFail
	entered chan struct{}
	release chan struct{}
	fired   bool
}

const (
	ambiguousIdle = iota
	ambiguousBlock
	ambiguousFail
)

// NewAmbiguous sets its commit hook on db. Make the store on db after it,
// so that the store's group commits through the hook; until Run, every
// commit goes through as usual.
func NewAmbiguous(db *sqldb.DB) *Ambiguous {
	a := &Ambiguous{db: db}
	sqldb.SetGroupCommitHook(db, a.commit)
	return a
}

func (a *Ambiguous) commit(tx *sql.Tx, calls int) error {
	a.mu.Lock()
	state := a.state
	switch {
	case state == ambiguousBlock:
		a.state = ambiguousFail
	case state == ambiguousFail && calls > 1:
		a.state, a.fired = ambiguousIdle, true
	}
	a.mu.Unlock()
	switch {
	case state == ambiguousBlock:
		close(a.entered)
		<-a.release
	case state == ambiguousFail && calls > 1:
		if err := tx.Commit(); err != nil {
			return err
		}
		return ErrCommitLost
	}
	return tx.Commit()
}

// Run runs calls at once, each a store operation that makes one group call,
// in one shared transaction whose commit commits and then reports
// ErrCommitLost, so that each runs again alone; it returns their errors in
// order. filler is a harmless operation of the same store, run first to
// hold the committer while the calls queue behind it, and once more among
// them so that the transaction is shared even for a single call. Run fails
// the test unless the shared commit happened.
func (a *Ambiguous) Run(t testing.TB, filler func() error, calls ...func() error) []error {
	t.Helper()
	a.mu.Lock()
	a.state, a.fired = ambiguousBlock, false
	a.entered, a.release = make(chan struct{}), make(chan struct{})
	a.mu.Unlock()

	blocked := make(chan error, 1)
	go func() { blocked <- filler() }()
	select {
	case <-a.entered:
	case err := <-blocked:
		t.Fatalf("ambiguous commit: the filler returned (%v) without committing", err)
	case <-time.After(10 * time.Second):
		t.Fatal("ambiguous commit: the filler never committed")
	}

	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() { errs[i] = call() })
	}
	var fillerErr error
	wg.Go(func() { fillerErr = filler() })
	deadline := time.Now().Add(10 * time.Second)
	for sqldb.GroupQueueLen(a.db) < len(calls)+1 {
		if time.Now().After(deadline) {
			close(a.release)
			t.Fatalf("ambiguous commit: %d of %d calls queued", sqldb.GroupQueueLen(a.db), len(calls)+1)
		}
		time.Sleep(time.Millisecond)
	}
	close(a.release)
	wg.Wait()
	if err := <-blocked; err != nil {
		t.Fatalf("ambiguous commit: the filler failed: %v", err)
	}
	if fillerErr != nil {
		t.Fatalf("ambiguous commit: the filler failed in the shared transaction: %v", fillerErr)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.fired {
		t.Fatal("ambiguous commit: the calls never shared a transaction")
	}
	a.state = ambiguousIdle
	return errs
}
