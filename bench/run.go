package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/sqldb"
)

// Target is what a run drives and checks.
type Target struct {
	// Service is the ledger under test: the engine in-process or a client
	// of a remote one.
	Service ledger.Service
	// Store is the ledger's storage, for the invariant check after the run.
	// Nil when the ledger is remote: `cashless verify` must then run on the
	// server, and the report says so.
	Store ledger.Store
	// DB is the ledger's database, for the raw limit; nil when remote.
	DB *sqldb.DB
	// StoreName labels the store in the report; StoreLabel(DB) when empty
	// and DB is set.
	StoreName string
}

// RunLedger sets up the accounts of cfg.Workload, drives t.Service for
// cfg.Duration, verifies the ledger's invariants when it can, measures the
// raw limit when asked, and reports. Broken invariants are an error.
func RunLedger(ctx context.Context, t Target, cfg Config) (*Result, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Raw && t.DB == nil {
		return nil, errors.New("the raw limit needs the ledger's database (--db); a remote ledger (--url) has none here")
	}
	if t.Service == nil {
		return nil, errors.New("no ledger service to benchmark")
	}
	if t.StoreName == "" && t.DB != nil {
		t.StoreName = StoreLabel(t.DB)
	}
	acc := newAccounts(cfg)
	logf(cfg.Progress, "%s: setting up accounts (wallets %d, merchants %d) on %s", cfg.Workload, len(acc.wallets), len(acc.merchants), t.StoreName)
	if err := acc.setup(ctx, t.Service); err != nil {
		return nil, fmt.Errorf("set up %s: %w", cfg.Workload, err)
	}
	r := &runner{svc: t.Service, cfg: cfg}
	if err := r.run(ctx, acc); err != nil {
		return nil, err
	}
	res := r.result()
	res.Store = t.StoreName
	res.MaxRSSMiB = maxRSSMiB() // before verify and the raw limit, which are not the ledger at work
	if t.Store != nil {
		logf(cfg.Progress, "%s: verifying the ledger's invariants", cfg.Workload)
		if err := verify(ctx, t.Store); err != nil {
			return nil, err
		}
		res.Verified = true
	}
	if cfg.Raw {
		logf(cfg.Progress, "%s: measuring the raw limit of the database", cfg.Workload)
		raw, err := rawLimit(ctx, t.DB, cfg, acc)
		if err != nil {
			return nil, fmt.Errorf("measure the raw limit: %w", err)
		}
		res.setRaw(raw)
	}
	return res, nil
}

// runner is one timed run.
type runner struct {
	svc        ledger.Service
	cfg        Config
	start, end time.Time
	due        atomic.Int64 // open loop: index of the next op to schedule
	ops, errs  atomic.Int64 // for progress lines
	tallies    []*tally
	elapsed    time.Duration
}

// tally is what one worker measured.
type tally struct {
	latencies []time.Duration
	ops       int64
	transfers int64 // in ops that committed
	errors    map[string]int64
	firstErr  error
}

func (r *runner) run(ctx context.Context, acc *accounts) error {
	gens := make([]*generator, r.cfg.Concurrency)
	for i := range gens {
		gens[i] = newGenerator(acc, r.cfg, i)
	}
	if err := r.timed(ctx, func(i int, t *tally) { r.work(ctx, gens[i], t) }); err != nil {
		return err
	}
	return resolveOpen(ctx, r.svc, gens)
}

// timed runs work(i, t) on cfg.Concurrency workers at once, each with its
// number and a tally of its own, and prints progress until all return
// (nextDue ends each worker at r.end). Both benchmarks time their runs
// with it, so they measure and report alike.
func (r *runner) timed(ctx context.Context, work func(i int, t *tally)) error {
	r.tallies = make([]*tally, r.cfg.Concurrency)
	for i := range r.tallies {
		r.tallies[i] = &tally{errors: map[string]int64{}}
	}
	r.start = time.Now()
	r.end = r.start.Add(r.cfg.Duration)
	stop := make(chan struct{})
	progressDone := make(chan struct{})
	go func() { r.progress(stop); close(progressDone) }()
	var wg sync.WaitGroup
	for i, t := range r.tallies {
		wg.Go(func() { work(i, t) })
	}
	wg.Wait()
	r.elapsed = time.Since(r.start)
	close(stop)
	<-progressDone
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s run interrupted: %w", r.cfg.Workload, err)
	}
	return nil
}

// work is one worker. In closed loop it sends its next op as soon as the
// last one returns. In open loop it takes the next due time of the shared
// schedule (start + i/Rate) and sends when it comes; latency runs from the
// due time, so an op that had to wait for a free worker counts its wait.
func (r *runner) work(ctx context.Context, g *generator, t *tally) {
	for ctx.Err() == nil {
		ts := g.next()
		due, ok := r.nextDue(ctx)
		if !ok {
			return
		}
		res, err := r.svc.CreateTransfers(ctx, ts)
		fail := failure(res, err, len(ts))
		r.record(t, due, len(ts), fail, cashless.ErrorCode)
		g.done(ts, fail == nil)
	}
}

// record counts one op, due at due, that just returned: its latency, and
// either the transfers it committed or its failure, counted under code(err).
func (r *runner) record(t *tally, due time.Time, transfers int, err error, code func(error) string) {
	t.latencies = append(t.latencies, time.Since(due))
	t.ops++
	r.ops.Add(1)
	if err == nil {
		t.transfers += int64(transfers)
		return
	}
	r.errs.Add(1)
	t.errors[code(err)]++
	if t.firstErr == nil {
		t.firstErr = err
	}
}

// nextDue returns when the worker's next op is due, waiting for that time
// in open loop, or false when the run is over. In closed loop an op is due
// at once; in open loop the shared schedule gives start + i/Rate.
func (r *runner) nextDue(ctx context.Context) (time.Time, bool) {
	due := time.Now()
	if r.cfg.Rate > 0 {
		i := r.due.Add(1) - 1
		due = r.start.Add(time.Duration(float64(i) / r.cfg.Rate * float64(time.Second)))
		// Past the end of the run an overloaded system is not given more
		// time: the ops it could not take are reported as missed.
		if !due.Before(r.end) || time.Now().After(r.end) || !sleepUntil(ctx, due) {
			return time.Time{}, false
		}
	} else if !due.Before(r.end) {
		return time.Time{}, false
	}
	return due, true
}

func sleepUntil(ctx context.Context, at time.Time) bool {
	d := time.Until(at)
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// resolveOpen posts or voids the pending transfers the run left open, so the
// ledger is left with nothing outstanding. It is not timed.
func resolveOpen(ctx context.Context, svc ledger.Service, gens []*generator) error {
	var ts []ledger.Transfer
	for _, g := range gens {
		if g.open != nil {
			ts = append(ts, g.resolve()...)
		}
	}
	for c := range slices.Chunk(ts, setupChunk) {
		res, err := svc.CreateTransfers(ctx, c)
		if err := failure(res, err, len(c)); err != nil {
			return fmt.Errorf("resolve the pending transfers left open: %w", err)
		}
	}
	return nil
}

// progress prints ops so far and the rate of the last second until stop.
func (r *runner) progress(stop <-chan struct{}) {
	if r.cfg.Progress == nil {
		return
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	last, lastAt := int64(0), r.start
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			n := r.ops.Load()
			logf(r.cfg.Progress, "%s: %4.0fs  %d ops  %.0f ops/s  %d errors",
				r.cfg.Workload, now.Sub(r.start).Seconds(), n, float64(n-last)/now.Sub(lastAt).Seconds(), r.errs.Load())
			last, lastAt = n, now
		}
	}
}

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}

// verify checks the ledger's invariants as `cashless verify` does.
func verify(ctx context.Context, store ledger.Store) error {
	rep, err := ledger.Verify(ctx, store)
	if err != nil {
		return fmt.Errorf("verify the ledger after the run: %w", err)
	}
	if rep.OK() {
		return nil
	}
	msg := fmt.Sprintf("LEDGER INVARIANTS BROKEN after the run: %d problems", len(rep.Problems))
	for i, p := range rep.Problems {
		if i == 10 {
			msg += fmt.Sprintf("\n  ... and %d more", len(rep.Problems)-i)
			break
		}
		msg += fmt.Sprintf("\n  %s %s: %s", p.Kind, p.Object, p.Detail)
	}
	return errors.New(msg)
}
