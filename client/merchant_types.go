package client

import (
	"encoding/json"
	"time"
)

// Merchant is a business that collects payments.
type Merchant struct {
	Object             string    `json:"object"`
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

// Staff is a user's role at a merchant.
type Staff struct {
	Object   string    `json:"object"`
	Merchant string    `json:"merchant"`
	User     string    `json:"user"`
	Role     string    `json:"role"`
	Created  time.Time `json:"created"`
}

// APIKey is a merchant API key; Secret is set only when it is made.
type APIKey struct {
	Object   string    `json:"object"`
	ID       string    `json:"id"`
	Livemode bool      `json:"livemode"`
	Scopes   []string  `json:"scopes"`
	Prefix   string    `json:"prefix"`
	Secret   string    `json:"secret,omitempty"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used,omitzero"`
	Revoked  time.Time `json:"revoked,omitzero"`
}

// PaymentRequest asks a consumer for one payment.
type PaymentRequest struct {
	Object            string    `json:"object"`
	ID                string    `json:"id"`
	Livemode          bool      `json:"livemode"`
	Amount            int64     `json:"amount"`
	Currency          string    `json:"currency"`
	Description       string    `json:"description,omitempty"`
	MerchantReference string    `json:"merchant_reference,omitempty"`
	NotificationURL   string    `json:"notification_url,omitempty"`
	Status            string    `json:"status"`
	QRPayload         string    `json:"qr_payload"`
	WebURL            string    `json:"web_url"`
	Payment           string    `json:"payment,omitempty"`
	ExpiresAt         time.Time `json:"expires_at"`
	Created           time.Time `json:"created"`
}

// Checkout is what a payer sees of a payment request.
type Checkout struct {
	Object         string    `json:"object"`
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

// Payment is money a merchant collected.
type Payment struct {
	Object         string    `json:"object"`
	ID             string    `json:"id"`
	Livemode       bool      `json:"livemode"`
	PaymentRequest string    `json:"payment_request"`
	Amount         int64     `json:"amount"`
	Currency       string    `json:"currency"`
	Fee            int64     `json:"fee"`
	Net            int64     `json:"net"`
	Status         string    `json:"status"`
	FailureCode    string    `json:"failure_code,omitempty"`
	RefundedAmount int64     `json:"refunded_amount"`
	Customer       string    `json:"customer"`
	Created        time.Time `json:"created"`
}

// Refund gives money of a payment back.
type Refund struct {
	Object      string    `json:"object"`
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

// MoneyAmount is an amount in one currency.
type MoneyAmount struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Balance is a merchant's money per currency.
type Balance struct {
	Object    string        `json:"object"`
	Livemode  bool          `json:"livemode"`
	Available []MoneyAmount `json:"available"`
	Pending   []MoneyAmount `json:"pending"`
}

// Payout moves a merchant's balance to its bank account.
type Payout struct {
	Object           string    `json:"object"`
	ID               string    `json:"id"`
	Livemode         bool      `json:"livemode"`
	Amount           int64     `json:"amount"`
	Currency         string    `json:"currency"`
	Status           string    `json:"status"`
	FailureCode      string    `json:"failure_code,omitempty"`
	Automatic        bool      `json:"automatic"`
	BankAccountLast4 string    `json:"bank_account_last4,omitempty"`
	Completed        time.Time `json:"completed,omitzero"`
	Created          time.Time `json:"created"`
}

// Event is a merchant's domain event.
type Event struct {
	Object   string          `json:"object"`
	ID       string          `json:"id"`
	Livemode bool            `json:"livemode"`
	Type     string          `json:"type"`
	Data     json.RawMessage `json:"data"`
	Created  time.Time       `json:"created"`
}
