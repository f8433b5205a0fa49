package identity

import (
	"context"
	"time"
)

// Store persists the identity service's data. It is declared here, by its
// consumer, and implemented in identity/sqlstore. Personal data reaches the
// store only sealed or as blind indexes. Errors with a meaning to callers
// are *cashless.Error with the codes of this package; anything else is
// internal.
type Store interface {
	// CreateUser stores a new user and its first session in one
	// transaction. A phone or email blocks no one until it is confirmed:
	// it fails with EPhoneTaken or EEmailTaken when another user confirmed
	// the value, or when UnconfirmedHolders users already hold it
	// unconfirmed, and with EUsernameTaken when the username is used.
	CreateUser(ctx context.Context, u *UserRecord, s *SessionRecord) error
	// User returns a user by id: EUserNotFound.
	User(ctx context.Context, id string) (*UserRecord, error)
	// Users returns the users of the ids that exist, by id.
	Users(ctx context.Context, ids []string) (map[string]*UserRecord, error)
	// FindUser returns the user with the one key k sets: by a phone or
	// email, the one user who confirmed it. EUserNotFound when there is
	// none, even if users hold the value unconfirmed (see Claimants).
	FindUser(ctx context.Context, k UserKey) (*UserRecord, error)
	// Claimants returns the users who hold the phone or email k sets
	// without having confirmed it, and whose claim was not released, oldest
	// first and at most UnconfirmedHolders of them; none for a username.
	Claimants(ctx context.Context, k UserKey) ([]*UserRecord, error)

	// Throttles returns the throttle state of the keys that have one.
	Throttles(ctx context.Context, keys []string) (map[string]Throttle, error)
	// UpdateThrottles reads, changes with fn and writes back the throttle
	// state of each key (zero when it has none) in one transaction, so
	// concurrent failures on several instances all count. fn may run more
	// than once and must only change t.
	UpdateThrottles(ctx context.Context, keys []string, fn func(key string, t *Throttle)) error
	// ResetThrottle forgets the throttle state of key.
	ResetThrottle(ctx context.Context, key string) error

	// CreateSession stores a new session and its first refresh token.
	CreateSession(ctx context.Context, s *SessionRecord) error
	// RotateRefresh spends the refresh token whose hash is r.OldHash and
	// stores r.NewHash as the session's next one, returning the session's
	// user id. It fails with EInvalidToken when the token is unknown, its
	// session revoked or expired, or the token already spent; a spent
	// token revokes its session in the same transaction. Of concurrent
	// calls with one token, at most one succeeds.
	RotateRefresh(ctx context.Context, r Rotation) (userID string, err error)
	// SessionLive reports whether the user's session is neither revoked nor
	// expired at now.
	SessionLive(ctx context.Context, userID, sessionID string, now time.Time) (bool, error)
	// Sessions lists the user's live sessions at now, newest first.
	Sessions(ctx context.Context, userID string, now time.Time) ([]*SessionRecord, error)
	// RevokeSession revokes one live session of the user at now:
	// ESessionNotFound when the user has no such live session.
	RevokeSession(ctx context.Context, userID, sessionID string, now time.Time) error

	// SetTOTPSecret stores a pending TOTP secret (sealed), replacing any
	// earlier pending one: ETOTPAlreadyEnabled once TOTP is enabled.
	SetTOTPSecret(ctx context.Context, userID string, sealed []byte) error
	// UseTOTPStep records that the user spent the code of time step step
	// with the secret sealed (as stored), and with enable also turns TOTP
	// on. It fails with EInvalidTOTP when step is not after the last step
	// spent, the secret has changed, or TOTP is not in the expected state
	// (pending when enabling, enabled otherwise).
	UseTOTPStep(ctx context.Context, userID string, sealed []byte, step int64, enable bool) error

	// RecordKYC stores a verification and, when it is approved, raises the
	// user's tier to its tier (never lowering it) in the same transaction.
	RecordKYC(ctx context.Context, k *KYCRecord) error
	// ApproveKYC stores an approved verification k (Status KYCApproved)
	// like RecordKYC, and in the same transaction binds the identity
	// document it used, known by its keyed hash document, to k.UserID. One
	// document verifies one user, and a user has one document: when the
	// document is bound to another user it fails with EDocumentAlreadyUsed,
	// and when the user is bound to another document with
	// EDocumentMismatch. Then the tier stays, k is stored as rejected with
	// the code as its reason, and a review of the conflict is recorded
	// (identity_kyc_reviews). The same user with the same document again is
	// approved.
	ApproveKYC(ctx context.Context, k *KYCRecord, document []byte) error

	// UpdateVerification reads the verification state of one channel of
	// the user (zero when it has none), changes it with fn and, when fn
	// returns true, writes it back, all in one transaction that excludes
	// other updates of the same state: concurrent sends and tries on
	// several instances each count. fn may run more than once and must
	// only change v.
	//
	// When fn confirms a value (sets Verified where it was zero), the same
	// transaction makes the user the value's one holder: every other
	// user's unconfirmed claim on it is released, so that it can never be
	// confirmed. It fails with EPhoneTaken or EEmailTaken, and writes
	// nothing, when another user confirmed the value first, or when the
	// user's own claim on it was released or is no longer the user's
	// phone or email. Of concurrent confirmations of one value, on any
	// number of instances, exactly one succeeds.
	UpdateVerification(ctx context.Context, userID, channel string, fn func(v *VerificationRecord) bool) error

	KeyStore
}

// UserRecord is a user as stored: personal data sealed by the vault and
// found through blind indexes.
type UserRecord struct {
	ID          string
	PhoneIndex  []byte
	EmailIndex  []byte // nil without an email
	PhoneSealed []byte
	EmailSealed []byte // nil without an email
	NameSealed  []byte
	Username    string // "" without one
	// PasswordHash is the PHC-encoded argon2id hash.
	PasswordHash string
	KYCTier      int
	// TOTPSecret is the sealed TOTP secret, pending until TOTPEnabled.
	TOTPSecret  []byte
	TOTPEnabled bool
	// TOTPLastStep is the last TOTP time step spent, to refuse replays.
	TOTPLastStep int64
	Created      time.Time
	// PhoneVerified and EmailVerified are read, not written: true when the
	// user is the confirmed holder of the current phone or email index.
	PhoneVerified bool
	EmailVerified bool
	// PhoneReleased and EmailReleased are read, not written: true when
	// another user confirmed the phone or email this user held
	// unconfirmed, which dropped this user's claim on it for good.
	PhoneReleased bool
	EmailReleased bool
}

// UserKey names a user by exactly one unique key.
type UserKey struct {
	PhoneIndex []byte
	EmailIndex []byte
	Username   string
}

// SessionRecord is a session as stored.
type SessionRecord struct {
	ID       string
	UserID   string
	Created  time.Time
	LastUsed time.Time
	Expires  time.Time
	// RefreshHash is the SHA-256 of the session's first refresh token; set
	// when creating, not read back.
	RefreshHash []byte
	IPSealed    []byte // nil when the address is unknown
	UserAgent   string
}

// Rotation is one refresh-token exchange.
type Rotation struct {
	SessionID string
	OldHash   []byte
	NewHash   []byte
	Now       time.Time
	// Expires is the session's new expiry.
	Expires time.Time
}

// Throttle is the failed-login state of one account or client address.
type Throttle struct {
	// Failures counts the failures since WindowStart.
	Failures    int
	WindowStart time.Time
	// Level counts the lock-outs not yet forgiven; each doubles the next.
	Level       int
	LockedUntil time.Time
}

// KYCRecord is a KYC verification as stored.
type KYCRecord struct {
	ID             string
	UserID         string
	Tier           int
	Status         string
	Reason         string
	IDNumberSealed []byte
	AddressSealed  []byte // nil without an address
	Created        time.Time
}

// VerificationRecord is the state of one channel (phone or email) of a
// user: the pending one-time code, the codes sent lately, and whether the
// value was confirmed.
type VerificationRecord struct {
	// ValueIndex is the blind index of the phone or email the pending code
	// went to, or that was confirmed.
	ValueIndex []byte
	// CodeHash is the keyed hash of the pending code; nil when none is.
	CodeHash []byte
	// Tries counts the tries spent on the pending code.
	Tries   int
	Expires time.Time
	// Sends counts the codes sent since WindowStart; LastSent is the last.
	Sends       int
	WindowStart time.Time
	LastSent    time.Time
	// Verified is when ValueIndex was confirmed; zero until then.
	Verified time.Time
}
