package api

import (
	"encoding/json"
	"time"
)

// MerchantParams is the body of POST /v1/merchants.
type MerchantParams struct {
	Name        string `json:"name"`
	MCC         string `json:"mcc,omitempty"`
	City        string `json:"city,omitempty"`
	Country     string `json:"country,omitempty"`
	TimeZone    string `json:"time_zone,omitempty"`
	BankAccount string `json:"bank_account,omitempty"`
}

// MerchantUpdateParams is the body of POST /v1/merchant; absent fields
// stay as they are.
type MerchantUpdateParams struct {
	Name               *string `json:"name,omitempty"`
	MCC                *string `json:"mcc,omitempty"`
	City               *string `json:"city,omitempty"`
	TimeZone           *string `json:"time_zone,omitempty"`
	BankAccount        *string `json:"bank_account,omitempty"`
	SettlementCutoff   *string `json:"settlement_cutoff,omitempty"`
	CashierRefundLimit *int64  `json:"cashier_refund_limit,omitempty"`
}

// Merchant is a business that collects payments.
type Merchant struct {
	Object             string    `json:"object"` // "merchant"
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	MCC                string    `json:"mcc"`
	City               string    `json:"city"`
	Country            string    `json:"country"`
	TimeZone           string    `json:"time_zone"`
	FeeBasisPoints     int64     `json:"fee_basis_points"`
	CashierRefundLimit int64     `json:"cashier_refund_limit"`
	SettlementCutoff   string    `json:"settlement_cutoff"`
	BankAccountLast4   string    `json:"bank_account_last4,omitempty"`
	Created            time.Time `json:"created"`
}

// StaffParams is the body of POST /v1/merchants/{id}/staff: a registered
// user named by phone or email, and a role.
type StaffParams struct {
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	Role  string `json:"role"`
}

// Staff is a user's membership of a merchant.
type Staff struct {
	Object   string    `json:"object"` // "staff"
	Merchant string    `json:"merchant"`
	User     string    `json:"user"`
	Role     string    `json:"role"`
	Created  time.Time `json:"created"`
}

// APIKeyParams is the body of POST /v1/api_keys.
type APIKeyParams struct {
	Mode   string   `json:"mode"`
	Scopes []string `json:"scopes,omitempty"`
}

// APIKey is a merchant server's credential; Secret is set only in the
// answer that made it.
type APIKey struct {
	Object   string    `json:"object"` // "api_key"
	ID       string    `json:"id"`
	Livemode bool      `json:"livemode"`
	Scopes   []string  `json:"scopes"`
	Prefix   string    `json:"prefix"`
	Secret   string    `json:"secret,omitempty"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used,omitzero"`
	Revoked  time.Time `json:"revoked,omitzero"`
}

// PaymentRequestParams is the body of POST /v1/payment_requests.
type PaymentRequestParams struct {
	Amount            Amount   `json:"amount"`
	Currency          Currency `json:"currency"`
	Description       string   `json:"description,omitempty"`
	MerchantReference string   `json:"merchant_reference,omitempty"`
	ExpiresIn         int64    `json:"expires_in,omitempty"`
	NotificationURL   string   `json:"notification_url,omitempty"`
}

// PaymentRequest asks a consumer for one payment of a fixed amount.
type PaymentRequest struct {
	Object            string    `json:"object"` // "payment_request"
	ID                string    `json:"id"`
	Livemode          bool      `json:"livemode"`
	Amount            int64     `json:"amount"`
	Currency          string    `json:"currency"`
	Description       string    `json:"description,omitempty"`
	MerchantReference string    `json:"merchant_reference,omitempty"`
	NotificationURL   string    `json:"notification_url,omitempty"`
	Status            string    `json:"status"` // pending, succeeded, expired, canceled
	QRPayload         string    `json:"qr_payload"`
	WebURL            string    `json:"web_url"`
	Payment           string    `json:"payment,omitempty"`
	ExpiresAt         time.Time `json:"expires_at"`
	Created           time.Time `json:"created"`
}

// Checkout is what a payer sees of a payment request before paying.
type Checkout struct {
	Object         string    `json:"object"` // "checkout"
	PaymentRequest string    `json:"payment_request"`
	Livemode       bool      `json:"livemode"`
	MerchantName   string    `json:"merchant_name"`
	MerchantCity   string    `json:"merchant_city"`
	Amount         int64     `json:"amount"`
	Currency       string    `json:"currency"`
	Description    string    `json:"description,omitempty"`
	Status         string    `json:"status"`
	QRPayload      string    `json:"qr_payload"`
	ExpiresAt      time.Time `json:"expires_at"`
}

// PayParams is the optional body of POST /v1/pay/{id}.
type PayParams struct {
	TOTPCode string `json:"totp_code,omitempty"`
}

// Payment is money collected from a consumer's wallet. The payer is shown
// only as a pseudonymous customer id.
type Payment struct {
	Object         string    `json:"object"` // "payment"
	ID             string    `json:"id"`
	Livemode       bool      `json:"livemode"`
	PaymentRequest string    `json:"payment_request"`
	Amount         int64     `json:"amount"`
	Currency       string    `json:"currency"`
	Fee            int64     `json:"fee"`
	Net            int64     `json:"net"`
	Status         string    `json:"status"` // processing, succeeded, failed
	FailureCode    string    `json:"failure_code,omitempty"`
	RefundedAmount int64     `json:"refunded_amount"`
	Customer       string    `json:"customer"`
	Created        time.Time `json:"created"`
}

// RefundParams is the body of POST /v1/refunds; no amount refunds what is
// left.
type RefundParams struct {
	Payment string `json:"payment"`
	Amount  Amount `json:"amount,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// Refund gives money of a payment back to its payer.
type Refund struct {
	Object      string    `json:"object"` // "refund"
	ID          string    `json:"id"`
	Livemode    bool      `json:"livemode"`
	Payment     string    `json:"payment"`
	Amount      int64     `json:"amount"`
	Currency    string    `json:"currency"`
	Reason      string    `json:"reason,omitempty"`
	Status      string    `json:"status"`
	FailureCode string    `json:"failure_code,omitempty"`
	Created     time.Time `json:"created"`
}

// Balance is the merchant's money per currency in the caller's mode.
type Balance struct {
	Object    string        `json:"object"` // "balance"
	Livemode  bool          `json:"livemode"`
	Available []MoneyAmount `json:"available"`
	Pending   []MoneyAmount `json:"pending"`
}

// MoneyAmount is an amount in one currency.
type MoneyAmount struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// PayoutParams is the body of POST /v1/payouts; no amount pays out the
// whole available balance.
type PayoutParams struct {
	Amount   Amount   `json:"amount,omitempty"`
	Currency Currency `json:"currency"`
}

// Payout moves the merchant's balance to its settlement bank account.
type Payout struct {
	Object           string    `json:"object"` // "payout"
	ID               string    `json:"id"`
	Livemode         bool      `json:"livemode"`
	Amount           int64     `json:"amount"`
	Currency         string    `json:"currency"`
	Status           string    `json:"status"` // pending, paid, failed
	FailureCode      string    `json:"failure_code,omitempty"`
	Automatic        bool      `json:"automatic"`
	BankAccountLast4 string    `json:"bank_account_last4,omitempty"`
	Completed        time.Time `json:"completed,omitzero"`
	Created          time.Time `json:"created"`
}

// Event is a domain event of the merchant; Data is the object it is
// about, as the API shows it.
type Event struct {
	Object   string          `json:"object"` // "event"
	ID       string          `json:"id"`
	Livemode bool            `json:"livemode"`
	Type     string          `json:"type"`
	Data     json.RawMessage `json:"data"`
	Created  time.Time       `json:"created"`
}
