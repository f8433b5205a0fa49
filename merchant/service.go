package merchant

import (
	"context"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/money"
)

// Service is what the public API calls. Every method taking an Actor
// checks the actor's permission first, and finds objects only within the
// actor's merchant and mode: another merchant's object, or one of the
// other mode, is "not found".
type Service interface {
	// CreateMerchant creates a merchant owned by the user.
	CreateMerchant(ctx context.Context, userID string, in MerchantInput) (*Merchant, error)
	// Memberships lists the merchants the user is staff of, oldest first.
	Memberships(ctx context.Context, userID string) ([]*Staff, error)
	// Actor returns the staff member's actor for a call: merchantID picks
	// the merchant (the Cashless-Merchant header) and may be empty when
	// the user belongs to exactly one. ENotMerchantStaff when the user
	// belongs to none, EMerchantRequired when to several and none is
	// picked, EMerchantNotFound when the pick is not one of theirs.
	Actor(ctx context.Context, userID, merchantID string, mode Mode) (Actor, error)
	// Merchant returns the actor's merchant (PermRead).
	Merchant(ctx context.Context, a Actor) (*Merchant, error)
	// UpdateMerchant changes the profile, settlement account and cashier
	// limit (PermSettings). Nil fields stay as they are.
	UpdateMerchant(ctx context.Context, a Actor, in MerchantUpdate) (*Merchant, error)

	// AddStaff gives a registered user a role (PermStaff): EInvalidRole
	// for owner or an unknown role, EStaffExists.
	AddStaff(ctx context.Context, a Actor, userID string, role Role) (*Staff, error)
	// Staff lists the merchant's staff (PermRead).
	Staff(ctx context.Context, a Actor) ([]*Staff, error)
	// RemoveStaff removes a member other than the owner (PermStaff).
	RemoveStaff(ctx context.Context, a Actor, userID string) error

	// CreatePaymentRequest creates a pending payment request with its QR
	// payload (PermCollect).
	CreatePaymentRequest(ctx context.Context, a Actor, in PaymentRequestInput) (*PaymentRequest, error)
	// PaymentRequest returns one of the merchant's requests (PermRead).
	PaymentRequest(ctx context.Context, a Actor, id string) (*PaymentRequest, error)
	// PaymentRequests lists the merchant's requests, newest first.
	PaymentRequests(ctx context.Context, a Actor, p cashless.Page) ([]*PaymentRequest, bool, error)
	// CancelPaymentRequest cancels a pending request (PermCollect):
	// EPaymentRequestNotPending otherwise.
	CancelPaymentRequest(ctx context.Context, a Actor, id string) (*PaymentRequest, error)

	// Checkout returns what a payer sees of a request, for any signed-in
	// consumer and for the hosted page: EPaymentRequestNotFound.
	Checkout(ctx context.Context, paymentRequestID string) (*Checkout, error)
	// Pay pays a live request from the user's wallet, exactly once: a
	// second call with the same key gets the same payment back (Replayed),
	// any other call EPaymentRequestNotPayable. Declines (insufficient
	// funds, limits) come back as a failed payment with a FailureCode, not
	// as an error; the request stays payable by a new call.
	Pay(ctx context.Context, in PayInput) (*PayResult, error)
	// TestPay simulates a consumer paying a test-mode request (test mode
	// only; PermCollect).
	TestPay(ctx context.Context, a Actor, paymentRequestID, idempotencyKey string) (*PayResult, error)

	// Payment and Payments read the merchant's payments (PermRead).
	Payment(ctx context.Context, a Actor, id string) (*Payment, error)
	Payments(ctx context.Context, a Actor, p cashless.Page) ([]*Payment, bool, error)

	// Refund refunds a payment in part or in full (PermRefund; cashiers up
	// to CashierRefundLimit): ERefundExceedsPayment, EPaymentNotRefundable;
	// a refund the merchant's balance cannot cover comes back failed with
	// EInsufficientBalance.
	Refund(ctx context.Context, a Actor, in RefundInput) (*Refund, error)
	// RefundByID and Refunds read the merchant's refunds (PermRead).
	RefundByID(ctx context.Context, a Actor, id string) (*Refund, error)
	Refunds(ctx context.Context, a Actor, p cashless.Page) ([]*Refund, bool, error)

	// Balances returns the merchant's balance per currency (PermRead).
	Balances(ctx context.Context, a Actor) ([]Balance, error)
	// CreatePayout pays the available balance (or Amount of it) out to the
	// settlement account (PermPayout): ENoSettlementAccount,
	// EInsufficientBalance.
	CreatePayout(ctx context.Context, a Actor, in PayoutInput) (*Payout, error)
	// Payout and Payouts read the merchant's payouts (PermRead).
	Payout(ctx context.Context, a Actor, id string) (*Payout, error)
	Payouts(ctx context.Context, a Actor, p cashless.Page) ([]*Payout, bool, error)
	// PayoutReport lists the ledger movements a payout paid out (PermRead).
	PayoutReport(ctx context.Context, a Actor, id string) (*PayoutReport, error)

	// Event and Events read the merchant's events (PermRead).
	Event(ctx context.Context, a Actor, id string) (*Event, error)
	Events(ctx context.Context, a Actor, p cashless.Page) ([]*Event, bool, error)
}

// MerchantInput is a new merchant's profile.
type MerchantInput struct {
	Name     string
	MCC      string // "5999" (misc. retail) when empty
	City     string // "Hong Kong" when empty
	Country  string // "HK" when empty
	TimeZone string // "Asia/Hong_Kong" when empty
	// BankAccount is the settlement account number, optional at creation.
	BankAccount string
}

// MerchantUpdate changes a merchant; nil fields are left alone.
type MerchantUpdate struct {
	Name, MCC, City, TimeZone, BankAccount, SettlementCutoff *string
	CashierRefundLimit                                       *int64
}

// PaymentRequestInput is a new payment request.
type PaymentRequestInput struct {
	Amount            money.Amount
	Description       string
	MerchantReference string
	// ExpiresIn is in seconds; 600 when zero.
	ExpiresIn       int64
	NotificationURL string
	IdempotencyKey  string
}

// PayInput is a consumer paying a payment request.
type PayInput struct {
	UserID           string
	PaymentRequestID string
	IdempotencyKey   string
	// TOTPCode is needed above the payer's step-up threshold when enrolled.
	TOTPCode string
}

// PayResult is the payment a Pay call made, or the one an earlier call
// with the same key made (Replayed).
type PayResult struct {
	Payment  *Payment
	Replayed bool
}

// RefundInput refunds a payment; a zero Amount refunds what is left.
type RefundInput struct {
	PaymentID      string
	Amount         int64
	Reason         string
	IdempotencyKey string
}

// PayoutInput is a manual payout; a zero Amount pays out the whole
// available balance.
type PayoutInput struct {
	Currency       string
	Amount         int64
	IdempotencyKey string
}

// PayoutReport is what a payout paid out, line by line: the payments,
// refunds and fees since the previous payout, which add up to Payout's
// amount.
type PayoutReport struct {
	Payout *Payout
	Lines  []ReportLine
}

// ReportLine is one movement in a payout report.
type ReportLine struct {
	Type     string // payment, fee, refund, payout_return
	ObjectID string // pay_..., re_..., po_...
	Amount   int64  // signed: money into the balance is positive
	Currency string
	At       time.Time
}
