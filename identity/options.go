package identity

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// Options configure an Identity. Zero fields take the defaults below;
// TokenKey and Sender have none and are required.
type Options struct {
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// AccessTTL is the lifetime of an access token (15 minutes).
	AccessTTL time.Duration
	// RefreshTTL is how long a session lives without a refresh (30 days);
	// each refresh extends it by as much.
	RefreshTTL time.Duration
	// TokenKey is the HMAC-SHA256 key that signs access tokens: at least 32
	// random bytes, the same on every instance. It is a secret.
	TokenKey []byte
	// Argon2 sets the cost of password hashing (DefaultArgon2).
	Argon2 Argon2Params
	// Throttle sets the failed-login limits (DefaultThrottle).
	Throttle ThrottleOptions
	// TOTPIssuer names the service in authenticator apps ("Cashless").
	TOTPIssuer string
	// PhoneRegion is the ISO 3166-1 region (DefaultPhoneRegion, "HK")
	// whose national numbers may be given without a country code.
	PhoneRegion string
	// Sender delivers the one-time codes that confirm phones and emails.
	Sender Sender
	// Verification sets the codes' lifetime, tries and send limits
	// (DefaultVerification).
	Verification VerificationOptions
	// KeyScopes are the scopes an API key may be given (the merchant
	// service passes its key permissions). Identity does not know what
	// they mean; it only refuses, with EInvalidScope, any scope not in
	// this list. Empty: only unscoped keys can be made.
	KeyScopes []string
	// Logger receives failures that do not fail the call, such as a code
	// that could not be sent at signup; slog.Default() when nil.
	Logger *slog.Logger
}

// Argon2Params are the argon2id cost parameters of new password hashes.
// Hashes keep the parameters they were made with, so changing them affects
// only passwords set afterwards.
type Argon2Params struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultArgon2 is the production cost: argon2id with one pass over 64 MiB
// on two threads, a 16-byte salt and a 32-byte hash.
var DefaultArgon2 = Argon2Params{Time: 1, Memory: 64 * 1024, Threads: 2, SaltLen: 16, KeyLen: 32}

// CheapArgon2 is a cost fit only for tests and benchmarks, where hashing at
// production cost would dominate the run time. Never use it in production.
var CheapArgon2 = Argon2Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

// ThrottleOptions limit failed logins. Failures are counted per account and
// per client address; reaching a limit within Window locks the account (or
// address) for BaseLockout, doubling with each further lock-out up to
// MaxLockout. A successful login resets the account's count; a quiet Window
// after a lock-out ends forgives it.
type ThrottleOptions struct {
	AccountFailures int           // 5
	IPFailures      int           // 20
	Window          time.Duration // 15 minutes
	BaseLockout     time.Duration // 1 minute
	MaxLockout      time.Duration // 1 hour
}

// DefaultThrottle holds the default failed-login limits.
var DefaultThrottle = ThrottleOptions{
	AccountFailures: 5,
	IPFailures:      20,
	Window:          15 * time.Minute,
	BaseLockout:     time.Minute,
	MaxLockout:      time.Hour,
}

// Default lifetimes.
const (
	DefaultAccessTTL  = 15 * time.Minute
	DefaultRefreshTTL = 30 * 24 * time.Hour
)

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() (Options, error) {
	if len(o.TokenKey) < 32 {
		return o, errors.New("identity options: TokenKey must hold at least 32 bytes")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.AccessTTL <= 0 {
		o.AccessTTL = DefaultAccessTTL
	}
	if o.RefreshTTL <= 0 {
		o.RefreshTTL = DefaultRefreshTTL
	}
	if o.Argon2 == (Argon2Params{}) {
		o.Argon2 = DefaultArgon2
	}
	a := &o.Argon2
	if a.Time == 0 || a.Memory == 0 || a.Threads == 0 {
		return o, errors.New("identity options: Argon2 needs Time, Memory and Threads")
	}
	if a.SaltLen == 0 {
		a.SaltLen = DefaultArgon2.SaltLen
	}
	if a.KeyLen == 0 {
		a.KeyLen = DefaultArgon2.KeyLen
	}
	t := &o.Throttle
	d := DefaultThrottle
	if t.AccountFailures <= 0 {
		t.AccountFailures = d.AccountFailures
	}
	if t.IPFailures <= 0 {
		t.IPFailures = d.IPFailures
	}
	if t.Window <= 0 {
		t.Window = d.Window
	}
	if t.BaseLockout <= 0 {
		t.BaseLockout = d.BaseLockout
	}
	if t.MaxLockout <= 0 {
		t.MaxLockout = d.MaxLockout
	}
	if o.TOTPIssuer == "" {
		o.TOTPIssuer = "Cashless"
	}
	if o.Sender == nil {
		return o, errors.New("identity options: Sender is required")
	}
	if o.PhoneRegion == "" {
		o.PhoneRegion = DefaultPhoneRegion
	}
	o.PhoneRegion = strings.ToUpper(o.PhoneRegion)
	if !knownRegion(o.PhoneRegion) {
		return o, fmt.Errorf("identity options: PhoneRegion %q is not a region with a numbering plan", o.PhoneRegion)
	}
	o.KeyScopes = slices.Clone(o.KeyScopes)
	o.Verification = o.Verification.withDefaults()
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o, nil
}
