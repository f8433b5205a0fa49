package ledger

import (
	"context"
	"time"
)

// Service is what callers of the ledger use. The in-process Engine and the
// HTTP client in ledger/ledgerhttp both implement it, so a caller cannot tell
// which one it holds.
type Service interface {
	// CreateAccounts creates accounts, returning one result per account in
	// order. An account that already exists with the same fields succeeds with
	// Replayed set; with other fields it fails with ExistsWithDifferentFields.
	CreateAccounts(ctx context.Context, accounts []Account) ([]Result, error)
	// CreateTransfers commits transfers, returning one result per transfer in
	// order. The error return is for failures of the whole call (a closed
	// engine, a broken database, too many transfers, an oversized field); a
	// refused transfer is reported in its Result. A refusal is final: the
	// ledger records it, so its id answers the same refusal from then on
	// and can never commit; a new attempt needs a new id.
	CreateTransfers(ctx context.Context, transfers []Transfer) ([]Result, error)
	// LookupAccounts returns the accounts that exist among ids, in the order
	// of ids; unknown ids are left out.
	LookupAccounts(ctx context.Context, ids []string) ([]Account, error)
	// LookupTransfers returns the committed transfers among ids, in the order
	// of ids; unknown ids are left out.
	LookupTransfers(ctx context.Context, ids []string) ([]Transfer, error)
	// BalanceAt returns the account's balances as they were just after the
	// last transfer committed at or before at. A zero at means now. An
	// unknown account is an error with code AccountNotFound.
	BalanceAt(ctx context.Context, accountID string, at time.Time) (Balances, error)
	// History lists the transfers that moved an account's balances, newest
	// first, each with the account's balances just after it.
	History(ctx context.Context, filter HistoryFilter) (HistoryPage, error)
}

// AccountFlags are the rules an account enforces on its balances.
type AccountFlags uint32

const (
	// DebitsMustNotExceedCredits keeps the account from going below zero:
	// debits (posted plus pending) may never exceed posted credits. Wallets
	// carry it.
	DebitsMustNotExceedCredits AccountFlags = 1 << iota
	// CreditsMustNotExceedDebits is the mirror rule for debit-normal accounts.
	CreditsMustNotExceedDebits
)

const accountFlagsMask = DebitsMustNotExceedCredits | CreditsMustNotExceedDebits

// Account is a ledger account. Balances are kept as four running sums in
// minor units of the account's currency; Balance derives what users see.
type Account struct {
	ID       string       `json:"id"`
	Currency string       `json:"currency"`
	Code     string       `json:"code,omitempty"` // kind of account: wallet, merchant, fees, bank, ...
	Flags    AccountFlags `json:"flags"`
	Balances
	Created time.Time `json:"created,omitzero"` // set by the ledger
}

// Balances are an account's four running sums.
type Balances struct {
	DebitsPosted   int64 `json:"debits_posted"`
	CreditsPosted  int64 `json:"credits_posted"`
	DebitsPending  int64 `json:"debits_pending"`
	CreditsPending int64 `json:"credits_pending"`
}

// Posted is the credit-normal posted balance: credits minus debits.
func (b Balances) Posted() int64 { return b.CreditsPosted - b.DebitsPosted }

// Pending is the net of pending transfers: pending credits minus pending debits.
func (b Balances) Pending() int64 { return b.CreditsPending - b.DebitsPending }

// Available is what a credit-normal account can still spend: posted credits
// minus posted and pending debits.
func (b Balances) Available() int64 { return b.CreditsPosted - b.DebitsPosted - b.DebitsPending }

// TransferFlags select how a transfer behaves.
type TransferFlags uint32

const (
	// Linked ties a transfer to the next one in the same call: the chain ends
	// at the first transfer without Linked, and succeeds or fails whole.
	Linked TransferFlags = 1 << iota
	// Pending reserves the amount (pending balances) until it is posted,
	// voided or times out.
	Pending
	// PostPending posts the pending transfer named by PendingID, in full or
	// for a smaller Amount.
	PostPending
	// VoidPending releases the pending transfer named by PendingID.
	VoidPending
)

const transferFlagsMask = Linked | Pending | PostPending | VoidPending

// Limits on the sizes of transfer and account fields.
const (
	MaxIDLength       = 64
	MaxCodeLength     = 32
	MaxMetadataLength = 512
	// MaxTimeout bounds the timeout of a pending transfer.
	MaxTimeout = 366 * 24 * time.Hour
	// MaxFieldBytes bounds every text field of a transfer, valid or not, so
	// that the ledger can record any refused transfer as it was given: a
	// call with a longer field fails whole with FieldTooLong. It is twice
	// the longest valid field (the metadata).
	MaxFieldBytes = 2 * MaxMetadataLength
)

// Transfer moves Amount from DebitAccountID to CreditAccountID. ID is chosen
// by the caller and is the idempotency key.
//
// For PostPending and VoidPending the accounts and currency may be left empty
// and are taken from the pending transfer; an Amount of zero posts the full
// pending amount.
type Transfer struct {
	ID              string        `json:"id"`
	DebitAccountID  string        `json:"debit_account_id,omitempty"`
	CreditAccountID string        `json:"credit_account_id,omitempty"`
	Amount          int64         `json:"amount"`
	Currency        string        `json:"currency,omitempty"`
	Code            string        `json:"code,omitempty"`
	Flags           TransferFlags `json:"flags,omitempty"`
	PendingID       string        `json:"pending_id,omitempty"`
	// Timeout makes a pending transfer expire (void itself) after this long.
	// Zero means it never expires. Whole seconds.
	Timeout  time.Duration `json:"timeout,omitempty"`
	Metadata string        `json:"metadata,omitempty"`
	// Timestamp is assigned by the ledger when the transfer commits; it is
	// unique and strictly increasing, with microsecond precision.
	Timestamp time.Time `json:"timestamp,omitzero"`
}

// Result is the outcome of one account or transfer in a create call.
type Result struct {
	// Timestamp is when the object was committed, or when the ledger
	// recorded the transfer's refusal (the original time when Replayed). It
	// is zero for a refusal that is not recorded: an invalid id, or an id
	// taken by something with different fields.
	Timestamp time.Time `json:"timestamp,omitzero"`
	// Replayed reports an earlier identical create with the same id. With
	// Err set it replays a recorded refusal: the transfer did not commit
	// then and never will.
	Replayed bool `json:"replayed,omitempty"`
	// Err is nil on success, otherwise a *cashless.Error with a stable code.
	Err error `json:"-"`
}

// HistoryFilter selects a page of an account's history.
type HistoryFilter struct {
	AccountID string
	// Limit is the page size, 1–1000; zero means 10.
	Limit int
	// StartingAfter and EndingBefore are transfer ids from a previous page:
	// the next (older) page starts after StartingAfter; the previous (newer)
	// page ends before EndingBefore. At most one may be set.
	StartingAfter string
	EndingBefore  string
}

// HistoryEntry is one transfer in an account's history, with the account's
// balances just after it.
type HistoryEntry struct {
	Transfer Transfer `json:"transfer"`
	Balances Balances `json:"balances"`
}

// HistoryPage is a page of history, newest first.
type HistoryPage struct {
	Entries []HistoryEntry `json:"entries"`
	HasMore bool           `json:"has_more"`
}
