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
	account string
	ip      string // "" when the address is unknown
}

func (k throttleKeys) list() []string {
	if k.ip == "" {
		return []string{k.account}
	}
	return []string{k.account, k.ip}
}

// limit returns how many failures key may have within a window.
func (o ThrottleOptions) limit(k throttleKeys, key string) int {
	if key == k.ip {
		return o.IPFailures
	}
	return o.AccountFailures
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

// lockedErr returns ELoginLocked when one of the states is locked at now,
// with RetryAfter set to the longest wait (whole seconds, rounded up).
func lockedErr(states map[string]Throttle, now time.Time) error {
	var wait time.Duration
	for _, t := range states {
		wait = max(wait, t.LockedUntil.Sub(now))
	}
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

// checkLocked fails with ELoginLocked while the account or address is
// locked. It returns the throttle states it read.
func (s *Identity) checkLocked(ctx context.Context, k throttleKeys, now time.Time) (map[string]Throttle, error) {
	states, err := s.store.Throttles(ctx, k.list())
	if err != nil {
		return nil, fmt.Errorf("read login throttle: %w", err)
	}
	return states, lockedErr(states, now)
}

// recordFailure counts a failed login against the account and the address
// and returns ELoginLocked when this failure locked either, or else
// failure.
func (s *Identity) recordFailure(ctx context.Context, k throttleKeys, now time.Time, failure error) error {
	o := s.opts.Throttle
	after := make(map[string]Throttle, 2)
	err := s.store.UpdateThrottles(ctx, k.list(), func(key string, t *Throttle) {
		o.fail(t, o.limit(k, key), now)
		after[key] = *t // a second run overwrites the first
	})
	if err != nil {
		return fmt.Errorf("record failed login: %w", err)
	}
	if err := lockedErr(after, now); err != nil {
		return err
	}
	return failure
}
