package wallet

import (
	"context"
	"time"

	"github.com/cashless-dev/cashless"
)

// MoneyStore is the half of the wallet's storage that keeps money
// movements: P2P transfer intents with their limit reservations, top-ups
// and withdrawals, and money requests. Parties come back with only UserID
// set. Every method that changes state is safe to call again and safe
// under several service instances: state changes are conditional on the
// state they leave.
type MoneyStore interface {
	// CreateIntent stores a new transfer intent (status processing) and
	// reserves its amount under every cap, in one transaction. When the
	// sender already has an intent with the same idempotency key, that
	// intent is returned with created false and nothing is written. A cap
	// that the amount would pass fails the whole call with ELimitExceeded
	// (Param: the cap's period). When the intent pays a request, the
	// request must still be pending (ERequestNotPending otherwise).
	CreateIntent(ctx context.Context, in *Intent, caps []Reservation) (stored *Intent, created bool, err error)
	// IntentByKey returns the sender's intent with an idempotency key:
	// ETransferNotFound when there is none.
	IntentByKey(ctx context.Context, senderID, key string) (*Intent, error)
	// Intent returns an intent by id: ETransferNotFound.
	Intent(ctx context.Context, id string) (*Intent, error)
	// SucceedIntent marks an intent succeeded (the ledger committed its
	// transfer), and the request it pays as paid, in one transaction. An
	// intent that was marked failed meanwhile (a concurrent driver saw a
	// refusal before the transfer went through) becomes succeeded and its
	// reservation is taken again, without a cap check: the ledger is the
	// truth about money. The contacts given (the two users as each other's
	// payment contacts) are added in the same transaction, keeping any that
	// exist. It reports whether anything changed.
	SucceedIntent(ctx context.Context, it *Intent, at time.Time, contacts ...*Contact) (bool, error)
	// FailIntent marks a processing intent failed with a code and releases
	// its reservation in the same transaction; a request it was paying gets
	// a new attempt number. It reports whether anything changed.
	FailIntent(ctx context.Context, id, code string, at time.Time) (bool, error)
	// Intents lists the user's transfers, newest first: all those the user
	// sent, and the succeeded ones the user received.
	Intents(ctx context.Context, userID string, p cashless.Page) ([]*Intent, bool, error)
	// StaleIntents returns up to limit intents still processing that were
	// last updated before before.
	StaleIntents(ctx context.Context, before time.Time, limit int) ([]*Intent, error)
	// LimitUsage returns the amounts used in the user's windows (window
	// key → used); windows without use are left out.
	LimitUsage(ctx context.Context, userID, currency string, windows []string) (map[string]int64, error)

	// CreateFunding stores a new funding (status pending), or returns the
	// user's existing funding of the same kind and idempotency key with
	// created false.
	CreateFunding(ctx context.Context, f *FundingRecord) (stored *FundingRecord, created bool, err error)
	// Funding returns a funding by id: EFundingNotFound.
	Funding(ctx context.Context, id string) (*FundingRecord, error)
	// RecordBankOutcome records the bank's final word on a funding
	// (succeeded or failed) unless one is recorded already. It returns the
	// funding as stored afterwards.
	RecordBankOutcome(ctx context.Context, id, outcome string, at time.Time) (*FundingRecord, error)
	// FinishFunding moves a pending funding to succeeded or failed. It
	// reports whether anything changed.
	FinishFunding(ctx context.Context, id, status, failureCode string, at time.Time) (bool, error)
	// Fundings lists the user's fundings of a kind, newest first.
	Fundings(ctx context.Context, userID, kind string, p cashless.Page) ([]*FundingRecord, bool, error)
	// StaleFundings returns up to limit pending fundings last updated
	// before before.
	StaleFundings(ctx context.Context, before time.Time, limit int) ([]*FundingRecord, error)
	// TouchFunding sets a pending funding's update time, so the reconciler
	// waits a grace period before looking at it again.
	TouchFunding(ctx context.Context, id string, at time.Time) error

	// CreateRequests stores the requests of one RequestMoney call in one
	// transaction, or returns the requests stored earlier under the same
	// requester and idempotency key (in payer order) with created false.
	CreateRequests(ctx context.Context, rs []*RequestRecord) (stored []*RequestRecord, created bool, err error)
	// Request returns a request by id: ERequestNotFound.
	Request(ctx context.Context, id string) (*RequestRecord, error)
	// SetRequestStatus moves a pending request that has not expired at at
	// to another status (declined, canceled). It reports whether anything
	// changed.
	SetRequestStatus(ctx context.Context, id, status string, at time.Time) (bool, error)
	// Requests lists the requests the user sent or must pay, newest first.
	Requests(ctx context.Context, userID string, p cashless.Page) ([]*RequestRecord, bool, error)
	// ExpireRequests marks up to limit pending requests whose expiry is at
	// or before now as expired and returns how many it changed.
	ExpireRequests(ctx context.Context, now time.Time, limit int) (int, error)
}

// Intent is a P2P transfer as the wallet stores it: the public Transfer
// and what the wallet needs to finish it.
type Intent struct {
	Transfer
	// IdempotencyKey is the sender's key; unique per sender.
	IdempotencyKey string
	// Windows are the limit window keys the amount is reserved in, so the
	// reservation can be released even after the windows have rolled over.
	Windows []string
	// Updated is when the intent last changed.
	Updated time.Time
}

// Reservation is one cap an intent's amount must fit under.
type Reservation struct {
	Period string // "day", "month" or "year", for the error's Param
	Window string // the window key, such as "day:2026-11-29"
	Cap    int64
}

// FundingRecord is a top-up or withdrawal as the wallet stores it.
type FundingRecord struct {
	Funding
	IdempotencyKey string
	// BankAccountSealed is the withdrawal's account number sealed by the
	// vault with the aad "wallet/fundings/<id>/bank_account".
	BankAccountSealed []byte
	// BankOutcome is the bank's final word once it arrived: succeeded or
	// failed; empty before.
	BankOutcome string
	Updated     time.Time
}

// RequestRecord is a money request as the wallet stores it.
type RequestRecord struct {
	Request
	// Attempt numbers the payer's tries: a failed payment starts a new
	// attempt, whose transfer has an idempotency key of its own.
	Attempt        int
	IdempotencyKey string
	// Seq is the payer's position in the RequestMoney call.
	Seq     int
	Updated time.Time
}
