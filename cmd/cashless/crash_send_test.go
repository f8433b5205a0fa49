package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/idempotency"
	"github.com/cashless-dev/cashless/wallet"
)

// sendKey is one send as its client sees it: an Idempotency-Key, the body
// it is always sent with, and every final answer it got.
type sendKey struct {
	key      string
	from, to int // users
	params   client.SendParams
	// want is how many final answers to collect: 2 for a client that asks
	// again, as if it had lost the first answer.
	want    int
	answers []answer
	tries   int       // attempts so far, final or not
	next    time.Time // the earliest next attempt
	last    string    // the last undecided outcome, for reports
}

// answer is a final answer to a send: a transfer, or an API error.
type answer struct {
	transfer *client.Transfer
	status   int
	code     string
}

func (a answer) ok() bool { return a.transfer != nil }

func (a answer) String() string {
	if a.ok() {
		return fmt.Sprintf("%+v", *a.transfer)
	}
	return fmt.Sprintf("%d %s", a.status, a.code)
}

func (a answer) equal(b answer) bool {
	if a.ok() != b.ok() {
		return false
	}
	if a.ok() {
		return *a.transfer == *b.transfer
	}
	return a.status == b.status && a.code == b.code
}

// classify turns the outcome of one attempt into an answer, and reports
// whether it is final. A transport error (the server is down, or died
// during the call), a server error, a rate limit and a key still in use
// leave the send undecided: the client retries the same key and body.
func classify(tr *client.Transfer, err error) (answer, bool) {
	if err == nil {
		return answer{transfer: tr}, true
	}
	var e *client.Error
	if !errors.As(err, &e) {
		return answer{}, false
	}
	a := answer{status: e.Status, code: e.Code}
	return a, e.Status < 500 && e.Status != http.StatusTooManyRequests && e.Code != idempotency.EKeyInUse
}

// finalCodes are the refusals a send may end with in this test.
var finalCodes = []string{wallet.EInsufficientFunds, wallet.ELimitExceeded}

// Amounts of the sends: mostly small; now and then one larger than any
// wallet holds, which the ledger refuses (or, once the daily cap is mostly
// used, the limits do).
const (
	smallSendMax = 200
	largeSend    = 2_800_00
)

// sender is one client goroutine. It makes new sends until told to stop
// and keeps retrying every undecided one, without letting a key that the
// server still holds (its lease outlives a crash) stop the others.
type sender struct {
	r     *sendCrash
	g     int
	from  int
	rng   *rand.Rand
	keys  []*sendKey // every key made
	open  []*sendKey // keys without all their final answers
	tries int        // attempts of all keys
}

// run sends until stop is closed and every key has its answers, or ctx
// ends; it reports the keys left undecided.
func (s *sender) run(ctx context.Context, stop <-chan struct{}) {
	for ctx.Err() == nil {
		k, wait := s.due(time.Now())
		if k == nil {
			select {
			case <-stop:
				if len(s.open) == 0 {
					return
				}
				sleep(ctx, wait)
				continue
			default:
				k = s.newKey()
			}
		}
		s.try(ctx, k)
	}
	for _, k := range s.open {
		s.r.t.Errorf("%s: %d of %d final answers after %d tries; last outcome: %s",
			k.key, len(k.answers), k.want, k.tries, k.last)
	}
}

// due returns the open key whose retry is due first, or nil and how long
// until one is.
func (s *sender) due(now time.Time) (*sendKey, time.Duration) {
	var first *sendKey
	for _, k := range s.open {
		if first == nil || k.next.Before(first.next) {
			first = k
		}
	}
	switch {
	case first == nil:
		return nil, 10 * time.Millisecond
	case first.next.After(now):
		return nil, first.next.Sub(now)
	}
	return first, 0
}

func (s *sender) newKey() *sendKey {
	to := (s.from + 1 + s.rng.IntN(crashUsers-1)) % crashUsers
	amount := 1 + s.rng.Int64N(smallSendMax)
	if s.rng.IntN(30) == 0 {
		amount = largeSend
	}
	// Odd senders pay by the confirmed phone number, the others by username.
	recipient := client.To{Username: crashUsername(to)}
	if s.g%2 == 1 {
		recipient = client.To{Phone: crashPhone(to)}
	}
	k := &sendKey{
		key:  fmt.Sprintf("send-g%d-%d", s.g, len(s.keys)),
		from: s.from, to: to, want: 1,
		params: client.SendParams{To: recipient, Amount: amount, Currency: crashCurrency,
			Message: fmt.Sprintf("crash test %d", len(s.keys))},
	}
	if s.rng.IntN(8) == 0 {
		k.want = 2
	}
	s.keys = append(s.keys, k)
	s.open = append(s.open, k)
	return k
}

// try makes one attempt of a key.
func (s *sender) try(ctx context.Context, k *sendKey) {
	callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	tr, err := s.r.users[k.from].c.Send(callCtx, k.key, k.params)
	cancel()
	k.tries++
	s.tries++
	a, final := classify(tr, err)
	if !final {
		k.last = err.Error()
		backoff := min(10*time.Millisecond<<min(k.tries, 7), time.Second)
		k.next = time.Now().Add(backoff/2 + time.Duration(s.rng.Int64N(int64(backoff/2))))
		return
	}
	if !a.ok() && !slices.Contains(finalCodes, a.code) {
		s.r.t.Errorf("%s: unexpected answer %s: %v", k.key, a, err)
	}
	k.answers = append(k.answers, a)
	k.next = time.Now()
	if len(k.answers) >= k.want {
		s.open = slices.DeleteFunc(s.open, func(o *sendKey) bool { return o == k })
	}
}

// replayAll sends every key once more, as a client would that never saw
// the answer, with concurrency workers, and returns the final answers in
// the order of keys. Undecided outcomes are retried until ctx ends.
func (r *sendCrash) replayAll(ctx context.Context, keys []*sendKey, concurrency int) []answer {
	out := make([]answer, len(keys))
	next := make(chan int)
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for i := range next {
				k := keys[i]
				for attempt := 0; ctx.Err() == nil; attempt++ {
					tr, err := r.users[k.from].c.Send(ctx, k.key, k.params)
					if a, final := classify(tr, err); final {
						out[i] = a
						break
					}
					sleep(ctx, min(10*time.Millisecond<<min(attempt, 6), 500*time.Millisecond))
				}
			}
		})
	}
	for i := range keys {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
