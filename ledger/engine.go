package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/cashless-dev/cashless"
)

// Options tune an Engine. The zero value is ready to use.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// MaxBatch bounds the transfers in one batch; 8190 when zero.
	MaxBatch int
	// ExpiryInterval is how often the engine looks for pending transfers
	// whose timeout has passed; one second when zero.
	ExpiryInterval time.Duration
	// Logger receives operational logs; slog.Default() when nil.
	Logger *slog.Logger
	// Observe, when set, is called after every batch (for metrics).
	Observe func(BatchStats)
}

// BatchStats describe one committed (or failed) batch.
type BatchStats struct {
	Transfers int
	Duration  time.Duration
	Err       error
}

// Engine is the in-process ledger: a Service backed by a Store that commits
// concurrent transfers in batches. One goroutine forms and commits batches;
// while it commits one, the next fills up, so batch size grows with load.
type Engine struct {
	store Store
	opts  Options

	mu     sync.RWMutex // held for reading while sending on queue
	closed bool
	queue  chan *request

	stop chan struct{}  // closed by Close to stop the expiry loop
	done sync.WaitGroup // the batch and expiry goroutines
}

var _ Service = (*Engine)(nil)

// request is one CreateTransfers call waiting for its batch.
type request struct {
	transfers []Transfer
	results   []Result
	expiry    bool // voids issued by the engine for expired pending transfers
	err       error
	done      chan struct{}
}

// NewEngine starts an engine on the store.
func NewEngine(store Store, opts Options) *Engine {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 8190
	}
	if opts.ExpiryInterval <= 0 {
		opts.ExpiryInterval = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	e := &Engine{store: store, opts: opts, queue: make(chan *request, 4096), stop: make(chan struct{})}
	e.done.Add(2)
	go e.batchLoop()
	go e.expiryLoop()
	return e
}

// Close stops accepting requests, commits the batches already queued and
// stops the expiry loop. Requests arriving after Close fail with
// EngineClosed.
func (e *Engine) Close(ctx context.Context) error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	close(e.stop)
	close(e.queue)
	e.mu.Unlock()
	finished := make(chan struct{})
	go func() { e.done.Wait(); close(finished) }()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("close ledger engine: %w", ctx.Err())
	}
}

// CreateTransfers implements Service.
func (e *Engine) CreateTransfers(ctx context.Context, transfers []Transfer) ([]Result, error) {
	if len(transfers) == 0 {
		return nil, nil
	}
	if len(transfers) > e.opts.MaxBatch {
		return nil, cashless.Errorf(TooManyEvents, "at most %d transfers per call", e.opts.MaxBatch)
	}
	if err := checkFieldSizes(transfers); err != nil {
		return nil, err
	}
	// The batch goroutine reads the transfers after a caller that gave up
	// may have reused its slice: give it a copy of its own.
	return e.submit(ctx, &request{transfers: slices.Clone(transfers)})
}

func (e *Engine) submit(ctx context.Context, r *request) ([]Result, error) {
	r.results = make([]Result, len(r.transfers))
	r.done = make(chan struct{})
	e.mu.RLock()
	if e.closed {
		e.mu.RUnlock()
		return nil, cashless.Errorf(EngineClosed, "the ledger is shutting down")
	}
	select {
	case e.queue <- r:
		e.mu.RUnlock()
	case <-ctx.Done():
		e.mu.RUnlock()
		return nil, ctx.Err()
	}
	select {
	case <-r.done:
		if r.err != nil {
			return nil, r.err // results of an attempt that did not commit mean nothing
		}
		return r.results, nil
	case <-ctx.Done():
		// The batch may still commit; the caller retries with the same ids,
		// which replays the outcome.
		return nil, ctx.Err()
	}
}

// batchLoop forms batches from the queue and commits them, until the queue
// is closed and drained.
func (e *Engine) batchLoop() {
	defer e.done.Done()
	var carry *request
	for {
		first := carry
		carry = nil
		if first == nil {
			var ok bool
			if first, ok = <-e.queue; !ok {
				return
			}
		}
		batch := []*request{first}
		n := len(first.transfers)
	fill:
		for n < e.opts.MaxBatch {
			select {
			case r, ok := <-e.queue:
				if !ok {
					break fill
				}
				if n+len(r.transfers) > e.opts.MaxBatch {
					carry = r
					break fill
				}
				batch = append(batch, r)
				n += len(r.transfers)
			default:
				break fill
			}
		}
		e.commit(batch, n)
	}
}

// commit writes one batch, retrying when it lost a race with another
// writer, and wakes every request in it.
func (e *Engine) commit(batch []*request, n int) {
	start := time.Now()
	var err error
	for attempt := 0; ; attempt++ {
		err = e.store.WriteBatch(context.Background(), func(tx BatchTx) error {
			return e.apply(context.Background(), tx, batch)
		})
		if err == nil || !errors.Is(err, ErrConflict) || attempt == 20 {
			break
		}
		time.Sleep(time.Duration(attempt+1) * time.Millisecond)
	}
	if err != nil {
		e.opts.Logger.Error("ledger batch failed", "transfers", n, "err", err)
	}
	if e.opts.Observe != nil {
		e.opts.Observe(BatchStats{Transfers: n, Duration: time.Since(start), Err: err})
	}
	for _, r := range batch {
		if err != nil {
			r.err = fmt.Errorf("commit ledger batch: %w", err)
		}
		close(r.done)
	}
}

// expiryLoop voids pending transfers whose timeout has passed.
func (e *Engine) expiryLoop() {
	defer e.done.Done()
	tick := time.NewTicker(e.opts.ExpiryInterval)
	defer tick.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-tick.C:
		}
		if err := e.ExpireDue(context.Background()); err != nil && cashless.ErrorCode(err) != EngineClosed {
			e.opts.Logger.Error("ledger expiry failed", "err", err)
		}
	}
}

// ExpireDue voids every pending transfer whose timeout has passed now. The
// engine calls it on its own every ExpiryInterval; tests call it directly.
// Each expiry is a void transfer with the reserved id "expire:<pending id>",
// so engines racing to expire the same transfer commit it once.
func (e *Engine) ExpireDue(ctx context.Context) error {
	for {
		due, err := e.store.DuePending(ctx, e.opts.Now().UnixMicro(), e.opts.MaxBatch)
		if err != nil || len(due) == 0 {
			return err
		}
		voids := make([]Transfer, len(due))
		for i, p := range due {
			voids[i] = Transfer{ID: expiryPrefix + p.ID, Flags: VoidPending, PendingID: p.ID, Code: "expired"}
		}
		results, err := e.submit(ctx, &request{transfers: voids, expiry: true})
		if err != nil {
			return err
		}
		if len(due) < e.opts.MaxBatch {
			return nil
		}
		// A full page again: go on only if this one made progress, so a
		// pending transfer that cannot be voided never spins the loop.
		if !slices.ContainsFunc(results, func(r Result) bool { return r.Err == nil }) {
			return fmt.Errorf("expire pending transfers: none of %d could be voided: %w", len(due), results[0].Err)
		}
	}
}

// expiryPrefix starts the ids of expiry voids; ':' is not allowed in the ids
// callers choose, so these never collide with theirs.
const expiryPrefix = "expire:"
