package bank

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"time"

	"github.com/cashless-dev/cashless"
)

// DefaultLatency is a realistic delay before a simulated bank confirms an
// order, for a server's default settings. SimOptions' zero Latency means no
// delay at all, which suits tests.
const DefaultLatency = 200 * time.Millisecond

// SimOptions tune a Simulated bank.
type SimOptions struct {
	// Latency is the mean delay between Submit and the outcome; zero
	// delivers outcomes as soon as a goroutine can run.
	Latency time.Duration
	// Jitter spreads the delay evenly over Latency ± Jitter (never below 0).
	Jitter time.Duration
	// FailureRate is the share of accepted orders, 0 to 1, that fail later.
	FailureRate float64
	// DeclineRate is the share of orders, 0 to 1, refused at Submit.
	DeclineRate float64
	// Seed decides which refs fail or are declined and how long each takes:
	// the same seed and ref always get the same fate, whatever the order
	// or concurrency of the calls.
	Seed int64
	// Now is the bank's clock for Outcome.At; time.Now when nil.
	Now func() time.Time
}

// Simulated is an in-memory bank that implements Connector. It keeps every
// order in memory and forgets them all on restart (see the package comment).
// Each accepted order settles once, after its delay, and notify is called
// with its outcome exactly once, from a goroutine of its own; calls for
// different orders may run at the same time. notify must not call Close.
type Simulated struct {
	opts   SimOptions
	notify func(Outcome)

	mu       sync.Mutex
	orders   map[string]*simOrder
	closed   bool
	notifies sync.WaitGroup // notify calls in progress
}

var _ Connector = (*Simulated)(nil)

type simOrder struct {
	order    Order
	outcome  Outcome
	declined bool
	timer    *time.Timer
}

// NewSimulated returns a simulated bank that reports outcomes to notify
// (which may be nil). Close it to stop its timers.
func NewSimulated(opts SimOptions, notify func(Outcome)) *Simulated {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if notify == nil {
		notify = func(Outcome) {}
	}
	return &Simulated{opts: opts, notify: notify, orders: map[string]*simOrder{}}
}

// Submit implements Connector. After Close it is an error with code
// cashless.EUnavailable.
func (s *Simulated) Submit(ctx context.Context, o Order) error {
	if err := validate(o); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return cashless.Errorf(cashless.EUnavailable, "the bank connection is closed")
	}
	if prev, ok := s.orders[o.Ref]; ok {
		if prev.order != o {
			return &cashless.Error{Code: ERefReused, Message: "this ref was already used for a different order", Param: "ref"}
		}
		if prev.declined {
			return declinedError()
		}
		return nil
	}
	so := &simOrder{order: o, outcome: Outcome{Ref: o.Ref, Status: Pending}}
	s.orders[o.Ref] = so
	if s.fate(o.Ref, "decline") < s.opts.DeclineRate {
		so.declined = true
		so.outcome = Outcome{Ref: o.Ref, Status: Failed, Reason: "The bank declined the order.", At: s.opts.Now()}
		return declinedError()
	}
	so.timer = time.AfterFunc(s.delay(o.Ref), func() { s.settle(o.Ref) })
	return nil
}

func declinedError() error {
	return cashless.Errorf(EDeclined, "the bank declined the order")
}

// Status implements Connector.
func (s *Simulated) Status(ctx context.Context, ref string) (Outcome, error) {
	if err := ctx.Err(); err != nil {
		return Outcome{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if so, ok := s.orders[ref]; ok {
		return so.outcome, nil
	}
	return Outcome{Ref: ref, Status: Unknown}, nil
}

// Close stops the bank: orders still pending never settle, and no notify
// call runs once Close has returned. Close waits for notify calls already
// running.
func (s *Simulated) Close() {
	s.mu.Lock()
	s.closed = true
	for _, so := range s.orders {
		if so.timer != nil {
			so.timer.Stop()
		}
	}
	s.mu.Unlock()
	s.notifies.Wait()
}

// settle decides the outcome of an accepted order and reports it.
func (s *Simulated) settle(ref string) {
	s.mu.Lock()
	so := s.orders[ref]
	if s.closed || so.outcome.Status != Pending {
		s.mu.Unlock()
		return
	}
	so.outcome.Status = Succeeded
	if s.fate(ref, "fail") < s.opts.FailureRate {
		so.outcome.Status = Failed
		so.outcome.Reason = "The bank rejected the transfer."
		if so.order.Direction == Out {
			so.outcome.Reason = "The receiving bank account rejected the transfer."
		}
	}
	so.outcome.At = s.opts.Now()
	out := so.outcome
	s.notifies.Add(1)
	s.mu.Unlock()
	defer s.notifies.Done()
	s.notify(out)
}

// delay returns how long the order with ref takes to settle.
func (s *Simulated) delay(ref string) time.Duration {
	d := s.opts.Latency + time.Duration((2*s.fate(ref, "delay")-1)*float64(s.opts.Jitter))
	return max(d, 0)
}

// fate returns a number in [0, 1) that depends only on the seed, the ref
// and what is being decided, so that a run is reproducible under any
// interleaving of calls.
func (s *Simulated) fate(ref, what string) float64 {
	h := sha256.New()
	var seed [8]byte
	binary.BigEndian.PutUint64(seed[:], uint64(s.opts.Seed))
	h.Write(seed[:])
	h.Write([]byte(what))
	h.Write([]byte{0})
	h.Write([]byte(ref))
	sum := h.Sum(nil)
	return float64(binary.BigEndian.Uint64(sum)>>11) / (1 << 53)
}
