package api

import (
	"context"
	"net/http"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/webhook"
)

// Webhooks is what the API needs of the webhook service (*webhook.Service
// implements it). The service trusts its caller with the merchant and
// mode; the API passes the actor's and checks the actor's permission
// (merchant.PermRead to read, merchant.PermWebhooks to change) first.
type Webhooks interface {
	CreateEndpoint(ctx context.Context, p webhook.EndpointParams) (*webhook.Endpoint, string, error)
	Endpoint(ctx context.Context, merchantID string, mode merchant.Mode, id string) (*webhook.Endpoint, error)
	Endpoints(ctx context.Context, merchantID string, mode merchant.Mode, p cashless.Page) ([]*webhook.Endpoint, bool, error)
	DeleteEndpoint(ctx context.Context, merchantID string, mode merchant.Mode, id string) error
	SetEnabled(ctx context.Context, merchantID string, mode merchant.Mode, id string, enabled bool) (*webhook.Endpoint, error)
	RotateSecret(ctx context.Context, merchantID string, mode merchant.Mode, id string, overlap time.Duration) (string, error)
	Deliveries(ctx context.Context, f webhook.DeliveryFilter, p cashless.Page) ([]*webhook.Delivery, bool, error)
	Attempts(ctx context.Context, merchantID string, mode merchant.Mode, eventID, endpointID string) ([]*webhook.Attempt, error)
	Redeliver(ctx context.Context, merchantID string, mode merchant.Mode, eventID, endpointID string) (*webhook.Attempt, error)
}

// EWebhooksUnavailable: the server runs without the webhook service (503).
const EWebhooksUnavailable = "webhooks_unavailable"

// webhookCall checks the actor holds p and the webhook service runs.
func (s *Server) webhookCall(c *call, p merchant.Permission) error {
	if s.webhooks == nil {
		return errorf(EWebhooksUnavailable, "This server runs without the webhook service.")
	}
	return c.actor.Require(p)
}

func (s *Server) createWebhookEndpoint(c *call) (int, any, error) {
	var p WebhookEndpointParams
	if err := decodeJSON(c.body, &p); err != nil {
		return 0, nil, err
	}
	if err := firstErr(need(p.URL != "", "url"), need(len(p.Events) > 0, "events")); err != nil {
		return 0, nil, err
	}
	if err := s.webhookCall(c, merchant.PermWebhooks); err != nil {
		return 0, nil, err
	}
	e, secret, err := s.webhooks.CreateEndpoint(c.ctx, webhook.EndpointParams{MerchantID: c.actor.MerchantID, Mode: c.actor.Mode,
		URL: p.URL, Events: p.Events, Description: p.Description})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toWebhookEndpoint(e, secret), nil
}

func (s *Server) listWebhookEndpoints(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	if err := s.webhookCall(c, merchant.PermRead); err != nil {
		return 0, nil, err
	}
	list, more, err := s.webhooks.Endpoints(c.ctx, c.actor.MerchantID, c.actor.Mode, page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, func(e *webhook.Endpoint) WebhookEndpoint { return toWebhookEndpoint(e, "") }), more), nil
}

func (s *Server) getWebhookEndpoint(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	if err := s.webhookCall(c, merchant.PermRead); err != nil {
		return 0, nil, err
	}
	e, err := s.webhooks.Endpoint(c.ctx, c.actor.MerchantID, c.actor.Mode, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toWebhookEndpoint(e, ""), nil
}

func (s *Server) updateWebhookEndpoint(c *call) (int, any, error) {
	var p WebhookEndpointUpdateParams
	if err := decodeJSON(c.body, &p); err != nil {
		return 0, nil, err
	}
	if err := s.webhookCall(c, merchant.PermWebhooks); err != nil {
		return 0, nil, err
	}
	// Another merchant's endpoint is not found, whatever the body says.
	if _, err := s.webhooks.Endpoint(c.ctx, c.actor.MerchantID, c.actor.Mode, c.r.PathValue("id")); err != nil {
		return 0, nil, err
	}
	if err := need(p.Enabled != nil, "enabled"); err != nil {
		return 0, nil, err
	}
	e, err := s.webhooks.SetEnabled(c.ctx, c.actor.MerchantID, c.actor.Mode, c.r.PathValue("id"), *p.Enabled)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toWebhookEndpoint(e, ""), nil
}

func (s *Server) deleteWebhookEndpoint(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	if err := s.webhookCall(c, merchant.PermWebhooks); err != nil {
		return 0, nil, err
	}
	id := c.r.PathValue("id")
	if err := s.webhooks.DeleteEndpoint(c.ctx, c.actor.MerchantID, c.actor.Mode, id); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Deleted{Object: "webhook_endpoint", ID: id, Deleted: true}, nil
}

// rotateWebhookSecret answers the new secret once; the route is idemCheck
// so that it never rests in the idempotency table.
func (s *Server) rotateWebhookSecret(c *call) (int, any, error) {
	var p RotateSecretParams
	if err := decodeOptional(c.body, &p); err != nil {
		return 0, nil, err
	}
	if p.OverlapSeconds < 0 || p.OverlapSeconds > 7*24*3600 {
		return 0, nil, errParam(cashless.EInvalid, "overlap_seconds", "Field overlap_seconds must be between 0 and 604800 (7 days).")
	}
	if err := s.webhookCall(c, merchant.PermWebhooks); err != nil {
		return 0, nil, err
	}
	id := c.r.PathValue("id")
	secret, err := s.webhooks.RotateSecret(c.ctx, c.actor.MerchantID, c.actor.Mode, id, time.Duration(p.OverlapSeconds)*time.Second)
	if err != nil {
		return 0, nil, err
	}
	e, err := s.webhooks.Endpoint(c.ctx, c.actor.MerchantID, c.actor.Mode, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toWebhookEndpoint(e, secret), nil
}

func (s *Server) endpointDeliveries(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	if err := s.webhookCall(c, merchant.PermRead); err != nil {
		return 0, nil, err
	}
	id := c.r.PathValue("id")
	if _, err := s.webhooks.Endpoint(c.ctx, c.actor.MerchantID, c.actor.Mode, id); err != nil {
		return 0, nil, err // another merchant's endpoint is not found, not an empty list
	}
	return s.deliveries(c, webhook.DeliveryFilter{EndpointID: id}, page)
}

func (s *Server) eventDeliveries(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	if err := s.webhookCall(c, merchant.PermRead); err != nil {
		return 0, nil, err
	}
	id := c.r.PathValue("id")
	if _, err := s.merchants.Event(c.ctx, c.actor, id); err != nil {
		return 0, nil, err
	}
	return s.deliveries(c, webhook.DeliveryFilter{EventID: id}, page)
}

func (s *Server) deliveries(c *call, f webhook.DeliveryFilter, page cashless.Page) (int, any, error) {
	f.MerchantID, f.Mode = c.actor.MerchantID, c.actor.Mode
	list, more, err := s.webhooks.Deliveries(c.ctx, f, page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toWebhookDelivery), more), nil
}

// deliveryAttempts is the delivery log of one event at one endpoint.
func (s *Server) deliveryAttempts(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	if err := s.webhookCall(c, merchant.PermRead); err != nil {
		return 0, nil, err
	}
	id := c.r.PathValue("id")
	if _, err := s.merchants.Event(c.ctx, c.actor, id); err != nil {
		return 0, nil, err
	}
	list, err := s.webhooks.Attempts(c.ctx, c.actor.MerchantID, c.actor.Mode, id, c.r.PathValue("endpoint"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toWebhookAttempt), false), nil
}

func (s *Server) redeliver(c *call) (int, any, error) {
	var p RedeliverParams
	if err := decodeJSON(c.body, &p); err != nil {
		return 0, nil, err
	}
	if err := s.webhookCall(c, merchant.PermWebhooks); err != nil {
		return 0, nil, err
	}
	id := c.r.PathValue("id")
	if _, err := s.merchants.Event(c.ctx, c.actor, id); err != nil {
		return 0, nil, err // another merchant's event is not found, whatever the body
	}
	if err := need(p.Endpoint != "", "endpoint"); err != nil {
		return 0, nil, err
	}
	a, err := s.webhooks.Redeliver(c.ctx, c.actor.MerchantID, c.actor.Mode, id, p.Endpoint)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toWebhookAttempt(a), nil
}

func toWebhookEndpoint(e *webhook.Endpoint, secret string) WebhookEndpoint {
	events := e.Events
	if events == nil {
		events = []string{}
	}
	return WebhookEndpoint{Object: "webhook_endpoint", ID: e.ID, Livemode: livemode(e.Mode), URL: e.URL, Events: events,
		Description: e.Description, Enabled: e.Enabled, Secret: secret, FailingSince: utc(e.FailingSince), Created: utc(e.Created)}
}

func toWebhookDelivery(d *webhook.Delivery) WebhookDelivery {
	return WebhookDelivery{Object: "webhook_delivery", Event: d.EventID, Endpoint: d.EndpointID, Livemode: livemode(d.Mode),
		EventType: d.EventType, Status: d.Status, Attempts: d.Attempts, LastStatusCode: d.LastCode,
		FirstTry: utc(d.FirstTry), NextTry: utc(d.NextTry), Created: utc(d.Created)}
}

func toWebhookAttempt(a *webhook.Attempt) WebhookAttempt {
	return WebhookAttempt{Object: "webhook_attempt", Event: a.EventID, Endpoint: a.EndpointID, Attempt: a.N, At: utc(a.At),
		StatusCode: a.StatusCode, Error: a.Error, Response: a.Response, LatencyMS: a.Latency.Milliseconds(), Manual: a.Manual}
}
