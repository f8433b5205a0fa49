package identity_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/identity"
)

// loginFrom logs in by phone from a client address ("" for none).
func (b *testBundle) loginFrom(phone, pw, ip string) error {
	_, _, err := b.svc.Login(b.ctx, identity.LoginInput{Phone: phone, Password: pw, Client: identity.Client{IP: ip}})
	return err
}

// failUntilLocked makes failures-1 failed logins that are refused as
// such, then one more that locks, and returns the lock-out's RetryAfter.
func (b *testBundle) failUntilLocked(t *testing.T, phone string, failures int) time.Duration {
	t.Helper()
	for range failures - 1 {
		requireCode(t, identity.EInvalidCredentials, b.loginFrom(phone, "wrong password!", ""))
	}
	e := requireCode(t, identity.ELoginLocked, b.loginFrom(phone, "wrong password!", ""))
	return e.RetryAfter
}

func TestAccountLockout(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		const phone = "+85291234567"
		b.signup(t, phone)

		require.Equal(t, time.Minute, b.failUntilLocked(t, phone, 5))
		e := requireCode(t, identity.ELoginLocked, b.loginFrom(phone, password, ""))
		require.Equal(t, time.Minute, e.RetryAfter, "even the right password waits")
		b.clock.Advance(59*time.Second + time.Millisecond)
		e = requireCode(t, identity.ELoginLocked, b.loginFrom(phone, password, ""))
		require.Equal(t, time.Second, e.RetryAfter, "rounded up to whole seconds")
		b.clock.Advance(time.Second)

		// Back-off: each further lock-out doubles.
		require.Equal(t, 2*time.Minute, b.failUntilLocked(t, phone, 5))
		b.clock.Advance(2 * time.Minute)
		require.Equal(t, 4*time.Minute, b.failUntilLocked(t, phone, 5))
		b.clock.Advance(4 * time.Minute)

		// Success resets the account: the next lock-out is short again.
		require.NoError(t, b.loginFrom(phone, password, ""))
		require.Equal(t, time.Minute, b.failUntilLocked(t, phone, 5))
	})
}

func TestLockoutBackoffCap(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		const phone = "+85291234567"
		b.signup(t, phone)
		for _, want := range []time.Duration{1, 2, 4, 8, 16, 32, 60, 60} {
			require.Equal(t, want*time.Minute, b.failUntilLocked(t, phone, 5))
			b.clock.Advance(want * time.Minute)
		}
		// A quiet window after the last lock-out forgives the back-off.
		b.clock.Advance(15 * time.Minute)
		require.Equal(t, time.Minute, b.failUntilLocked(t, phone, 5))
	})
}

func TestLockoutWindow(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		const phone = "+85291234567"
		b.signup(t, phone)
		for range 4 {
			requireCode(t, identity.EInvalidCredentials, b.loginFrom(phone, "wrong password!", ""))
		}
		// Failures older than the window no longer count.
		b.clock.Advance(15 * time.Minute)
		for range 4 {
			requireCode(t, identity.EInvalidCredentials, b.loginFrom(phone, "wrong password!", ""))
		}
		require.NoError(t, b.loginFrom(phone, password, ""))
	})
}

// TestUnknownAccountLockout: a phone nobody registered locks like a real
// account, so lock-outs do not tell which numbers are registered.
func TestUnknownAccountLockout(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		require.Equal(t, time.Minute, b.failUntilLocked(t, "+85296000000", 5))
	})
}

func TestIPLockout(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		const ip = "192.0.2.99"
		b.signup(t, "+85291234567")
		for i := range 19 {
			requireCode(t, identity.EInvalidCredentials, b.loginFrom(fmt.Sprintf("+8529600%04d", i), "wrong password!", ip))
		}
		e := requireCode(t, identity.ELoginLocked, b.loginFrom("+85296009999", "wrong password!", ip))
		require.Equal(t, time.Minute, e.RetryAfter)

		requireCode(t, identity.ELoginLocked, b.loginFrom("+85291234567", password, ip))
		require.NoError(t, b.loginFrom("+85291234567", password, "192.0.2.100"), "other addresses go on")
		require.NoError(t, b.loginFrom("+85291234567", password, ""), "and the account is not locked")

		// A success does not reset an address.
		b.clock.Advance(time.Minute)
		require.NoError(t, b.loginFrom("+85291234567", password, ip))
		for i := range 19 {
			requireCode(t, identity.EInvalidCredentials, b.loginFrom(fmt.Sprintf("+8529100%04d", i), "wrong password!", ip))
		}
		e = requireCode(t, identity.ELoginLocked, b.loginFrom("+85291009999", "wrong password!", ip))
		require.Equal(t, 2*time.Minute, e.RetryAfter)
	})
}

// TestLockoutAcrossInstances: two service instances on one database count
// the same failures.
func TestLockoutAcrossInstances(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		const phone = "+85291234567"
		b.signup(t, phone)
		other := b.newInstance(t)
		for i := range 4 {
			svc := b.svc
			if i%2 == 1 {
				svc = other
			}
			_, _, err := svc.Login(b.ctx, identity.LoginInput{Phone: phone, Password: "wrong password!"})
			requireCode(t, identity.EInvalidCredentials, err)
		}
		_, _, err := other.Login(b.ctx, identity.LoginInput{Phone: phone, Password: "wrong password!"})
		requireCode(t, identity.ELoginLocked, err)
		requireCode(t, identity.ELoginLocked, b.loginFrom(phone, password, ""))
	})
}

// TestThrottleOptions: the limits are options.
func TestThrottleOptions(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		const phone = "+85291234567"
		b.signup(t, phone)
		require.Equal(t, 10*time.Second, b.failUntilLocked(t, phone, 2))
		b.clock.Advance(10 * time.Second)
		require.Equal(t, 15*time.Second, b.failUntilLocked(t, phone, 2))
	}, func(o *identity.Options) {
		o.Throttle = identity.ThrottleOptions{AccountFailures: 2, BaseLockout: 10 * time.Second, MaxLockout: 15 * time.Second}
	})
}

// TestUnknownUserCostsAHash: a login naming nobody spends the same hashing
// time as a wrong password, so timing does not tell registered users
// apart.
func TestUnknownUserCostsAHash(t *testing.T) {
	t.Parallel()
	b := setup(t, "sqlite:"+t.TempDir()+"/t.db", func(o *identity.Options) {
		o.Argon2 = identity.Argon2Params{Time: 2, Memory: 8 * 1024, Threads: 1}
		o.Throttle.AccountFailures = 100
	})
	b.signup(t, "+85291234567")
	fastest := func(phone string) time.Duration {
		best := time.Hour
		for range 5 {
			start := time.Now()
			requireCode(t, identity.EInvalidCredentials, b.loginFrom(phone, "wrong password!", ""))
			best = min(best, time.Since(start))
		}
		return best
	}
	known, unknown := fastest("+85291234567"), fastest("+85294999999")
	// Without the dummy hash an unknown user answers in well under a tenth
	// of the time; the margin absorbs a busy machine.
	require.Greater(t, unknown, known/4, "unknown %v, known %v", unknown, known)
}
