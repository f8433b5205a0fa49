package client

import (
	"context"
	"net/http"
	"net/url"
)

// A merchant client acts for one merchant in one mode: built with an API
// key (WithAPIKey), which is its own merchant and mode, or with a staff
// member's tokens and, when they belong to several merchants, WithMerchant;
// WithMode("test") picks test mode for staff.

// WithAPIKey returns a copy of c that authenticates with a merchant API
// key ("sk_test_..." or "sk_live_...") instead of tokens.
func (c *Client) WithAPIKey(secret string) *Client {
	out := c.WithTokens(c.Tokens())
	out.apiKey = secret
	return out
}

// WithMerchant returns a copy of c that sends Cashless-Merchant: id.
func (c *Client) WithMerchant(id string) *Client {
	out := c.WithTokens(c.Tokens())
	out.merchant = id
	return out
}

// WithMode returns a copy of c that sends Cashless-Mode ("test" or
// "live"; "" sends none, which is live for staff).
func (c *Client) WithMode(mode string) *Client {
	out := c.WithTokens(c.Tokens())
	out.mode = mode
	return out
}

// MerchantParams describe a new merchant.
type MerchantParams struct {
	Name        string `json:"name"`
	MCC         string `json:"mcc,omitempty"`
	City        string `json:"city,omitempty"`
	Country     string `json:"country,omitempty"`
	TimeZone    string `json:"time_zone,omitempty"`
	BankAccount string `json:"bank_account,omitempty"`
}

// CreateMerchant creates a merchant owned by the signed-in user.
func (c *Client) CreateMerchant(ctx context.Context, key string, p MerchantParams) (*Merchant, error) {
	var out Merchant
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/merchants", body: p, key: key, auth: true, out: &out})
	return &out, err
}

// Memberships lists the merchants the user is staff of.
func (c *Client) Memberships(ctx context.Context) (*List[Staff], error) {
	var out List[Staff]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/merchants", auth: true, out: &out})
	return &out, err
}

// Merchant returns the current merchant.
func (c *Client) Merchant(ctx context.Context) (*Merchant, error) {
	var out Merchant
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/merchant", auth: true, out: &out})
	return &out, err
}

// MerchantUpdate changes a merchant; nil fields stay as they are.
type MerchantUpdate struct {
	Name               *string `json:"name,omitempty"`
	MCC                *string `json:"mcc,omitempty"`
	City               *string `json:"city,omitempty"`
	TimeZone           *string `json:"time_zone,omitempty"`
	BankAccount        *string `json:"bank_account,omitempty"`
	SettlementCutoff   *string `json:"settlement_cutoff,omitempty"`
	CashierRefundLimit *int64  `json:"cashier_refund_limit,omitempty"`
}

// UpdateMerchant changes the current merchant.
func (c *Client) UpdateMerchant(ctx context.Context, p MerchantUpdate) (*Merchant, error) {
	var out Merchant
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/merchant", body: p, auth: true, out: &out})
	return &out, err
}

// StaffParams name a registered user by phone or email, and a role.
type StaffParams struct {
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	Role  string `json:"role"`
}

// AddStaff gives a user a role at the merchant.
func (c *Client) AddStaff(ctx context.Context, merchantID string, p StaffParams) (*Staff, error) {
	var out Staff
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/merchants/" + url.PathEscape(merchantID) + "/staff", body: p, auth: true, out: &out})
	return &out, err
}

// Staff lists the merchant's staff.
func (c *Client) Staff(ctx context.Context, merchantID string) (*List[Staff], error) {
	var out List[Staff]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/merchants/" + url.PathEscape(merchantID) + "/staff", auth: true, out: &out})
	return &out, err
}

// RemoveStaff removes a staff member.
func (c *Client) RemoveStaff(ctx context.Context, merchantID, userID string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: "/v1/merchants/" + url.PathEscape(merchantID) + "/staff/" + url.PathEscape(userID), auth: true})
}

// APIKeyParams describe a new API key.
type APIKeyParams struct {
	Mode   string   `json:"mode"`
	Scopes []string `json:"scopes,omitempty"`
}

// CreateAPIKey makes an API key; its Secret is shown this once.
func (c *Client) CreateAPIKey(ctx context.Context, p APIKeyParams) (*APIKey, error) {
	var out APIKey
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/api_keys", body: p, auth: true, out: &out})
	return &out, err
}

// APIKeys lists the merchant's keys, without secrets.
func (c *Client) APIKeys(ctx context.Context) (*List[APIKey], error) {
	var out List[APIKey]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/api_keys", auth: true, out: &out})
	return &out, err
}

// RevokeAPIKey revokes a key at once.
func (c *Client) RevokeAPIKey(ctx context.Context, id string) (*APIKey, error) {
	var out APIKey
	err := c.do(ctx, call{method: http.MethodDelete, path: "/v1/api_keys/" + url.PathEscape(id), auth: true, out: &out})
	return &out, err
}

// PaymentRequestParams describe a payment request.
type PaymentRequestParams struct {
	Amount            int64  `json:"amount"`
	Currency          string `json:"currency"`
	Description       string `json:"description,omitempty"`
	MerchantReference string `json:"merchant_reference,omitempty"`
	ExpiresIn         int64  `json:"expires_in,omitempty"`
	NotificationURL   string `json:"notification_url,omitempty"`
}

// CreatePaymentRequest creates a pending payment request.
func (c *Client) CreatePaymentRequest(ctx context.Context, key string, p PaymentRequestParams) (*PaymentRequest, error) {
	var out PaymentRequest
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/payment_requests", body: p, key: key, auth: true, out: &out})
	return &out, err
}

// PaymentRequest returns one payment request.
func (c *Client) PaymentRequest(ctx context.Context, id string) (*PaymentRequest, error) {
	var out PaymentRequest
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/payment_requests/" + url.PathEscape(id), auth: true, out: &out})
	return &out, err
}

// PaymentRequests lists payment requests, newest first.
func (c *Client) PaymentRequests(ctx context.Context, p Page) (*List[PaymentRequest], error) {
	var out List[PaymentRequest]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/payment_requests", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}

// CancelPaymentRequest cancels a pending payment request.
func (c *Client) CancelPaymentRequest(ctx context.Context, id string) (*PaymentRequest, error) {
	var out PaymentRequest
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/payment_requests/" + url.PathEscape(id) + "/cancel", auth: true, out: &out})
	return &out, err
}

// TestPay simulates a consumer paying a test-mode payment request.
func (c *Client) TestPay(ctx context.Context, key, id string) (*Payment, error) {
	var out Payment
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/test_helpers/payment_requests/" + url.PathEscape(id) + "/pay", key: key, auth: true, out: &out})
	return &out, err
}

// Checkout returns what a payer sees of a payment request.
func (c *Client) Checkout(ctx context.Context, id string) (*Checkout, error) {
	var out Checkout
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/pay/" + url.PathEscape(id), auth: true, out: &out})
	return &out, err
}

// PayParams is the optional body of Pay.
type PayParams struct {
	TOTPCode string `json:"totp_code,omitempty"`
}

// Pay pays a payment request from the signed-in consumer's wallet;
// retrying with the same key returns the same payment.
func (c *Client) Pay(ctx context.Context, key, id string, p PayParams) (*Payment, error) {
	var out Payment
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/pay/" + url.PathEscape(id), body: p, key: key, auth: true, out: &out})
	return &out, err
}

// Payment returns one of the merchant's payments.
func (c *Client) Payment(ctx context.Context, id string) (*Payment, error) {
	var out Payment
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/payments/" + url.PathEscape(id), auth: true, out: &out})
	return &out, err
}

// Payments lists the merchant's payments, newest first.
func (c *Client) Payments(ctx context.Context, p Page) (*List[Payment], error) {
	var out List[Payment]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/payments", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}

// RefundParams refund a payment; a zero Amount refunds what is left.
type RefundParams struct {
	Payment string `json:"payment"`
	Amount  int64  `json:"amount,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// CreateRefund refunds a payment in part or in full.
func (c *Client) CreateRefund(ctx context.Context, key string, p RefundParams) (*Refund, error) {
	var out Refund
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/refunds", body: p, key: key, auth: true, out: &out})
	return &out, err
}

// Refund returns one refund.
func (c *Client) Refund(ctx context.Context, id string) (*Refund, error) {
	var out Refund
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/refunds/" + url.PathEscape(id), auth: true, out: &out})
	return &out, err
}

// Refunds lists the merchant's refunds, newest first.
func (c *Client) Refunds(ctx context.Context, p Page) (*List[Refund], error) {
	var out List[Refund]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/refunds", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}

// Balance returns the merchant's balance per currency.
func (c *Client) Balance(ctx context.Context) (*Balance, error) {
	var out Balance
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/balance", auth: true, out: &out})
	return &out, err
}

// PayoutParams make a manual payout; a zero Amount pays out everything
// available.
type PayoutParams struct {
	Amount   int64  `json:"amount,omitempty"`
	Currency string `json:"currency"`
}

// CreatePayout pays the balance out to the settlement account.
func (c *Client) CreatePayout(ctx context.Context, key string, p PayoutParams) (*Payout, error) {
	var out Payout
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/payouts", body: p, key: key, auth: true, out: &out})
	return &out, err
}

// Payout returns one payout.
func (c *Client) Payout(ctx context.Context, id string) (*Payout, error) {
	var out Payout
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/payouts/" + url.PathEscape(id), auth: true, out: &out})
	return &out, err
}

// Payouts lists the merchant's payouts, newest first.
func (c *Client) Payouts(ctx context.Context, p Page) (*List[Payout], error) {
	var out List[Payout]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/payouts", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}

// PayoutReport returns a payout's report as CSV.
func (c *Client) PayoutReport(ctx context.Context, id string) ([]byte, error) {
	var out []byte
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/payouts/" + url.PathEscape(id) + "/report", auth: true, out: &out})
	return out, err
}

// Event returns one event.
func (c *Client) Event(ctx context.Context, id string) (*Event, error) {
	var out Event
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/events/" + url.PathEscape(id), auth: true, out: &out})
	return &out, err
}

// Events lists the merchant's events, newest first.
func (c *Client) Events(ctx context.Context, p Page) (*List[Event], error) {
	var out List[Event]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/events", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}
