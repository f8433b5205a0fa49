package api

import "time"

// Wallet is the user's balance in one currency, in minor units.
type Wallet struct {
	Object    string    `json:"object"` // "wallet"
	ID        string    `json:"id"`     // the ledger account
	Currency  string    `json:"currency"`
	Balance   int64     `json:"balance"`
	Available int64     `json:"available"`
	Pending   int64     `json:"pending"`
	Created   time.Time `json:"created"`
}

// TopupParams is the body of POST /v1/topups.
type TopupParams struct {
	Amount   Amount   `json:"amount"`
	Currency Currency `json:"currency"`
	Source   string   `json:"source,omitempty"` // "bank", the default
}

// WithdrawalParams is the body of POST /v1/withdrawals.
type WithdrawalParams struct {
	Amount      Amount   `json:"amount"`
	Currency    Currency `json:"currency"`
	BankAccount string   `json:"bank_account"`
	TOTPCode    string   `json:"totp_code,omitempty"`
}

// Funding is a top-up (object "topup") or a withdrawal ("withdrawal").
type Funding struct {
	Object           string    `json:"object"`
	ID               string    `json:"id"`
	Amount           int64     `json:"amount"`
	Currency         string    `json:"currency"`
	Status           string    `json:"status"` // pending, succeeded or failed
	FailureCode      string    `json:"failure_code,omitempty"`
	BankAccountLast4 string    `json:"bank_account_last4,omitempty"`
	Completed        time.Time `json:"completed,omitzero"`
	Created          time.Time `json:"created"`
}

// Recipient names a person by exactly one of phone, email, username or
// (to pay them) the payload of their PayCode.
type Recipient struct {
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	Username string `json:"username,omitempty"`
	PayCode  string `json:"paycode,omitempty"`
}

// TransferParams is the body of POST /v1/transfers.
type TransferParams struct {
	To         *Recipient `json:"to"`
	Amount     Amount     `json:"amount"`
	Currency   Currency   `json:"currency"`
	Message    string     `json:"message,omitempty"`
	Visibility string     `json:"visibility,omitempty"` // private (default), friends or public
	TOTPCode   string     `json:"totp_code,omitempty"`
}

// Transfer is a P2P payment the caller sent or received.
type Transfer struct {
	Object      string    `json:"object"` // "transfer"
	ID          string    `json:"id"`
	Direction   string    `json:"direction"` // sent or received
	From        Party     `json:"from"`
	To          Party     `json:"to"`
	Amount      int64     `json:"amount"`
	Currency    string    `json:"currency"`
	Message     string    `json:"message,omitempty"`
	Visibility  string    `json:"visibility"`
	Status      string    `json:"status"`
	FailureCode string    `json:"failure_code,omitempty"`
	Request     string    `json:"request,omitempty"` // the money request it paid
	Created     time.Time `json:"created"`
}

// Split asks for a total divided among the payers.
type Split struct {
	Total Amount `json:"total"`
}

// RequestParams is the body of POST /v1/requests: amount from each payer,
// or a split total.
type RequestParams struct {
	From     []Recipient `json:"from"`
	Amount   Amount      `json:"amount,omitempty"`
	Split    *Split      `json:"split,omitempty"`
	Currency Currency    `json:"currency"`
	Message  string      `json:"message,omitempty"`
}

// PayRequestParams is the optional body of POST /v1/requests/{id}/pay.
type PayRequestParams struct {
	TOTPCode string `json:"totp_code,omitempty"`
}

// Request is one payer's part of a money request.
type Request struct {
	Object    string    `json:"object"`    // "request"
	ID        string    `json:"id"`        // req_...
	Direction string    `json:"direction"` // outgoing (the caller asks) or incoming
	Requester Party     `json:"requester"`
	Payer     Party     `json:"payer"`
	Amount    int64     `json:"amount"`
	Currency  string    `json:"currency"`
	Message   string    `json:"message,omitempty"`
	Status    string    `json:"status"` // pending, paid, declined, canceled or expired
	Split     string    `json:"split,omitempty"`
	Transfer  string    `json:"transfer,omitempty"`
	Expires   time.Time `json:"expires,omitzero"`
	Created   time.Time `json:"created"`
}

// ActivityEntry is one line of the wallet statement. Amount is signed:
// negative when money left the wallet.
type ActivityEntry struct {
	Object      string    `json:"object"` // "activity_entry"
	ID          string    `json:"id"`
	Type        string    `json:"type"`
	Amount      int64     `json:"amount"`
	Currency    string    `json:"currency"`
	Balance     int64     `json:"balance"`
	Pending     bool      `json:"pending"`
	Description string    `json:"description,omitempty"`
	Created     time.Time `json:"created"`
}
