package client

import (
	"context"
	"net/http"
	"net/url"
)

// Wallet returns the balance in a currency ("" for HKD).
func (c *Client) Wallet(ctx context.Context, currency string) (*Wallet, error) {
	var out Wallet
	q := url.Values{}
	if currency != "" {
		q.Set("currency", currency)
	}
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/wallet", query: q, auth: true, out: &out})
	return &out, err
}

// TopupParams ask the bank for money.
type TopupParams struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	Source   string `json:"source"` // "bank"
}

// Topup starts a top-up.
func (c *Client) Topup(ctx context.Context, key string, p TopupParams) (*Funding, error) {
	if p.Source == "" {
		p.Source = "bank"
	}
	var out Funding
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/topups", body: p, key: key, auth: true, out: &out})
	return &out, err
}

// GetTopup returns a top-up.
func (c *Client) GetTopup(ctx context.Context, id string) (*Funding, error) {
	var out Funding
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/topups/" + id, auth: true, out: &out})
	return &out, err
}

// WithdrawalParams send money to a bank account.
type WithdrawalParams struct {
	Amount      int64  `json:"amount"`
	Currency    string `json:"currency"`
	BankAccount string `json:"bank_account"`
	TOTPCode    string `json:"totp_code,omitempty"`
}

// Withdraw starts a withdrawal.
func (c *Client) Withdraw(ctx context.Context, key string, p WithdrawalParams) (*Funding, error) {
	var out Funding
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/withdrawals", body: p, key: key, auth: true, out: &out})
	return &out, err
}

// GetWithdrawal returns a withdrawal.
func (c *Client) GetWithdrawal(ctx context.Context, id string) (*Funding, error) {
	var out Funding
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/withdrawals/" + id, auth: true, out: &out})
	return &out, err
}

// SendParams are a P2P send.
type SendParams struct {
	To         To     `json:"to"`
	Amount     int64  `json:"amount"`
	Currency   string `json:"currency"`
	Message    string `json:"message,omitempty"`
	Visibility string `json:"visibility,omitempty"`
	TOTPCode   string `json:"totp_code,omitempty"`
}

// Send pays another user.
func (c *Client) Send(ctx context.Context, key string, p SendParams) (*Transfer, error) {
	var out Transfer
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/transfers", body: p, key: key, auth: true, out: &out})
	return &out, err
}

// Transfer returns one of the user's transfers.
func (c *Client) Transfer(ctx context.Context, id string) (*Transfer, error) {
	var out Transfer
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/transfers/" + id, auth: true, out: &out})
	return &out, err
}

// Transfers lists the user's sent and received transfers.
func (c *Client) Transfers(ctx context.Context, p Page) (*List[Transfer], error) {
	var out List[Transfer]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/transfers", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}

// Activity lists the wallet statement.
func (c *Client) Activity(ctx context.Context, currency string, p Page) (*List[Entry], error) {
	var out List[Entry]
	extra := url.Values{}
	if currency != "" {
		extra.Set("currency", currency)
	}
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/activity", query: pageQuery(p, extra), auth: true, out: &out})
	return &out, err
}

// PayCode returns the user's receive code.
func (c *Client) PayCode(ctx context.Context) (*PayCode, error) {
	var out PayCode
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/paycode", auth: true, out: &out})
	return &out, err
}

// PayCodePNG returns the user's receive code as a PNG image.
func (c *Client) PayCodePNG(ctx context.Context) ([]byte, error) {
	var out []byte
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/paycode.png", auth: true, out: &out})
	return out, err
}
