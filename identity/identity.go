package identity

import (
	"context"
	"time"
)

// Stable error codes of the identity service (the API maps each to an
// HTTP status in one place).
const (
	// EPhoneTaken: another user confirmed this phone number, or
	// UnconfirmedHolders users hold it unconfirmed; also a signup repeated
	// with the password of an account holding it unconfirmed, and a
	// confirmation that another account won.
	EPhoneTaken = "phone_taken"
	// EEmailTaken: as EPhoneTaken, for an email address.
	EEmailTaken = "email_taken"
	// EUsernameTaken: another user has this username.
	EUsernameTaken = "username_taken"
	// EInvalidPhone: not a valid mobile number, in international form or
	// in the national form of the configured region.
	EInvalidPhone = "invalid_phone"
	// EInvalidEmail: not an email address.
	EInvalidEmail = "invalid_email"
	// EInvalidUsername: not 3–30 of [a-z0-9_.], starting with a letter.
	EInvalidUsername = "invalid_username"
	// EInvalidName: empty, longer than 100 characters, or not UTF-8.
	EInvalidName = "invalid_name"
	// EWeakPassword: shorter than 10 characters (or longer than 1024 bytes).
	EWeakPassword = "weak_password"
	// EInvalidCredentials: unknown user or wrong password; the two are never
	// told apart.
	EInvalidCredentials = "invalid_credentials"
	// ELoginLocked: too many failed logins for this account or address;
	// the error's RetryAfter says when to try again.
	ELoginLocked = "login_locked"
	// ETOTPRequired: the user has TOTP and the call needs a code.
	ETOTPRequired = "totp_required"
	// EInvalidTOTP: the TOTP code is wrong, expired or already used.
	EInvalidTOTP = "invalid_totp"
	// ETOTPAlreadyEnabled: TOTP is already confirmed for this user.
	ETOTPAlreadyEnabled = "totp_already_enabled"
	// ETOTPNotEnrolled: confirming a TOTP enrolment that was never started.
	ETOTPNotEnrolled = "totp_not_enrolled"
	// EInvalidToken: an access or refresh token that is malformed, tampered
	// with, expired, revoked or reused.
	EInvalidToken = "invalid_token"
	// EUserNotFound: no user with that id, phone, email or username.
	EUserNotFound = "user_not_found"
	// ESessionNotFound: no such session of this user.
	ESessionNotFound = "session_not_found"
	// EInvalidTier: a KYC tier other than 1 or 2, or not above the current one.
	EInvalidTier = "invalid_kyc_tier"
	// EKYCRejected: the (simulated) verification refused the documents.
	EKYCRejected = "kyc_rejected"
)

// User is a registered person. Phone, Email and Name are personal data and
// are stored sealed.
type User struct {
	ID       string // usr_...
	Phone    string // E.164
	Email    string // optional, lower-cased
	Name     string
	Username string // optional public handle, lower-cased
	KYCTier  int    // 0, 1 or 2
	// TOTPEnabled is true once an enrolment has been confirmed.
	TOTPEnabled bool
	// PhoneVerified and EmailVerified are true once the user has confirmed
	// the phone or email with a one-time code sent to it. Until then,
	// FindUser does not find the user by it.
	PhoneVerified bool
	EmailVerified bool
	Created       time.Time
}

// Proxy names a user the way a payer knows them: exactly one field is set.
type Proxy struct {
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	Username string `json:"username,omitempty"`
}

// Tokens is what signup, login and refresh hand out. The access token is
// short-lived (15 minutes by default); the refresh token lasts 30 days,
// works once, and using it again revokes its whole family.
type Tokens struct {
	AccessToken   string
	RefreshToken  string
	AccessExpires time.Time
	SessionID     string
}

// Session is one login: a family of refresh tokens.
type Session struct {
	ID        string // ses_...
	UserID    string
	Created   time.Time
	LastUsed  time.Time
	Expires   time.Time
	IP        string
	UserAgent string
	// Current is set by Sessions for the session of the calling token.
	Current bool
}

// Principal is who an access token speaks for.
type Principal struct {
	UserID    string
	SessionID string
}

// Client describes where a call comes from, for throttling and sessions.
type Client struct {
	IP        string
	UserAgent string
}

// SignupInput is a new user's details.
type SignupInput struct {
	Phone    string
	Email    string
	Name     string
	Username string
	Password string
	Client   Client
}

// LoginInput identifies a user by phone or email (exactly one).
type LoginInput struct {
	Phone    string
	Email    string
	Password string
	TOTPCode string
	Client   Client
}

// TOTPEnrolment is a started enrolment: the secret to put in an
// authenticator app, as text and as an otpauth:// URL.
type TOTPEnrolment struct {
	Secret string
	URL    string
}

// KYCInput is a request to raise a user's tier through the (simulated)
// verification. Tier 1 needs an HKID number with a valid check digit; tier
// 2 also needs a residential address.
type KYCInput struct {
	Tier     int
	IDNumber string
	Address  string
}

// KYCVerification is the outcome of a KYC request.
type KYCVerification struct {
	ID      string // kyc_...
	UserID  string
	Tier    int
	Status  string // "approved" or "rejected"
	Reason  string
	Created time.Time
}

// Service is the identity service. Errors carry the codes above (or
// cashless.EInvalid / ENotFound); anything else is internal.
type Service interface {
	// Signup registers a user and logs them in.
	Signup(ctx context.Context, in SignupInput) (*User, *Tokens, error)
	// Login checks a password (and a TOTP code when enrolled). Failures are
	// throttled per account and per IP: ELoginLocked.
	Login(ctx context.Context, in LoginInput) (*User, *Tokens, error)
	// Refresh exchanges a refresh token for a new pair; reusing a spent
	// refresh token revokes its session.
	Refresh(ctx context.Context, refreshToken string) (*Tokens, error)
	// Authenticate checks an access token: EInvalidToken when it is
	// malformed, tampered with, expired or its session revoked.
	Authenticate(ctx context.Context, accessToken string) (Principal, error)
	// Logout revokes the session of an access token.
	Logout(ctx context.Context, p Principal) error

	// User returns a user by id: EUserNotFound.
	User(ctx context.Context, id string) (*User, error)
	// Users returns the users of the ids that exist, by id.
	Users(ctx context.Context, ids []string) (map[string]*User, error)
	// FindUser finds a user by phone, email or username: EUserNotFound.
	// A phone or email finds its user only once confirmed; until then the
	// answer is the same EUserNotFound as for a number nobody has.
	FindUser(ctx context.Context, p Proxy) (*User, error)

	// SendVerification sends a new one-time code to the user's phone or
	// email (channel ChannelPhone or ChannelEmail), replacing any pending
	// code: EAlreadyVerified once it is confirmed, ENoEmail for the email
	// of a user without one, EVerificationThrottled (with RetryAfter) when
	// a code went out too recently or too often, EPhoneTaken or
	// EEmailTaken once another account confirmed the value.
	SendVerification(ctx context.Context, userID, channel string) (*Verification, error)
	// ConfirmVerification confirms the user's phone or email with the code
	// sent to it, making the user its one holder: EInvalidCode for a wrong
	// code, EVerificationNotPending when no code is pending (none was
	// sent, it expired, or its tries are used up), EAlreadyVerified,
	// ENoEmail, and EPhoneTaken or EEmailTaken when another account
	// confirmed the value first.
	ConfirmVerification(ctx context.Context, userID, channel, code string) (*Verification, error)

	// EnrolTOTP starts (or restarts) a TOTP enrolment:
	// ETOTPAlreadyEnabled when one is confirmed.
	EnrolTOTP(ctx context.Context, userID string) (*TOTPEnrolment, error)
	// ConfirmTOTP confirms an enrolment with a first valid code.
	ConfirmTOTP(ctx context.Context, userID, code string) error
	// VerifyTOTP checks a code of an enrolled user for a step-up: nil when
	// the user has no TOTP, ETOTPRequired for an empty code, EInvalidTOTP
	// for a wrong or replayed one.
	VerifyTOTP(ctx context.Context, userID, code string) error

	// Sessions lists a user's live sessions, newest first; the one of p is
	// marked Current.
	Sessions(ctx context.Context, p Principal) ([]*Session, error)
	// RevokeSession ends one of the user's sessions: ESessionNotFound for
	// another user's session.
	RevokeSession(ctx context.Context, userID, sessionID string) error

	// VerifyKYC runs the simulated verification and raises the tier when
	// it approves.
	VerifyKYC(ctx context.Context, userID string, in KYCInput) (*KYCVerification, error)
}
