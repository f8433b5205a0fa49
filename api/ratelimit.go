package api

import (
	"math"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/cashless-dev/cashless"
)

// RateLimit sets the token buckets that throttle callers: one per
// authenticated user on the routes that need a token, one per client IP on
// the others (signup, login, refresh). A rate of 0 disables that limit.
//
// The lookup and signup limits are narrower and tighter. They bound how
// fast anyone can learn who is a customer, and by what name: every call
// that resolves a phone, email, username or PayCode to a person (adding a
// contact, sending money, requesting money: one lookup per payer) takes a
// token from the account's bucket and from the client IP's, and every
// signup (whose answer says whether a phone, email or username is taken)
// from the client IP's. Each bucket holds its whole allowance, so a person
// can use it at once and then waits; a call that needs more than a full
// bucket (a request to many payers) takes the full bucket. Only calls whose
// body parses are counted, since the others resolve no one; idempotent
// replays are not counted either. 0 disables each.
type RateLimit struct {
	UserRate  float64 // requests per second per user
	UserBurst int     // requests a user may make at once
	IPRate    float64 // requests per second per IP address
	IPBurst   int     // requests an IP address may make at once

	LookupsPerMinute   int // people an account may look up
	IPLookupsPerMinute int // people the accounts behind one IP address may look up
	SignupsPerHour     int // signups one IP address may attempt
}

// DefaultRateLimit is what a production server should start from: generous
// for a person or an app, tight for password guessing from one address and
// for walking a list of phone numbers. A person adding contacts or paying
// looks up far fewer than 30 people a minute and signs up once; 120 lookups
// a minute leave room for a household or an office behind one address.
func DefaultRateLimit() RateLimit {
	return RateLimit{UserRate: 20, UserBurst: 40, IPRate: 5, IPBurst: 30,
		LookupsPerMinute: 30, IPLookupsPerMinute: 120, SignupsPerHour: 10}
}

// perPeriod is a limiter of n calls per period, n at once: nil (no limit)
// when n is not positive.
func perPeriod(n int, period time.Duration, now func() time.Time) *limiter {
	if n <= 0 {
		return nil
	}
	return newLimiter(float64(n)/period.Seconds(), n, now)
}

// limiter holds one token bucket per key. Buckets that are full again are
// dropped now and then, so the map does not grow with every caller ever seen.
type limiter struct {
	rate  rate.Limit
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	calls   int
}

// sweepEvery is how many calls pass between two sweeps of full buckets.
const sweepEvery = 4096

// newLimiter returns nil (no limit) when perSecond is not positive.
func newLimiter(perSecond float64, burst int, now func() time.Time) *limiter {
	if perSecond <= 0 {
		return nil
	}
	return &limiter{rate: rate.Limit(perSecond), burst: max(burst, 1), now: now, buckets: map[string]*rate.Limiter{}}
}

// allow takes a token from key's bucket, or returns the coded rate_limited
// error with the wait until the next token.
func (l *limiter) allow(key string) error {
	return take(1, "Too many requests; retry after the time in the Retry-After header.", quota{l, key})
}

// reserve takes n tokens from key's bucket, at most a full bucket, and
// returns the reservation with the wait until the tokens are there (a
// reservation that waits must be cancelled). A nil limiter reserves nothing.
func (l *limiter) reserve(key string, n int) (*rate.Reservation, time.Time, time.Duration) {
	if l == nil {
		return nil, time.Time{}, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls++; l.calls%sweepEvery == 0 {
		for k, b := range l.buckets {
			if b.TokensAt(now) >= float64(l.burst) {
				delete(l.buckets, k)
			}
		}
	}
	b := l.buckets[key]
	if b == nil {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[key] = b
	}
	res := b.ReserveN(now, min(n, l.burst))
	return res, now, res.DelayFrom(now)
}

// quota is one bucket a call draws on: a limiter and the caller's key in it.
type quota struct {
	lim *limiter
	key string
}

// take takes n tokens from every quota, or from none: when one of them
// lacks the tokens, the others get theirs back (a call refused by the
// address's bucket costs the account nothing) and the caller gets the
// coded rate_limited error with msg and the longest wait.
func take(n int, msg string, quotas ...quota) error {
	type held struct {
		res *rate.Reservation
		at  time.Time
	}
	var all []held
	var wait time.Duration
	for _, q := range quotas {
		res, at, d := q.lim.reserve(q.key, n)
		if res != nil {
			all = append(all, held{res, at})
		}
		wait = max(wait, d)
	}
	if wait == 0 {
		return nil
	}
	for _, h := range all {
		h.res.CancelAt(h.at)
	}
	return &cashless.Error{Code: ERateLimited, RetryAfter: wait, Message: msg}
}

// lookups wraps the handler of a call that resolves people by phone, email,
// username or PayCode: count says how many a body names (0 for one the
// handler refuses unread), and that many tokens are taken from the
// caller's and the client address's lookup buckets before it runs. The
// handler parses the body again; bodies are small, and this keeps which
// calls are lookups in the route table.
func (s *Server) lookups(count func(body []byte) int, h handlerFunc) handlerFunc {
	return func(c *call) (int, any, error) {
		if n := count(c.body); n > 0 {
			err := take(n, "Too many people looked up; retry after the time in the Retry-After header.",
				quota{s.lookupUser, c.userID()}, quota{s.lookupIP, clientIP(c.r)})
			if err != nil {
				return 0, nil, err
			}
		}
		return h(c)
	}
}

// signups wraps the signup handler: every attempt with a body that parses
// takes a token from the client address's signup bucket.
func (s *Server) signups(h handlerFunc) handlerFunc {
	count := one(parseSignup)
	return func(c *call) (int, any, error) {
		if count(c.body) > 0 {
			err := take(1, "Too many signups from this address; retry after the time in the Retry-After header.",
				quota{s.signupIP, clientIP(c.r)})
			if err != nil {
				return 0, nil, err
			}
		}
		return h(c)
	}
}

// one counts one lookup for a body that parse accepts.
func one[T any](parse func([]byte) (T, error)) func([]byte) int {
	return func(body []byte) int {
		if _, err := parse(body); err != nil {
			return 0
		}
		return 1
	}
}

// payers counts the people a money request asks.
func payers(body []byte) int {
	p, err := parseRequest(body)
	if err != nil {
		return 0
	}
	return len(p.From)
}

// retryAfter is the Retry-After value of a wait: whole seconds, at least 1.
func retryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// clientIP is the address the connection comes from. Cashless does not
// trust X-Forwarded-For: a proxy in front must terminate and rate-limit
// itself, or the operator sets RemoteAddr through its own middleware.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
