package client

// The objects of the API, as the client decodes them. Amounts are integers
// in the currency's minor unit.

// User is the signed-in user (GET /v1/me) or a new one (signup).
type User struct {
	Object      string  `json:"object"`
	ID          string  `json:"id"`
	Created     string  `json:"created"`
	Phone       string  `json:"phone"`
	Email       string  `json:"email,omitempty"`
	Name        string  `json:"name"`
	Username    string  `json:"username,omitempty"`
	KYCTier     int     `json:"kyc_tier"`
	TOTPEnabled bool    `json:"totp_enabled"`
	Limits      *Limits `json:"limits,omitempty"`
	// TopupLimits are the caps on top-ups, counted apart from sends
	// (Me only, when the tier has any).
	TopupLimits *Limits `json:"topup_limits,omitempty"`
	// PhoneVerified and EmailVerified are true once confirmed with a
	// one-time code: until then nobody finds the user by them.
	PhoneVerified bool `json:"phone_verified"`
	EmailVerified bool `json:"email_verified"`
}

// Limits are the caps of the user's KYC tier in one currency, and their use.
type Limits struct {
	Currency string      `json:"currency"`
	Day      *LimitUsage `json:"day,omitempty"`
	Month    *LimitUsage `json:"month,omitempty"`
	Year     *LimitUsage `json:"year,omitempty"`
}

// LimitUsage is one period's cap and use.
type LimitUsage struct {
	Cap       int64  `json:"cap"`
	Used      int64  `json:"used"`
	Remaining int64  `json:"remaining"`
	Resets    string `json:"resets"`
}

// Auth is the answer of signup and login.
type Auth struct {
	Object       string `json:"object"` // "auth"
	ID           string `json:"id"`     // the session
	User         User   `json:"user"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// TokenPair is the answer of refresh.
type TokenPair struct {
	ID           string `json:"id"` // the session
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// Session is one login of the user.
type Session struct {
	Object    string `json:"object"`
	ID        string `json:"id"`
	Created   string `json:"created"`
	LastUsed  string `json:"last_used"`
	Expires   string `json:"expires"`
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
	Current   bool   `json:"current"`
}

// TOTPEnrolment is a started TOTP enrolment.
type TOTPEnrolment struct {
	Object     string `json:"object"`
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
	Status     string `json:"status"`
}

// Verification is where the confirmation of the phone or the email
// stands.
type Verification struct {
	Object  string `json:"object"`  // "verification"
	Channel string `json:"channel"` // "phone" or "email"
	Status  string `json:"status"`  // "pending" or "verified"
	Expires string `json:"expires,omitempty"`
}

// KYCVerification is the outcome of a tier upgrade request.
type KYCVerification struct {
	Object  string `json:"object"`
	ID      string `json:"id"`
	Created string `json:"created"`
	Tier    int    `json:"tier"`
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
}

// Wallet is the balance in one currency.
type Wallet struct {
	Object    string `json:"object"`
	ID        string `json:"id"` // the ledger account
	Currency  string `json:"currency"`
	Balance   int64  `json:"balance"`
	Available int64  `json:"available"`
	Pending   int64  `json:"pending"`
}

// Funding is a top-up or a withdrawal.
type Funding struct {
	Object           string `json:"object"`
	ID               string `json:"id"`
	Created          string `json:"created"`
	Amount           int64  `json:"amount"`
	Currency         string `json:"currency"`
	Status           string `json:"status"`
	FailureCode      string `json:"failure_code,omitempty"`
	BankAccountLast4 string `json:"bank_account_last4,omitempty"`
	Completed        string `json:"completed,omitempty"`
}

// Party is a user as the other side of a transfer sees them.
type Party struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username,omitempty"`
}

// Transfer is a P2P payment.
type Transfer struct {
	Object      string `json:"object"`
	ID          string `json:"id"`
	Created     string `json:"created"`
	Direction   string `json:"direction"` // sent or received
	Amount      int64  `json:"amount"`
	Currency    string `json:"currency"`
	From        Party  `json:"from"`
	To          Party  `json:"to"`
	Message     string `json:"message,omitempty"`
	Visibility  string `json:"visibility"`
	Status      string `json:"status"`
	FailureCode string `json:"failure_code,omitempty"`
	Request     string `json:"request,omitempty"`
}

// Request is one payer's part of a money request or split bill.
type Request struct {
	Object    string `json:"object"`
	ID        string `json:"id"`
	Created   string `json:"created"`
	Direction string `json:"direction"` // incoming or outgoing
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	Requester Party  `json:"requester"`
	Payer     Party  `json:"payer"`
	Message   string `json:"message,omitempty"`
	Status    string `json:"status"`
	Split     string `json:"split,omitempty"`
	Transfer  string `json:"transfer,omitempty"`
	Expires   string `json:"expires"`
}

// Contact is someone in the user's network.
type Contact struct {
	Object  string `json:"object"`
	ID      string `json:"id"`
	Created string `json:"created"`
	Contact Party  `json:"contact"`
	Source  string `json:"source"`
}

// FeedItem is a transfer as the feed shows it: never an amount.
type FeedItem struct {
	Object     string `json:"object"`
	ID         string `json:"id"`
	Created    string `json:"created"`
	From       Party  `json:"from"`
	To         Party  `json:"to"`
	Message    string `json:"message,omitempty"`
	Visibility string `json:"visibility"`
}

// PayCode is the user's receive code.
type PayCode struct {
	Object  string `json:"object"`
	Payload string `json:"payload"`
	PNGURL  string `json:"png_url"`
}

// Entry is a line of the wallet statement.
type Entry struct {
	Object      string `json:"object"`
	ID          string `json:"id"`
	Created     string `json:"created"`
	Type        string `json:"type"`
	Amount      int64  `json:"amount"`
	Currency    string `json:"currency"`
	Balance     int64  `json:"balance"`
	Pending     bool   `json:"pending"`
	Description string `json:"description,omitempty"`
}

// To names a recipient or payer: exactly one field set.
type To struct {
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	Username string `json:"username,omitempty"`
	PayCode  string `json:"paycode,omitempty"`
}
