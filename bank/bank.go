package bank

import (
	"context"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/money"
)

// Stable codes of the errors a Connector returns.
const (
	// EDeclined is an order the bank refused at once; it will never move
	// money.
	EDeclined = "bank_declined"
	// ERefReused is a ref submitted again with a different order.
	ERefReused = "bank_ref_reused"
)

// Direction is the way an order moves money.
type Direction string

// The directions of an order.
const (
	// In is a top-up: money moves from the user's bank to the platform.
	In Direction = "in"
	// Out is a withdrawal or payout: money moves from the platform to a
	// bank account.
	Out Direction = "out"
)

// Order asks a bank to move money in or out of the platform.
type Order struct {
	// Ref identifies the order at the bank and makes Submit idempotent.
	Ref string
	// Direction is In for a top-up and Out for a withdrawal.
	Direction Direction
	// Amount is positive.
	Amount money.Amount
	// Account is the bank account number money goes to when Direction is
	// Out; empty for In.
	Account string
}

// Status is where an order stands at the bank.
type Status string

// The statuses of an order.
const (
	// Pending is an order the bank accepted and has not settled yet.
	Pending Status = "pending"
	// Succeeded is an order whose money moved.
	Succeeded Status = "succeeded"
	// Failed is an order whose money did not and will not move.
	Failed Status = "failed"
	// Unknown is a ref the bank has never seen (or has forgotten).
	Unknown Status = "unknown"
)

// Outcome is what a bank reports about an order.
type Outcome struct {
	// Ref is the order's ref.
	Ref string
	// Status is where the order stands.
	Status Status
	// Reason explains a Failed status in words safe to show the user.
	Reason string
	// At is when the bank settled or refused the order; zero while it is
	// pending or unknown.
	At time.Time
}

// Connector is the platform's link to a bank.
//
// Submit is idempotent on Ref: submitting the same order again returns the
// same answer and never moves money twice, and submitting a different order
// under a ref already used is an error with code ERefReused. Submit returns
// quickly; the outcome comes later through the notify function given at
// construction, and can be polled with Status. A Submit error with code
// EDeclined means the bank refused the order at once; no outcome follows.
// A malformed order is an error with code cashless.EInvalid.
//
// Status returns the current outcome of the order with the given ref, with
// status Unknown for a ref the bank never saw.
type Connector interface {
	Submit(ctx context.Context, o Order) error
	Status(ctx context.Context, ref string) (Outcome, error)
}

// maxRef is the longest ref a bank accepts.
const maxRef = 64

// validate checks an order's fields.
func validate(o Order) error {
	if o.Ref == "" || len(o.Ref) > maxRef {
		return &cashless.Error{Code: cashless.EInvalid, Message: "an order needs a ref of 1 to 64 bytes", Param: "ref"}
	}
	if o.Direction != In && o.Direction != Out {
		return &cashless.Error{Code: cashless.EInvalid, Message: `an order's direction is "in" or "out"`, Param: "direction"}
	}
	if _, err := money.LookupCurrency(o.Amount.Currency); err != nil {
		return &cashless.Error{Code: cashless.EInvalid, Message: "an order needs a known currency", Param: "currency"}
	}
	if !o.Amount.IsPositive() {
		return &cashless.Error{Code: cashless.EInvalid, Message: "an order's amount must be positive", Param: "amount"}
	}
	if o.Direction == Out && o.Account == "" {
		return &cashless.Error{Code: cashless.EInvalid, Message: "a withdrawal needs a bank account", Param: "account"}
	}
	if o.Direction == In && o.Account != "" {
		return &cashless.Error{Code: cashless.EInvalid, Message: "a top-up takes no bank account", Param: "account"}
	}
	return nil
}
