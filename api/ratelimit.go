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
type RateLimit struct {
	UserRate  float64 // requests per second per user
	UserBurst int     // requests a user may make at once
	IPRate    float64 // requests per second per IP address
	IPBurst   int     // requests an IP address may make at once
}

// DefaultRateLimit is what a production server should start from: generous
// for a person or an app, tight for password guessing from one address.
func DefaultRateLimit() RateLimit {
	return RateLimit{UserRate: 20, UserBurst: 40, IPRate: 5, IPBurst: 30}
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
	if l == nil {
		return nil
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
	res := b.ReserveN(now, 1)
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return &cashless.Error{Code: ERateLimited, RetryAfter: wait,
			Message: "Too many requests; retry after the time in the Retry-After header."}
	}
	return nil
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
