package api

import "time"

// WebhookEndpointParams is the body of POST /v1/webhook_endpoints.
type WebhookEndpointParams struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"` // ["*"] or event types
	Description string   `json:"description,omitempty"`
}

// WebhookEndpointUpdateParams is the body of POST
// /v1/webhook_endpoints/{id}: switch the endpoint on or off.
type WebhookEndpointUpdateParams struct {
	Enabled *bool `json:"enabled"`
}

// RotateSecretParams is the optional body of POST
// /v1/webhook_endpoints/{id}/rotate_secret.
type RotateSecretParams struct {
	// OverlapSeconds is how long the old secret keeps signing beside the
	// new one; the service's default (24 h) when zero.
	OverlapSeconds int64 `json:"overlap_seconds,omitempty"`
}

// RedeliverParams is the body of POST /v1/events/{id}/redeliver.
type RedeliverParams struct {
	Endpoint string `json:"endpoint"`
}

// WebhookEndpoint is a URL the merchant receives its events at; Secret
// (whsec_…) is set only in the answers that make or rotate it.
type WebhookEndpoint struct {
	Object       string    `json:"object"` // "webhook_endpoint"
	ID           string    `json:"id"`
	Livemode     bool      `json:"livemode"`
	URL          string    `json:"url"`
	Events       []string  `json:"events"`
	Description  string    `json:"description,omitempty"`
	Enabled      bool      `json:"enabled"`
	Secret       string    `json:"secret,omitempty"`
	FailingSince time.Time `json:"failing_since,omitzero"`
	Created      time.Time `json:"created"`
}

// WebhookDelivery is one event due to one endpoint.
type WebhookDelivery struct {
	Object         string    `json:"object"` // "webhook_delivery"
	Event          string    `json:"event"`
	Endpoint       string    `json:"endpoint"`
	Livemode       bool      `json:"livemode"`
	EventType      string    `json:"event_type"`
	Status         string    `json:"status"` // pending, succeeded, failed
	Attempts       int       `json:"attempts"`
	LastStatusCode int       `json:"last_status_code,omitempty"`
	FirstTry       time.Time `json:"first_try,omitzero"`
	NextTry        time.Time `json:"next_try,omitzero"`
	Created        time.Time `json:"created"`
}

// WebhookAttempt is one row of a delivery log.
type WebhookAttempt struct {
	Object     string    `json:"object"` // "webhook_attempt"
	Event      string    `json:"event"`
	Endpoint   string    `json:"endpoint"`
	Attempt    int       `json:"attempt"`
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
	Response   string    `json:"response,omitempty"`
	LatencyMS  int64     `json:"latency_ms"`
	Manual     bool      `json:"manual"`
}
