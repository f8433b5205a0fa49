package api

import "time"

// SignupParams is the body of POST /v1/auth/signup.
type SignupParams struct {
	Phone    string `json:"phone"` // international, or national in the server's region
	Email    string `json:"email,omitempty"`
	Name     string `json:"name"`
	Username string `json:"username,omitempty"`
	Password string `json:"password"` // at least 10 characters
}

// LoginParams is the body of POST /v1/auth/login: phone or email.
type LoginParams struct {
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	Password string `json:"password"`
	TOTPCode string `json:"totp_code,omitempty"`
}

// RefreshParams is the body of POST /v1/auth/refresh.
type RefreshParams struct {
	RefreshToken string `json:"refresh_token"`
}

// Auth answers signup, login and refresh: a session's token pair.
type Auth struct {
	Object string `json:"object"` // "auth"
	// ID is the session's id.
	ID string `json:"id"`
	// User is the logged-in user; absent on refresh.
	User               *User     `json:"user,omitempty"`
	TokenType          string    `json:"token_type"` // "Bearer"
	AccessToken        string    `json:"access_token"`
	RefreshToken       string    `json:"refresh_token"`
	AccessTokenExpires time.Time `json:"access_token_expires"`
	Created            time.Time `json:"created"`
}

// User is a registered person, as they see themselves.
type User struct {
	Object      string    `json:"object"` // "user"
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Username    string    `json:"username,omitempty"`
	Phone       string    `json:"phone"`
	Email       string    `json:"email,omitempty"`
	KYCTier     int       `json:"kyc_tier"`
	TOTPEnabled bool      `json:"totp_enabled"`
	Created     time.Time `json:"created"`
	// PhoneVerified and EmailVerified say whether the phone and the email
	// were confirmed with a one-time code; until then nobody finds the
	// user by them.
	PhoneVerified bool `json:"phone_verified"`
	EmailVerified bool `json:"email_verified"`
}

// Me is the answer of GET /v1/me: the user and their limits.
type Me struct {
	User
	Limits Limits `json:"limits"`
	// TopupLimits are the caps on top-ups, when the tier has any.
	TopupLimits *Limits `json:"topup_limits,omitempty"`
}

// Limits are the caps of the user's KYC tier in one currency.
type Limits struct {
	Currency string       `json:"currency"`
	Day      *LimitPeriod `json:"day,omitempty"`
	Month    *LimitPeriod `json:"month,omitempty"`
	Year     *LimitPeriod `json:"year,omitempty"`
}

// LimitPeriod is one period's cap and use, in minor units.
type LimitPeriod struct {
	Cap       int64     `json:"cap"`
	Used      int64     `json:"used"`
	Remaining int64     `json:"remaining"`
	Resets    time.Time `json:"resets"`
}

// KYCParams is the body of POST /v1/me/kyc.
type KYCParams struct {
	Tier     int    `json:"tier"`
	IDNumber string `json:"id_number"`
	Address  string `json:"address,omitempty"`
}

// KYCVerification is the outcome of a KYC request.
type KYCVerification struct {
	Object  string    `json:"object"` // "kyc_verification"
	ID      string    `json:"id"`
	Tier    int       `json:"tier"`
	Status  string    `json:"status"` // approved or rejected
	Reason  string    `json:"reason,omitempty"`
	Created time.Time `json:"created"`
}

// TOTPEnrolment answers POST /v1/me/totp (status "pending", with the
// secret) and POST /v1/me/totp/confirm (status "enabled", no secret).
type TOTPEnrolment struct {
	Object     string `json:"object"` // "totp_enrolment"
	Secret     string `json:"secret,omitempty"`
	OTPAuthURL string `json:"otpauth_url,omitempty"`
	Status     string `json:"status"`
}

// TOTPConfirmParams is the body of POST /v1/me/totp/confirm.
type TOTPConfirmParams struct {
	Code string `json:"code"`
}

// Session is one login of the user.
type Session struct {
	Object    string    `json:"object"` // "session"
	ID        string    `json:"id"`
	Current   bool      `json:"current"`
	IP        string    `json:"ip,omitempty"`
	UserAgent string    `json:"user_agent,omitempty"`
	LastUsed  time.Time `json:"last_used"`
	Expires   time.Time `json:"expires"`
	Created   time.Time `json:"created"`
}

// Verification answers the calls that send and confirm one-time codes:
// where the confirmation of the phone or the email stands.
type Verification struct {
	Object  string `json:"object"`  // "verification"
	Channel string `json:"channel"` // "phone" or "email"
	Status  string `json:"status"`  // "pending" or "verified"
	// Expires is when the code just sent stops working; absent once verified.
	Expires *time.Time `json:"expires,omitempty"`
}

// VerifyParams is the body of POST /v1/me/phone/verify and
// /v1/me/email/verify.
type VerifyParams struct {
	Code string `json:"code"` // the six digits received
}
