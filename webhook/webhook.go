package webhook

import (
	"context"
	"slices"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
)

// Stable error codes of the webhook service.
const (
	// EInvalidURL: not an absolute http(s) URL, or http for a live endpoint.
	EInvalidURL = "invalid_webhook_url"
	// EURLNotAllowed: a URL whose host resolves to an address the mode may
	// not reach (private, loopback, link-local, CGNAT, multicast...).
	EURLNotAllowed = "webhook_url_not_allowed"
	// EInvalidEventType: an event type that Cashless never sends.
	EInvalidEventType = "invalid_event_type"
	// EEndpointNotFound: no such endpoint of this merchant in this mode.
	EEndpointNotFound = "webhook_endpoint_not_found"
	// EDeliveryNotFound: the event was never due to this endpoint.
	EDeliveryNotFound = "webhook_delivery_not_found"
	// EDeliveryBusy: the delivery is being sent right now; try again in a
	// few seconds (409).
	EDeliveryBusy = "webhook_delivery_busy"
)

// EventEndpointDisabled is written to the merchant's events when an
// endpoint that kept failing is switched off, so that the merchant learns
// it from its other endpoints and the event list.
const EventEndpointDisabled = "webhook_endpoint.disabled"

// EventTypes lists every type an endpoint may subscribe to; "*" stands for
// all of them, including those added later.
var EventTypes = []string{
	merchant.EventPaymentSucceeded,
	merchant.EventPaymentFailed,
	merchant.EventPaymentRequestExpired,
	merchant.EventPaymentRequestCanceled,
	merchant.EventRefundSucceeded,
	merchant.EventRefundFailed,
	merchant.EventPayoutPaid,
	merchant.EventPayoutFailed,
	EventEndpointDisabled,
}

// Endpoint is a URL a merchant receives its events at.
type Endpoint struct {
	ID          string // we_...
	MerchantID  string
	Mode        merchant.Mode
	URL         string
	Events      []string // ["*"] or a list of EventTypes
	Description string
	Enabled     bool
	Created     time.Time
	// Secret is the current signing secret, sealed by the vault.
	Secret []byte
	// PrevSecret is the secret before the last rotation, sealed; it keeps
	// signing until PrevExpires so receivers can switch without losing
	// deliveries. Nil when there is none.
	PrevSecret  []byte
	PrevExpires time.Time
	// FailingSince is the first failed attempt since the endpoint last
	// succeeded; zero while it is healthy.
	FailingSince time.Time
}

// Wants reports whether the endpoint subscribes to events of type typ.
func (e *Endpoint) Wants(typ string) bool {
	return slices.Contains(e.Events, "*") || slices.Contains(e.Events, typ)
}

// Delivery statuses.
const (
	StatusPending   = "pending"
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
)

// Delivery is one event due to one endpoint; there is exactly one per pair.
type Delivery struct {
	EventID    string
	EndpointID string
	MerchantID string
	Mode       merchant.Mode
	EventType  string
	Status     string // pending, succeeded, failed
	Attempts   int
	Created    time.Time
	FirstTry   time.Time // zero before the first attempt
	NextTry    time.Time // when pending
	LastCode   int       // HTTP status of the last attempt, 0 if none
}

// Attempt is one row of the delivery log: one POST and what came of it.
// It never holds a secret.
type Attempt struct {
	EventID    string
	EndpointID string
	N          int // 1, 2, ...
	At         time.Time
	StatusCode int    // 0 when no response came
	Error      string // error class when no 2xx: timeout, connection, address_not_allowed, http_status...
	Response   string // first 1 KiB of the response body
	Latency    time.Duration
	Manual     bool // a redelivery asked for by the merchant
}

// Job is a delivery claimed for one attempt, with what sending needs.
type Job struct {
	Delivery Delivery
	Event    merchant.Event
	Endpoint *Endpoint // nil when the endpoint was deleted
}

// Outcome is what one attempt did, recorded in one transaction.
type Outcome struct {
	Attempt Attempt
	// Status and NextTry are the delivery's new state.
	Status  string
	NextTry time.Time
	// FirstTry is when the delivery was first tried (the retry window's
	// start).
	FirstTry time.Time
	// Ok is a 2xx answer; it clears the endpoint's FailingSince.
	Ok bool
	// DisableBefore: a failed attempt disables the endpoint when it has
	// been failing since this time or earlier; zero never disables.
	DisableBefore time.Time
	// Disabled is the event written when the endpoint is disabled.
	Disabled merchant.Event
}

// DeliveryFilter picks the deliveries of one event or one endpoint (or
// both) of a merchant in a mode.
type DeliveryFilter struct {
	MerchantID string
	Mode       merchant.Mode
	EventID    string
	EndpointID string
}

// Store keeps endpoints and deliveries. Methods return *cashless.Error
// values with EEndpointNotFound or EDeliveryNotFound where they say so.
type Store interface {
	CreateEndpoint(ctx context.Context, e *Endpoint) error
	// Endpoint: EEndpointNotFound.
	Endpoint(ctx context.Context, merchantID string, mode merchant.Mode, id string) (*Endpoint, error)
	Endpoints(ctx context.Context, merchantID string, mode merchant.Mode, p cashless.Page) ([]*Endpoint, bool, error)
	// UpdateEndpoint saves the mutable fields: URL, events, description,
	// enabled and secrets. EEndpointNotFound.
	UpdateEndpoint(ctx context.Context, e *Endpoint) error
	// DeleteEndpoint: EEndpointNotFound. Its deliveries stay, for the log.
	DeleteEndpoint(ctx context.Context, merchantID string, mode merchant.Mode, id string) error
	Outbox
	// Claim leases up to limit pending deliveries due at now until
	// now+lease; a delivery leased by someone else is skipped.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*Job, error)
	// ClaimOne leases one delivery whatever its status, for a manual
	// redelivery: EDeliveryNotFound, EDeliveryBusy.
	ClaimOne(ctx context.Context, eventID, endpointID string, now time.Time, lease time.Duration) (*Job, error)
	// Record saves an attempt and the delivery's new state and releases the
	// lease. It reports whether it disabled the endpoint, and records
	// nothing (returning false, nil) when another instance recorded the
	// same attempt number first.
	Record(ctx context.Context, o *Outcome) (disabled bool, err error)
	Deliveries(ctx context.Context, f DeliveryFilter, p cashless.Page) ([]*Delivery, bool, error)
	Attempts(ctx context.Context, eventID, endpointID string) ([]*Attempt, error)
}

// Outbox is the dispatcher's view of the merchant service's events.
type Outbox interface {
	// Dispatch takes up to limit undispatched events in id order and, in
	// one transaction, adds one delivery per enabled endpoint of the same
	// merchant and mode that wants the event's type (a pair that has one
	// already gets none), and marks the events dispatched. It returns how
	// many events it dispatched.
	Dispatch(ctx context.Context, now time.Time, limit int) (int, error)
}
