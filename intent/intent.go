// Package intent is the one driver of money-moving intents: the rows a
// service stores before it moves money (a P2P send, a top-up, a
// withdrawal, and later merchant payments, refunds and payouts), each of
// which must reach a final outcome exactly once.
//
// Two kinds of driver move an intent: the request that made it, and the
// reconciler that finishes what a crash, a timeout or an outage left in
// flight. They never drive one intent at the same time. Whoever drives an
// intent holds its lease: a random token and an end time stored on the
// intent's row. The request path takes the lease when it creates the row;
// the reconciler takes it only once it has ended (Driver.Pass: scan,
// lease, re-drive, record, park). A service's writes that decide an
// intent's fate (fail it, start a new attempt) are conditional on the
// token, so a driver whose lease has passed to another can no longer
// decide anything.
//
// The lease is what keeps drivers apart; what keeps money right is the
// ledger, which records each refused transfer so that its id can never
// commit later (docs/LEDGER.md). A service fails an intent only after the
// ledger refused the intent's current transfer id, and starts a new
// attempt (with a new derived id) only in the same case, so a failed
// intent has no transfer and a succeeded one exactly one, whatever
// drivers, retries and crashes do.
//
// A row whose re-drive keeps failing (the ledger or the bank unreachable,
// or a fault in the row itself) is retried with a growing pause and, after
// Options.MaxTries, parked: it keeps its state, the reconciler leaves it
// alone, and it is counted in Stats for an operator to look into. One bad
// row never holds up the others.
package intent

import (
	"context"
	"crypto/rand"
	"time"
)

// Lease is a driver's claim on an intent: Token identifies the driver, and
// the claim lapses at Until.
type Lease struct {
	Token string
	Until time.Time
}

// NewLease returns a lease with a fresh random token, ending at until.
func NewLease(until time.Time) Lease {
	return Lease{Token: rand.Text(), Until: until}
}

// Due is an intent that the reconciler may take over, and how many of its
// re-drives have failed so far.
type Due struct {
	ID    string
	Tries int
}

// Queue is one kind of intent as the driver sees it; a service's store
// implements it over the table that holds the intents. Every method is
// safe under concurrent drivers on any number of instances.
type Queue interface {
	// Due returns up to limit intents that are not finished, not parked,
	// and whose lease ended before now, the longest-lapsed first.
	Due(ctx context.Context, now time.Time, limit int) ([]Due, error)
	// Claim gives l to an intent that is not finished and not parked,
	// when its lease ended before now or is already l's (a renewal). It
	// reports whether l now holds the intent.
	Claim(ctx context.Context, id string, l Lease, now time.Time) (bool, error)
	// Tried records a failed drive under l: the intent's tries go up by
	// one, l's lease ends, and it waits until retry before it is due again; when the tries
	// reach parkAt it is parked with reason. It reports whether the
	// intent is parked now. It does nothing for a lease l no longer holds.
	Tried(ctx context.Context, id string, l Lease, retry time.Time, parkAt int, reason string) (parked bool, err error)
	// Parked counts the parked intents.
	Parked(ctx context.Context) (int, error)
}
