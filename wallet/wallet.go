package wallet

import (
	"context"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/money"
)

// Stable error codes of the wallet service.
const (
	// ERecipientNotFound: no user has that phone, email, username or PayCode.
	ERecipientNotFound = "recipient_not_found"
	// ESelfTransfer: sending money to, or requesting it from, oneself.
	ESelfTransfer = "cannot_send_to_self"
	// EInsufficientFunds: the wallet's available balance is too low.
	EInsufficientFunds = "insufficient_funds"
	// ELimitExceeded: the send would pass a daily, monthly or yearly cap
	// of the user's KYC tier; Param names the period.
	ELimitExceeded = "limit_exceeded"
	// ECurrencyNotSupported: no limits are configured for the currency, so
	// no wallet can hold it.
	ECurrencyNotSupported = "currency_not_supported"
	// EInvalidAmount: zero, negative, or too many minor units.
	EInvalidAmount = "invalid_amount"
	// EInvalidVisibility: not private, friends or public.
	EInvalidVisibility = "invalid_visibility"
	// EMessageTooLong: a message over 280 characters.
	EMessageTooLong = "message_too_long"
	// ETransferNotFound, ERequestNotFound, EFundingNotFound: no such object
	// of this user (another user's object is "not found" too).
	ETransferNotFound = "transfer_not_found"
	ERequestNotFound  = "request_not_found"
	EFundingNotFound  = "funding_not_found"
	// ERequestNotPending: paying, declining or canceling a request that is
	// already declined, canceled or expired (or, for declining and
	// canceling, paid).
	ERequestNotPending = "request_not_pending"
	// ERequestAlreadyPaid: paying a request that is paid, or that another
	// call (with another Idempotency-Key) is paying now.
	ERequestAlreadyPaid = "request_already_paid"
	// EIdempotencyKeyReused: an idempotency key used before for a
	// different call (another recipient, amount, message or visibility; a
	// top-up of another amount; a withdrawal of another amount or to
	// another account). The API answers such calls from its own records
	// first; this is the same rule one layer down.
	EIdempotencyKeyReused = "idempotency_key_reused"
	// EInvalidBankAccount: a bank account number that is not 6–20 digits
	// (dashes and spaces allowed).
	EInvalidBankAccount = "invalid_bank_account"
	// EBankDeclined: the bank refused a top-up or withdrawal at once.
	EBankDeclined = "bank_declined"
	// EInvalidPayCode: a PayCode payload that does not parse or whose
	// CRC does not match.
	EInvalidPayCode = "invalid_paycode"
)

// Visibility is who may see a transfer in their feed. The effective
// visibility is the more private of the sender's choice and the
// recipient's default.
type Visibility string

// Visibilities, most private first.
const (
	Private Visibility = "private"
	Friends Visibility = "friends"
	Public  Visibility = "public"
)

// Wallet is a user's balance in one currency. Balance is the posted
// balance; Available is what may be spent (Balance less pending outgoing
// money, such as withdrawals in progress); Pending is money on its way in
// (top-ups the bank has not confirmed yet).
type Wallet struct {
	UserID    string
	Currency  string
	AccountID string // the ledger account, acct_...
	Balance   int64
	Available int64
	Pending   int64
	Created   time.Time
}

// Party is one side of a transfer or request as others see it. Name comes
// from the identity service and is never stored by the wallet.
type Party struct {
	UserID   string
	Name     string
	Username string
}

// Recipient names the person to pay: exactly one field is set.
type Recipient struct {
	Phone    string
	Email    string
	Username string
	// PayCode is the payload of the recipient's QR code (see PayCode).
	PayCode string
}

// Transfer is a P2P payment between two wallets.
type Transfer struct {
	ID          string // tr_...
	From        Party
	To          Party
	Amount      money.Amount
	Message     string
	Visibility  Visibility
	Status      string // "succeeded" or "failed" (processing only while in flight)
	FailureCode string
	RequestID   string // set when the transfer paid a money request
	Created     time.Time
}

// Transfer statuses.
const (
	StatusProcessing = "processing"
	StatusSucceeded  = "succeeded"
	StatusFailed     = "failed"
	StatusPending    = "pending"
)

// SendInput is a P2P send. IdempotencyKey makes it safe to retry: the same
// user and key always give the same transfer.
type SendInput struct {
	UserID         string
	To             Recipient
	Amount         money.Amount
	Message        string
	Visibility     Visibility // empty means Private
	TOTPCode       string     // needed above the step-up threshold when enrolled
	IdempotencyKey string
}

// Funding is a top-up from, or a withdrawal to, the user's bank.
type Funding struct {
	ID          string // tu_... or wd_...
	Kind        string // "topup" or "withdrawal"
	UserID      string
	Amount      money.Amount
	Status      string // pending, succeeded or failed
	FailureCode string
	// BankAccountLast4 is the last four digits of a withdrawal's account.
	BankAccountLast4 string
	Created          time.Time
	Completed        time.Time // zero while pending
}

// Funding kinds.
const (
	KindTopup      = "topup"
	KindWithdrawal = "withdrawal"
)

// TopupInput asks the bank for money into the wallet.
type TopupInput struct {
	UserID         string
	Amount         money.Amount
	IdempotencyKey string
}

// WithdrawalInput sends money from the wallet to a bank account.
type WithdrawalInput struct {
	UserID         string
	Amount         money.Amount
	BankAccount    string
	TOTPCode       string
	IdempotencyKey string
}

// Request is one payer's part of a money request or split bill.
type Request struct {
	ID         string // req_...
	Requester  Party
	Payer      Party
	Amount     money.Amount
	Message    string
	Status     string // pending, paid, declined, canceled or expired
	SplitID    string // shared by the requests of one split bill
	TransferID string // the transfer that paid it
	Created    time.Time
	Expires    time.Time
}

// Request statuses.
const (
	RequestPending  = "pending"
	RequestPaid     = "paid"
	RequestDeclined = "declined"
	RequestCanceled = "canceled"
	RequestExpired  = "expired"
)

// RequestInput asks one or more people for money: Amount from each, or
// SplitTotal divided among them with the remainder on the first.
type RequestInput struct {
	UserID         string
	From           []Recipient
	Amount         money.Amount // each; zero when SplitTotal is set
	SplitTotal     money.Amount // zero when Amount is set
	Message        string
	IdempotencyKey string
}

// Contact is someone in a user's personal network.
type Contact struct {
	ID      string // con_...
	UserID  string
	Contact Party
	Source  string // "added" or "payment"
	Created time.Time
}

// FeedItem is a transfer as a friend sees it: who paid whom and the
// message, never the amount.
type FeedItem struct {
	ID         string // the transfer's id
	From       Party
	To         Party
	Message    string
	Visibility Visibility
	Created    time.Time
}

// Entry is one line of the wallet statement.
type Entry struct {
	ID          string // the ledger transfer id
	Type        string // topup, withdrawal, p2p_sent, p2p_received, ...
	Amount      int64  // signed: negative when money left the wallet
	Currency    string
	Balance     int64 // the posted balance after this entry
	Pending     bool  // a pending ledger transfer (not yet posted)
	Description string
	Created     time.Time
}

// LimitUsage is one period's cap for the user's tier and what is used.
type LimitUsage struct {
	Kind      string // LimitSend (the caps on payments) or LimitTopup
	Period    string // "day", "month" or "year"
	Cap       money.Amount
	Used      money.Amount
	Remaining money.Amount
	Resets    time.Time // start of the next period, in UTC
}

// Kinds of limit: the caps on money sent, and those on top-ups.
const (
	LimitSend  = "send"
	LimitTopup = "topup"
)

// PayCode is a user's receive code: an EMV-style QR payload with CRC16.
// Drawing it as an image is left to the adapter that shows it.
type PayCode struct {
	Payload string
}

// Service is the wallet service. Errors carry the codes above, identity's
// codes (totp_required, invalid_totp) or the shared ones in package
// cashless; anything else is internal.
type Service interface {
	// Wallet returns the user's wallet in a currency, opening it on first
	// use (ECurrencyNotSupported when no limits cover the currency).
	Wallet(ctx context.Context, userID, currency string) (*Wallet, error)

	// Send moves money to another user at once.
	Send(ctx context.Context, in SendInput) (*Transfer, error)
	// Transfer returns one of the user's sent or received transfers.
	Transfer(ctx context.Context, userID, id string) (*Transfer, error)
	// Transfers lists the user's sent and received transfers.
	Transfers(ctx context.Context, userID string, p cashless.Page) ([]*Transfer, bool, error)

	// Topup starts a top-up; its status changes when the bank confirms.
	Topup(ctx context.Context, in TopupInput) (*Funding, error)
	// Withdraw starts a withdrawal; money is held until the bank confirms
	// and returned if it fails.
	Withdraw(ctx context.Context, in WithdrawalInput) (*Funding, error)
	// Funding returns one of the user's top-ups or withdrawals.
	Funding(ctx context.Context, userID, id string) (*Funding, error)
	// Fundings lists the user's top-ups or withdrawals (kind).
	Fundings(ctx context.Context, userID, kind string, p cashless.Page) ([]*Funding, bool, error)

	// RequestMoney creates one request per payer.
	RequestMoney(ctx context.Context, in RequestInput) ([]*Request, error)
	// PayRequest pays a request addressed to the user; paying twice moves
	// money once.
	PayRequest(ctx context.Context, userID, id, totpCode, idempotencyKey string) (*Request, *Transfer, error)
	// DeclineRequest is the payer's refusal; CancelRequest the requester's.
	DeclineRequest(ctx context.Context, userID, id string) (*Request, error)
	CancelRequest(ctx context.Context, userID, id string) (*Request, error)
	// Request returns a request the user sent or received.
	Request(ctx context.Context, userID, id string) (*Request, error)
	// Requests lists the user's incoming and outgoing requests.
	Requests(ctx context.Context, userID string, p cashless.Page) ([]*Request, bool, error)

	// AddContact adds a user to the caller's contacts (idempotent).
	AddContact(ctx context.Context, userID string, who Recipient) (*Contact, error)
	// Contacts lists the user's contacts.
	Contacts(ctx context.Context, userID string, p cashless.Page) ([]*Contact, bool, error)
	// Feed lists the transfers the user may see, newest first.
	Feed(ctx context.Context, userID string, p cashless.Page) ([]*FeedItem, bool, error)
	// FeedVisibility and SetFeedVisibility read and set the user's default
	// visibility for transfers they receive (private unless set).
	FeedVisibility(ctx context.Context, userID string) (Visibility, error)
	SetFeedVisibility(ctx context.Context, userID string, v Visibility) error

	// Activity is the statement of the user's wallet in a currency.
	Activity(ctx context.Context, userID, currency string, p cashless.Page) ([]*Entry, bool, error)
	// Limits reports the caps of the user's tier and their use: those on
	// sends first, then those on top-ups (Kind).
	Limits(ctx context.Context, userID, currency string) ([]LimitUsage, error)
	// PayCode returns the user's receive code.
	PayCode(ctx context.Context, userID string) (*PayCode, error)
}

// Directory is what the wallet needs from the identity service.
type Directory interface {
	User(ctx context.Context, id string) (*identity.User, error)
	Users(ctx context.Context, ids []string) (map[string]*identity.User, error)
	FindUser(ctx context.Context, p identity.Proxy) (*identity.User, error)
	VerifyTOTP(ctx context.Context, userID, code string) error
}

// Compile-time check that the identity service serves as a Directory.
var _ Directory = identity.Service(nil)
