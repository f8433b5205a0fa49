package wallet

import (
	"context"
	"strconv"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/intent"
)

// MoneyStore is the half of the wallet's storage that keeps money
// movements: P2P transfer intents with their limit reservations, top-ups
// and withdrawals, and money requests. Parties come back with only UserID
// set. Every method that changes state is safe to call again and safe
// under several service instances: state changes are conditional on the
// state they leave.
type MoneyStore interface {
	// CreateIntent stores a new transfer intent (status processing, held
	// by the lease it carries) and reserves its amount under every cap, in
	// one transaction. When the sender already has an intent with the same
	// idempotency key, that intent is returned with created false and
	// nothing is written. A cap that the amount would pass fails the whole
	// call with ELimitExceeded (Param: the cap's period). An intent found
	// under the key with in's own id is this call's (its write ran again
	// after an ambiguous commit) and comes back with created true. When the intent
	// pays a request, the request must still be pending
	// (ERequestNotPending otherwise). When stepUp is set, the sender's
	// sends in the step-up window (StepUp.Window before the intent, failed
	// ones left out) plus this one must stay within StepUp.Limit, or the
	// call fails with identity's ETOTPRequired: checked in the same
	// transaction as the reservation, so concurrent sends cannot split a
	// large amount under the threshold.
	CreateIntent(ctx context.Context, in *Intent, caps []Reservation, stepUp *StepUpCheck) (stored *Intent, created bool, err error)
	// IntentByKey returns the sender's intent with an idempotency key:
	// ETransferNotFound when there is none.
	IntentByKey(ctx context.Context, senderID, key string) (*Intent, error)
	// Intent returns an intent by id: ETransferNotFound.
	Intent(ctx context.Context, id string) (*Intent, error)
	// SucceedIntent marks a processing intent succeeded (the ledger
	// committed the transfer of its current attempt), and the request it
	// pays as paid, in one transaction, with the contacts given (the two
	// users as each other's payment contacts) added, keeping any that
	// exist. Any driver may record a success: the ledger has decided. It
	// reports whether anything changed. An intent recorded as failed never
	// becomes succeeded: that would mean the ledger committed a transfer
	// it had refused, and the call fails with an internal error and
	// changes nothing.
	SucceedIntent(ctx context.Context, it *Intent, at time.Time, contacts ...*Contact) (bool, error)
	// FailIntent marks a processing intent failed with a code, releasing
	// its reservation in the same transaction (a request it was paying
	// gets a new attempt number), only while lease l holds the intent and
	// its attempt is still attempt: the caller saw the ledger refuse that
	// attempt's transfer. It reports whether anything changed.
	FailIntent(ctx context.Context, id string, l intent.Lease, attempt int, code string, at time.Time) (bool, error)
	// NextAttempt moves a processing intent from attempt to attempt+1,
	// only while lease l holds it: the caller saw the ledger refuse the
	// transfer of attempt and tries again, with the next attempt's
	// transfer id. It reports whether anything changed.
	NextAttempt(ctx context.Context, id string, l intent.Lease, attempt int, at time.Time) (bool, error)
	// TransferQueue is the queue of processing intents the reconciler
	// drives.
	TransferQueue() intent.Queue
	// Intents lists the user's transfers, newest first: all those the user
	// sent, and the succeeded ones the user received.
	Intents(ctx context.Context, userID string, p cashless.Page) ([]*Intent, bool, error)
	// LimitUsage returns the amounts used in the user's windows (window
	// key → used); windows without use are left out.
	LimitUsage(ctx context.Context, userID, currency string, windows []string) (map[string]int64, error)

	// CreateFunding stores a new funding (status pending, held by the
	// lease it carries), or returns the user's existing funding of the
	// same kind and idempotency key with created false (true when it has
	// f's own id: this call's, its write run again after an ambiguous
	// commit).
	// Its amount is reserved under every cap given (a top-up's), and a
	// withdrawal is held to stepUp as CreateIntent does, in the same
	// transaction; a failed funding gives its reservation back
	// (FinishFunding).
	CreateFunding(ctx context.Context, f *FundingRecord, caps []Reservation, stepUp *StepUpCheck) (stored *FundingRecord, created bool, err error)
	// Funding returns a funding by id: EFundingNotFound.
	Funding(ctx context.Context, id string) (*FundingRecord, error)
	// FundingByKey returns the user's funding of a kind with an
	// idempotency key: EFundingNotFound when there is none.
	FundingByKey(ctx context.Context, userID, kind, key string) (*FundingRecord, error)
	// RecordBankOutcome records the bank's final word on a funding
	// (succeeded or failed) unless one is recorded already, with the
	// failure code a failed outcome leaves (bank_declined for a refusal
	// at once, bank_failed for a later failure) in the same write, so the
	// code does not depend on who applies the outcome. It returns the
	// funding as stored afterwards.
	RecordBankOutcome(ctx context.Context, id, outcome, failureCode string, at time.Time) (*FundingRecord, error)
	// FinishFunding moves a pending funding to succeeded or failed,
	// releasing a failed one's reservation in the same transaction. It
	// reports whether anything changed.
	FinishFunding(ctx context.Context, id, status, failureCode string, at time.Time) (bool, error)
	// Fundings lists the user's fundings of a kind, newest first.
	Fundings(ctx context.Context, userID, kind string, p cashless.Page) ([]*FundingRecord, bool, error)
	// FundingQueue is the queue of pending fundings the reconciler
	// drives.
	FundingQueue() intent.Queue

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
	// IdempotencyKey is the sender's key; unique per sender. A request
	// payment's is derived from the request and its attempt, so that one
	// attempt has one intent however many calls race to make it.
	IdempotencyKey string
	// ClientKey is the Idempotency-Key of the call that made a request
	// payment: a later call with the same key is told that call's outcome,
	// any other that the request is already being paid.
	ClientKey string
	// Windows are the limit window keys the amount is reserved in, so the
	// reservation can be released even after the windows have rolled over.
	Windows []string
	// Attempt numbers the intent's tries at the ledger: each has its own
	// transfer id (TransferID), and a new one starts only after the
	// ledger refused the last (an automatic top-up, then a second try).
	Attempt int
	// Lease is the driver's claim on the intent.
	Lease intent.Lease
	// Updated is when the intent last changed.
	Updated time.Time
}

// TransferID is the ledger transfer id of the intent's current attempt:
// the intent's id for the first, "<id>.<n>" for attempt n after it.
func (it *Intent) TransferID() string {
	if it.Attempt == 0 {
		return it.ID
	}
	return it.ID + "." + strconv.Itoa(it.Attempt)
}

// StepUpCheck is the cumulative step-up rule CreateIntent enforces for a
// send made without a verified one-time code.
type StepUpCheck struct {
	Limit  int64         // minor units the sends in the window may reach without a code
	Window time.Duration // the rolling window
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
	// Windows are the limit window keys a top-up's amount is reserved in.
	Windows []string
	// Lease is the driver's claim on the funding.
	Lease   intent.Lease
	Updated time.Time
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
