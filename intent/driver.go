package intent

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// Defaults of Options.
const (
	defaultLeaseFor = 2 * time.Second
	defaultBatch    = 100
	defaultMaxTries = 10
	defaultMaxPause = 5 * time.Minute
)

// Options configure a Driver.
type Options struct {
	// LeaseFor is how long the reconciler holds an intent it re-drives
	// (2 seconds when zero), and so how long a row it could not finish
	// waits before the next look.
	LeaseFor time.Duration
	// Batch bounds the intents one step of a pass reads (100 when zero).
	Batch int
	// MaxTries is how many failed re-drives park an intent (10 when zero).
	MaxTries int
	// MaxPause caps the pause after a failed re-drive, which doubles from
	// LeaseFor with each try (5 minutes when zero).
	MaxPause time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Logger gets per-row errors and parkings (slog.Default when nil).
	Logger *slog.Logger
}

// DriveFunc re-drives one intent while l holds it: it reads the intent,
// moves it on as far as it can and records the outcome, with every
// deciding write conditional on l. It returns nil when it did what could
// be done now (the intent may still be unfinished, waiting on a bank, and
// is looked at again when l ends), and an error when the drive itself
// failed, which counts as a try.
type DriveFunc func(ctx context.Context, id string, l Lease) error

// Driver is the reconciler of one kind of intent.
type Driver struct {
	kind  string
	queue Queue
	drive DriveFunc
	opts  Options

	driven atomic.Int64
	errors atomic.Int64
	parked atomic.Int64
}

// Stats are a Driver's counters since it was made, and the parked intents
// it counted at the end of its last pass.
type Stats struct {
	Kind   string
	Driven int64 // intents re-driven without an error
	Errors int64 // failed re-drives
	Parked int64 // intents parked now
}

// NewDriver returns the driver of one kind of intent ("p2p", "funding").
func NewDriver(kind string, q Queue, drive DriveFunc, opts Options) *Driver {
	if opts.LeaseFor <= 0 {
		opts.LeaseFor = defaultLeaseFor
	}
	if opts.Batch <= 0 {
		opts.Batch = defaultBatch
	}
	if opts.MaxTries <= 0 {
		opts.MaxTries = defaultMaxTries
	}
	if opts.MaxPause <= 0 {
		opts.MaxPause = defaultMaxPause
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Driver{kind: kind, queue: q, drive: drive, opts: opts}
}

// Kind is the kind of intent the driver drives.
func (d *Driver) Kind() string { return d.kind }

// Stats returns the driver's counters.
func (d *Driver) Stats() Stats {
	return Stats{Kind: d.kind, Driven: d.driven.Load(), Errors: d.errors.Load(), Parked: d.parked.Load()}
}

// Pass is one pass of the reconciler: every intent that is due is
// claimed, re-driven and its outcome recorded, one at a time. An error of
// one intent is logged and counted, and the pass goes on with the next;
// Pass returns an error only when the queue itself cannot be read.
func (d *Driver) Pass(ctx context.Context) error {
	// Each claimed intent leaves the due set (its lease now runs into the
	// future), so the steps shrink it; the bound keeps a pass finite even
	// when other instances keep adding work.
	for step := 0; step < 100; step++ {
		now := d.opts.Now()
		due, err := d.queue.Due(ctx, now, d.opts.Batch)
		if err != nil {
			return fmt.Errorf("find due %s intents: %w", d.kind, err)
		}
		for _, it := range due {
			if ctx.Err() != nil {
				return nil
			}
			d.one(ctx, it)
		}
		if len(due) < d.opts.Batch {
			break
		}
	}
	n, err := d.queue.Parked(ctx)
	if err != nil {
		return fmt.Errorf("count parked %s intents: %w", d.kind, err)
	}
	d.parked.Store(int64(n))
	return nil
}

// one claims and re-drives one intent.
func (d *Driver) one(ctx context.Context, due Due) {
	id := due.ID
	now := d.opts.Now()
	l := NewLease(now.Add(d.opts.LeaseFor))
	ok, err := d.queue.Claim(ctx, id, l, now)
	if err != nil {
		d.errors.Add(1)
		d.opts.Logger.Error("reconciler could not claim an intent", "kind", d.kind, "intent", id, "err", err)
		return
	}
	if !ok { // another driver took it first
		return
	}
	derr := d.drive(ctx, id, l)
	if derr == nil {
		d.driven.Add(1)
		return
	}
	if ctx.Err() != nil { // shutting down: the lease lapses and the next start retries
		return
	}
	d.errors.Add(1)
	parked, err := d.queue.Tried(ctx, id, l, d.opts.Now().Add(d.pause(due.Tries)), d.opts.MaxTries, derr.Error())
	switch {
	case err != nil:
		d.opts.Logger.Error("reconciler could not record a failed try", "kind", d.kind, "intent", id, "err", err, "cause", derr)
	case parked:
		d.opts.Logger.Error("reconciler parked an intent after repeated failures", "kind", d.kind, "intent", id, "tries", d.opts.MaxTries, "err", derr)
	default:
		d.opts.Logger.Warn("reconciler could not finish an intent; it will retry", "kind", d.kind, "intent", id, "err", derr)
	}
}

// pause is how long an intent waits after its tries-th failed try (counted
// from zero): LeaseFor, doubling with each try, at most MaxPause.
func (d *Driver) pause(tries int) time.Duration {
	p := d.opts.LeaseFor
	for i := 0; i < tries && p < d.opts.MaxPause; i++ {
		p *= 2
	}
	return min(p, d.opts.MaxPause)
}
