package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// WebhookEndpoint is a URL the merchant receives its events at; Secret is
// set only by CreateWebhookEndpoint and RotateWebhookSecret.
type WebhookEndpoint struct {
	Object       string    `json:"object"`
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
	Object         string    `json:"object"`
	Event          string    `json:"event"`
	Endpoint       string    `json:"endpoint"`
	Livemode       bool      `json:"livemode"`
	EventType      string    `json:"event_type"`
	Status         string    `json:"status"`
	Attempts       int       `json:"attempts"`
	LastStatusCode int       `json:"last_status_code,omitempty"`
	FirstTry       time.Time `json:"first_try,omitzero"`
	NextTry        time.Time `json:"next_try,omitzero"`
	Created        time.Time `json:"created"`
}

// WebhookAttempt is one row of a delivery log.
type WebhookAttempt struct {
	Object     string    `json:"object"`
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

// WebhookEndpointParams describe a new endpoint.
type WebhookEndpointParams struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description,omitempty"`
}

// CreateWebhookEndpoint registers an endpoint; its Secret is shown once.
func (c *Client) CreateWebhookEndpoint(ctx context.Context, p WebhookEndpointParams) (*WebhookEndpoint, error) {
	var out WebhookEndpoint
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/webhook_endpoints", body: p, auth: true, out: &out})
	return &out, err
}

// WebhookEndpoints lists the merchant's endpoints.
func (c *Client) WebhookEndpoints(ctx context.Context, p Page) (*List[WebhookEndpoint], error) {
	var out List[WebhookEndpoint]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/webhook_endpoints", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}

// WebhookEndpoint returns one endpoint.
func (c *Client) WebhookEndpoint(ctx context.Context, id string) (*WebhookEndpoint, error) {
	var out WebhookEndpoint
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/webhook_endpoints/" + url.PathEscape(id), auth: true, out: &out})
	return &out, err
}

// SetWebhookEndpointEnabled switches an endpoint on or off.
func (c *Client) SetWebhookEndpointEnabled(ctx context.Context, id string, enabled bool) (*WebhookEndpoint, error) {
	var out WebhookEndpoint
	body := struct {
		Enabled bool `json:"enabled"`
	}{enabled}
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/webhook_endpoints/" + url.PathEscape(id), body: body, auth: true, out: &out})
	return &out, err
}

// DeleteWebhookEndpoint deletes an endpoint.
func (c *Client) DeleteWebhookEndpoint(ctx context.Context, id string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: "/v1/webhook_endpoints/" + url.PathEscape(id), auth: true})
}

// RotateWebhookSecret gives an endpoint a new secret, returned once; the
// old one keeps signing for overlap (the server's default when zero).
func (c *Client) RotateWebhookSecret(ctx context.Context, id string, overlap time.Duration) (*WebhookEndpoint, error) {
	var out WebhookEndpoint
	body := struct {
		OverlapSeconds int64 `json:"overlap_seconds,omitempty"`
	}{int64(overlap / time.Second)}
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/webhook_endpoints/" + url.PathEscape(id) + "/rotate_secret", body: body, auth: true, out: &out})
	return &out, err
}

// EndpointDeliveries lists the deliveries to one endpoint.
func (c *Client) EndpointDeliveries(ctx context.Context, id string, p Page) (*List[WebhookDelivery], error) {
	var out List[WebhookDelivery]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/webhook_endpoints/" + url.PathEscape(id) + "/deliveries", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}

// EventDeliveries lists the deliveries of one event.
func (c *Client) EventDeliveries(ctx context.Context, eventID string, p Page) (*List[WebhookDelivery], error) {
	var out List[WebhookDelivery]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/events/" + url.PathEscape(eventID) + "/deliveries", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}

// DeliveryAttempts returns the delivery log of an event at an endpoint.
func (c *Client) DeliveryAttempts(ctx context.Context, eventID, endpointID string) (*List[WebhookAttempt], error) {
	var out List[WebhookAttempt]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/events/" + url.PathEscape(eventID) + "/deliveries/" + url.PathEscape(endpointID), auth: true, out: &out})
	return &out, err
}

// Redeliver sends an event to an endpoint again now.
func (c *Client) Redeliver(ctx context.Context, eventID, endpointID string) (*WebhookAttempt, error) {
	var out WebhookAttempt
	body := struct {
		Endpoint string `json:"endpoint"`
	}{endpointID}
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/events/" + url.PathEscape(eventID) + "/redeliver", body: body, auth: true, out: &out})
	return &out, err
}
