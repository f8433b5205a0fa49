package identity

import (
	"context"
	"fmt"
	"time"

	cashless "github.com/cashless-dev/cashless"
)

// throttleKeys names the throttle counters of one login attempt. Keys never
// hold personal data in clear: they use the user id, or blind indexes of
// the phone, email or client address.
type throttleKeys struct {
	// accounts are the accounts the login may open ("usr:<id>"), or the
	// phone or email when it names no account: several while unconfirmed
	// holders share a value.
	accounts []string
	ip       string // "" when the address is unknown
}

func (k throttleKeys) list() []string {
	if k.ip == "" {
		return k.accounts
	}
	return append(k.accounts[:len(k.accounts):len(k.accounts)], k.ip)
}

// limit returns how many failures key may have within a window.
func (o ThrottleOptions) limit(k throttleKeys, key string) int {
	if key == k.ip {
		return o.IPFailures
	}
	return o.AccountFailures
}

// locked returns ELoginLocked when, at now, the address is locked or every
// account is, so that no password would be checked; RetryAfter is the wait
// until one would be (whole seconds, rounded up).
func (k throttleKeys) locked(states map[string]Throttle, now time.Time) error {
	var ipWait, accountWait time.Duration
	if k.ip != "" {
		ipWait = states[k.ip].LockedUntil.Sub(now)
	}
	for i, a := range k.accounts {
		if w := states[a].LockedUntil.Sub(now); i == 0 || w < accountWait {
			accountWait = w
		}
	}
	wait := max(ipWait, accountWait)
	if wait <= 0 {
		return nil
	}
	wait = (wait + time.Second - 1).Truncate(time.Second)
	return &cashless.Error{
		Code:       ELoginLocked,
		Message:    "Too many failed logins. Try again later.",
		RetryAfter: wait,
	}
}

// lockout returns the length of the level-th lock-out: BaseLockout,
// doubling with each level, at most MaxLockout.
func (o ThrottleOptions) lockout(level int) time.Duration {
	d := o.BaseLockout
	for i := 1; i < level && d < o.MaxLockout; i++ {
		d *= 2
	}
	return min(d, o.MaxLockout)
}

// fail counts one failure at now against a counter allowed limit failures
// per window, locking it when the limit is reached.
func (o ThrottleOptions) fail(t *Throttle, limit int, now time.Time) {
	if !now.Before(t.WindowStart.Add(o.Window)) {
		t.Failures, t.WindowStart = 0, now
		if !now.Before(t.LockedUntil.Add(o.Window)) {
			t.Level = 0 // a quiet window since the last lock-out ended
		}
	}
	t.Failures++
	if t.Failures >= limit {
		t.Level++
		t.LockedUntil = now.Add(o.lockout(t.Level))
		t.Failures, t.WindowStart = 0, now
	}
}

// checkLocked fails with ELoginLocked while the address or every account
// is locked. It returns the throttle states it read.
func (s *Identity) checkLocked(ctx context.Context, k throttleKeys, now time.Time) (map[string]Throttle, error) {
	states, err := s.store.Throttles(ctx, k.list())
	if err != nil {
		return nil, fmt.Errorf("read login throttle: %w", err)
	}
	return states, k.locked(states, now)
}

// recordFailure counts a failed login against the accounts and the address
// and returns ELoginLocked when this failure locked the address or left
// every account locked, or else failure.
func (s *Identity) recordFailure(ctx context.Context, k throttleKeys, now time.Time, failure error) error {
	o := s.opts.Throttle
	after := make(map[string]Throttle, len(k.accounts)+1)
	err := s.store.UpdateThrottles(ctx, k.list(), func(key string, t *Throttle) {
		o.fail(t, o.limit(k, key), now)
		after[key] = *t // a second run overwrites the first
	})
	if err != nil {
		return fmt.Errorf("record failed login: %w", err)
	}
	if err := k.locked(after, now); err != nil {
		return err
	}
	return failure
}
