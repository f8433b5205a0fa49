package merchant

import (
	"context"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/intent"
)

// Store keeps the merchant service's rows. Every write that changes what
// an event describes writes the event in the same transaction. Writes are
// idempotent under a rerun of their transaction (sqldb.Group).
type Store interface {
	// CreateMerchant stores a merchant, its sealed bank account (nil when
	// none) and its owner, in one transaction.
	CreateMerchant(ctx context.Context, m *Merchant, sealedBank []byte, owner *Staff) error
	// Merchant returns a merchant: EMerchantNotFound.
	Merchant(ctx context.Context, id string) (*Merchant, error)
	// SealedBankAccount returns the sealed settlement account, nil when
	// the merchant has none: EMerchantNotFound.
	SealedBankAccount(ctx context.Context, merchantID string) ([]byte, error)
	// UpdateMerchant stores m's profile; sealedBank replaces the sealed
	// account when not nil: EMerchantNotFound.
	UpdateMerchant(ctx context.Context, m *Merchant, sealedBank []byte) error
	// MerchantIDs lists merchant ids after the given one, in id order.
	MerchantIDs(ctx context.Context, after string, limit int) ([]string, error)

	// AddStaff stores a membership: EStaffExists.
	AddStaff(ctx context.Context, s *Staff) error
	// StaffMember returns a membership: EStaffNotFound.
	StaffMember(ctx context.Context, merchantID, userID string) (*Staff, error)
	// StaffOf lists a merchant's staff, oldest first.
	StaffOf(ctx context.Context, merchantID string) ([]*Staff, error)
	// Memberships lists a user's memberships, oldest first.
	Memberships(ctx context.Context, userID string) ([]*Staff, error)
	// RemoveStaff deletes a membership other than the owner's:
	// EStaffNotFound.
	RemoveStaff(ctx context.Context, merchantID, userID string) error

	// CreatePaymentRequest stores a request. With a key, a request stored
	// before under (merchant, mode, key) is returned instead (existing
	// true), or EIdempotencyKeyReused when its fingerprint differs.
	CreatePaymentRequest(ctx context.Context, pr *PaymentRequest, key, fingerprint string) (got *PaymentRequest, existing bool, err error)
	// PaymentRequest returns a request of any merchant:
	// EPaymentRequestNotFound.
	PaymentRequest(ctx context.Context, id string) (*PaymentRequest, error)
	// PaymentRequests lists a merchant's requests in a mode, newest first.
	PaymentRequests(ctx context.Context, merchantID string, mode Mode, p cashless.Page) ([]*PaymentRequest, bool, error)
	// CancelPaymentRequest sets a pending request with no payment in
	// flight to canceled and writes the event made by ev:
	// EPaymentRequestNotPending.
	CancelPaymentRequest(ctx context.Context, id string, ev func(*PaymentRequest) Event) (*PaymentRequest, error)
	// ExpirePaymentRequests sets up to limit pending requests with no
	// payment in flight whose expiry is before now to expired, each with
	// its event, and reports how many.
	ExpirePaymentRequests(ctx context.Context, now time.Time, limit int, ev func(*PaymentRequest) Event) (int, error)

	// StartPayment stores a processing payment under lease l and claims
	// its request (pending, not expired at now, no payment in flight) in
	// one transaction. A payment stored before under (payer, key) is
	// returned instead (existing true), or EIdempotencyKeyReused when its
	// fingerprint differs; a request that cannot be claimed is
	// EPaymentRequestNotPayable.
	StartPayment(ctx context.Context, p *Payment, key, fingerprint string, l intent.Lease, now time.Time) (got *Payment, existing bool, err error)
	// FinishPayment records a processing payment's outcome while l holds
	// it: succeeded marks its request succeeded; failed frees the request
	// for another payment. It writes the event made by ev and returns the
	// payment as recorded (unchanged when l no longer holds it).
	FinishPayment(ctx context.Context, id string, l intent.Lease, status, failureCode string, ev func(*Payment) Event) (*Payment, error)
	// Payment returns a payment of any merchant: EPaymentNotFound.
	Payment(ctx context.Context, id string) (*Payment, error)
	// Payments lists a merchant's payments in a mode, newest first.
	Payments(ctx context.Context, merchantID string, mode Mode, p cashless.Page) ([]*Payment, bool, error)

	// StartRefund reserves r's amount on its succeeded payment (refunded
	// plus amount at most the amount) and stores the processing refund
	// under l, in one transaction. A refund stored before under (merchant,
	// mode, key) is returned instead (existing true), or
	// EIdempotencyKeyReused when its fingerprint differs;
	// EPaymentNotRefundable, ERefundExceedsPayment.
	StartRefund(ctx context.Context, r *Refund, key, fingerprint string, l intent.Lease) (got *Refund, existing bool, err error)
	// FinishRefund records a processing refund's outcome while l holds
	// it; failed gives the reservation back in the same transaction.
	FinishRefund(ctx context.Context, id string, l intent.Lease, status, failureCode string, ev func(*Refund) Event) (*Refund, error)
	// Refund returns a refund of any merchant: ERefundNotFound.
	Refund(ctx context.Context, id string) (*Refund, error)
	// Refunds lists a merchant's refunds in a mode, newest first.
	Refunds(ctx context.Context, merchantID string, mode Mode, p cashless.Page) ([]*Refund, bool, error)

	// PaymentQueue and RefundQueue are the intents the reconciler drives.
	PaymentQueue() intent.Queue
	RefundQueue() intent.Queue

	// Event returns one event: EEventNotFound.
	Event(ctx context.Context, merchantID string, mode Mode, id string) (*Event, error)
	// Events lists events newest first.
	Events(ctx context.Context, merchantID string, mode Mode, p cashless.Page) ([]*Event, bool, error)
}
