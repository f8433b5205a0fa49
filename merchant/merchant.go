package merchant

import (
	"time"

	"github.com/cashless-dev/cashless/money"
)

// Stable error codes of the merchant service.
const (
	// EMerchantNotFound: no such merchant, or the caller is not its staff.
	EMerchantNotFound = "merchant_not_found"
	// EMerchantRequired: the user belongs to several merchants and sent no
	// Cashless-Merchant header to pick one.
	EMerchantRequired = "merchant_required"
	// ENotMerchantStaff: the user belongs to no merchant.
	ENotMerchantStaff = "not_merchant_staff"
	// EPermissionDenied: the caller's role or key scopes do not allow the
	// call (the API answers 403).
	EPermissionDenied = "permission_denied"
	// ERefundLimitExceeded: a cashier refunding more than the merchant's
	// cashier refund limit (403).
	ERefundLimitExceeded = "refund_limit_exceeded"
	// EInvalidRole: a role that is not admin, cashier or viewer (owner is
	// never granted, only held by the creator).
	EInvalidRole = "invalid_role"
	// EStaffExists: the user is already staff of the merchant.
	EStaffExists = "staff_exists"
	// EStaffNotFound: no such staff member.
	EStaffNotFound = "staff_not_found"
	// EInvalidMCC: a merchant category code that is not four digits.
	EInvalidMCC = "invalid_mcc"
	// EInvalidTimeZone: not an IANA time zone name.
	EInvalidTimeZone = "invalid_time_zone"
	// EInvalidBankAccount: a settlement account number that is not 6–20
	// digits (dashes and spaces allowed).
	EInvalidBankAccount = "invalid_bank_account"
	// EInvalidAmount: zero, negative, or too many minor units.
	EInvalidAmount = "invalid_amount"
	// ECurrencyNotSupported: a currency no wallet can hold.
	ECurrencyNotSupported = "currency_not_supported"
	// EInvalidExpiry: expires_in outside 60 s – 30 days.
	EInvalidExpiry = "invalid_expiry"
	// EPaymentRequestNotFound, EPaymentNotFound, ERefundNotFound,
	// EPayoutNotFound, EEventNotFound: no such object of this merchant in
	// this mode.
	EPaymentRequestNotFound = "payment_request_not_found"
	EPaymentNotFound        = "payment_not_found"
	ERefundNotFound         = "refund_not_found"
	EPayoutNotFound         = "payout_not_found"
	EEventNotFound          = "event_not_found"
	// EPaymentRequestNotPayable: paying a request that is paid, being paid
	// by another call, expired or canceled (409).
	EPaymentRequestNotPayable = "payment_request_not_payable"
	// EPaymentRequestNotPending: canceling a request that is no longer
	// pending (409).
	EPaymentRequestNotPending = "payment_request_not_pending"
	// EPaymentNotRefundable: refunding a payment that has not succeeded
	// (409).
	EPaymentNotRefundable = "payment_not_refundable"
	// ERefundExceedsPayment: a refund larger than what was paid minus what
	// was refunded already (409).
	ERefundExceedsPayment = "refund_exceeds_payment"
	// EInsufficientBalance: the merchant's account no longer holds the
	// money for a refund or payout.
	EInsufficientBalance = "insufficient_balance"
	// ENoSettlementAccount: a payout for a merchant without a settlement
	// bank account.
	ENoSettlementAccount = "no_settlement_account"
	// EIdempotencyKeyReused: an idempotency key used before for a
	// different call.
	EIdempotencyKeyReused = "idempotency_key_reused"
	// EModeMismatch: a test-mode caller naming a live object or the
	// reverse; answered as not found to the caller.
	EModeMismatch = "mode_mismatch"
)

// Mode separates live money from test money.
type Mode string

// The modes.
const (
	Live Mode = "live"
	Test Mode = "test"
)

// Merchant is a business that collects payments.
type Merchant struct {
	ID       string // mch_...
	Name     string // shown to payers and in QR codes (at most 25 characters there)
	MCC      string // ISO 18245 merchant category code, four digits
	City     string
	Country  string // ISO 3166-1 alpha-2, "HK" by default
	TimeZone string // IANA name, "Asia/Hong_Kong" by default
	// FeeBasisPoints is the fee plan: hundredths of a percent of each
	// payment (120 = 1.2%, the default). See Fee for the rounding.
	FeeBasisPoints int64
	// CashierRefundLimit is the largest refund a cashier may make, in
	// minor units of the payment's currency.
	CashierRefundLimit int64
	// SettlementCutoff is the local time of day ("HH:MM" in TimeZone) at
	// which the daily settlement sweeps the available balance.
	SettlementCutoff string
	// BankAccountLast4 is the last four digits of the settlement account;
	// the full number is sealed by the vault and never leaves the service
	// except towards the bank.
	BankAccountLast4 string
	Created          time.Time
}

// Role is what a staff member may do (role.go).
type Role string

// The roles.
const (
	Owner   Role = "owner"
	Admin   Role = "admin"
	Cashier Role = "cashier"
	Viewer  Role = "viewer"
)

// Staff is a user's membership of a merchant.
type Staff struct {
	MerchantID string
	UserID     string
	Role       Role
	Created    time.Time
}

// Actor is who makes a merchant call: a staff member signed in with an
// access token, or a merchant server with an API key. The API builds it
// (Merchants.Actor for staff); the service checks it on every call.
type Actor struct {
	MerchantID string
	Mode       Mode
	// UserID and Role are set for staff.
	UserID string
	Role   Role
	// KeyID and Scopes are set for API keys; empty Scopes mean every
	// permission a key may hold.
	KeyID  string
	Scopes []Permission
}

// PaymentRequest statuses.
const (
	StatusPending    = "pending"
	StatusProcessing = "processing"
	StatusSucceeded  = "succeeded"
	StatusFailed     = "failed"
	StatusExpired    = "expired"
	StatusCanceled   = "canceled"
	StatusPaid       = "paid" // payouts
)

// PaymentRequest asks for one payment of a fixed amount.
type PaymentRequest struct {
	ID                string // pr_...
	MerchantID        string
	Mode              Mode
	Amount            money.Amount
	Description       string
	MerchantReference string
	NotificationURL   string
	Status            string // pending, succeeded, expired, canceled
	// QRPayload is the EMV merchant-presented QR payload (qr.go).
	QRPayload string
	// PaymentID is the succeeded payment, once paid.
	PaymentID string
	ExpiresAt time.Time
	Created   time.Time
}

// Checkout is what a payer sees of a payment request before paying.
type Checkout struct {
	PaymentRequestID string
	MerchantName     string
	MerchantCity     string
	Amount           money.Amount
	Description      string
	Status           string
	Mode             Mode
	QRPayload        string
	ExpiresAt        time.Time
}

// Payment is money collected from a consumer's wallet.
type Payment struct {
	ID               string // pay_...
	MerchantID       string
	Mode             Mode
	PaymentRequestID string
	Amount           money.Amount
	Fee              int64  // minor units of Amount's currency
	Net              int64  // Amount - Fee
	Status           string // processing, succeeded, failed
	FailureCode      string
	RefundedAmount   int64
	// Customer is a pseudonymous id of the payer, stable per merchant
	// (cus_...), so merchants can tell returning customers without
	// learning who they are.
	Customer string
	// PayerID is the paying user; never shown to the merchant.
	PayerID string
	Created time.Time
}

// Refund gives money of a payment back to its payer.
type Refund struct {
	ID          string // re_...
	MerchantID  string
	Mode        Mode
	PaymentID   string
	Amount      money.Amount
	Reason      string
	Status      string // processing, succeeded, failed
	FailureCode string
	Created     time.Time
}

// Balance is a merchant's money in one currency and mode: Available may
// be refunded or paid out; Pending is on its way to the bank in payouts.
type Balance struct {
	Currency  string
	Available int64
	Pending   int64
}

// Payout moves a merchant's balance to its settlement bank account.
type Payout struct {
	ID               string // po_...
	MerchantID       string
	Mode             Mode
	Amount           money.Amount
	Status           string // pending, paid, failed
	FailureCode      string
	Automatic        bool // made by the daily settlement
	BankAccountLast4 string
	Created          time.Time
	Completed        time.Time // zero while pending
}

// Event is a domain event of a merchant, kept for webhooks and
// GET /v1/events.
type Event struct {
	ID         string // evt_...
	MerchantID string
	Mode       Mode
	Type       string // payment.succeeded, ...
	// Data is the JSON of the object the event is about, as the public
	// API shows it.
	Data    []byte
	Created time.Time
}

// Event types.
const (
	EventPaymentSucceeded       = "payment.succeeded"
	EventPaymentFailed          = "payment.failed"
	EventPaymentRequestExpired  = "payment_request.expired"
	EventPaymentRequestCanceled = "payment_request.canceled"
	EventRefundSucceeded        = "refund.succeeded"
	EventRefundFailed           = "refund.failed"
	EventPayoutPaid             = "payout.paid"
	EventPayoutFailed           = "payout.failed"
)
