package payout

import (
	"context"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/merchant"
)

// Statuses of a payout.
const (
	StatusPending = "pending"
	StatusPaid    = "paid"
	StatusFailed  = "failed"
)

// Failure codes a payout may carry. They appear on the Payout, and
// EBankDeclined and EInsufficientBalance also as the error of the call
// that made it.
const (
	// EBankFailed: the bank accepted the order and later reported it failed.
	EBankFailed = "bank_failed"
	// EBankDeclined: the bank refused the order at once.
	EBankDeclined = "bank_declined"
)

// Record is a payout as the store keeps it: the public payout with what
// only the money path needs.
type Record struct {
	merchant.Payout
	// Requested is the amount the call asked for (zero: the whole
	// balance), kept to tell a retry from a reuse of its idempotency key.
	Requested      int64
	IdempotencyKey string
	// BankOutcome is the bank's final word (bank.Succeeded or bank.Failed),
	// recorded before it is applied; empty until then.
	BankOutcome string
	Lease       intent.Lease
}

// Store keeps payouts. Every write is safe under concurrent callers on
// any number of instances.
type Store interface {
	// CreatePayout stores a new pending payout unless one with the same
	// merchant, mode and idempotency key exists; it returns the stored
	// payout and whether it is the new one.
	CreatePayout(ctx context.Context, r *Record) (stored *Record, created bool, err error)
	// Payout returns a payout by id: merchant.EPayoutNotFound.
	Payout(ctx context.Context, id string) (*Record, error)
	// PayoutByKey returns the payout with an idempotency key:
	// merchant.EPayoutNotFound.
	PayoutByKey(ctx context.Context, merchantID string, mode merchant.Mode, key string) (*Record, error)
	// Payouts lists a merchant's payouts in a mode, newest first.
	Payouts(ctx context.Context, merchantID string, mode merchant.Mode, p cashless.Page) ([]*Record, bool, error)
	// PreviousPaid returns the newest paid payout of the merchant, mode and
	// currency made before the one with id before (ids sort by creation):
	// merchant.EPayoutNotFound when there is none.
	PreviousPaid(ctx context.Context, merchantID string, mode merchant.Mode, currency, before string) (*Record, error)
	// RecordBankOutcome records the bank's final word on a pending payout
	// once (a later call keeps the first) and returns the payout:
	// merchant.EPayoutNotFound.
	RecordBankOutcome(ctx context.Context, id, outcome, failureCode string) (*Record, error)
	// FinishPayout moves a pending payout to paid or failed and inserts ev
	// into the merchant's event outbox in the same transaction; a payout
	// no longer pending is left as it is, and no event is written. It
	// returns the payout as stored.
	FinishPayout(ctx context.Context, id, status, failureCode string, at time.Time, ev merchant.Event) (*Record, error)
	// Queue is the intent queue over pending payouts.
	Queue() intent.Queue
}
