package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/merchant"
)

func newEndpointID() string { return id.New(id.WebhookEndpoint) }

// batch is how many events or deliveries one pass takes at most.
const batch = 100

// maxResponse is how much of a response body the delivery log keeps.
const maxResponse = 1024

// Run delivers until ctx ends or Close is called, one Pass per Interval.
func (s *Service) Run(ctx context.Context) {
	s.done.Add(1)
	defer s.done.Done()
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	for {
		if _, _, err := s.Pass(ctx); err != nil && ctx.Err() == nil {
			s.opts.Logger.Error("webhook pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

// Close stops Run and waits for it.
func (s *Service) Close() {
	s.once.Do(func() { close(s.stop) })
	s.done.Wait()
	for _, c := range s.clients {
		c.CloseIdleConnections()
	}
}

// Pass dispatches the events waiting in the outbox, then makes every
// attempt that is due. It returns how many events it dispatched and how
// many attempts it made.
func (s *Service) Pass(ctx context.Context) (dispatched, attempts int, err error) {
	for {
		n, err := s.store.Dispatch(ctx, s.now(), batch)
		dispatched += n
		if err != nil {
			return dispatched, attempts, fmt.Errorf("dispatch: %w", err)
		}
		if n < batch {
			break
		}
	}
	jobs, err := s.store.Claim(ctx, s.now(), lease, batch)
	if err != nil {
		return dispatched, 0, fmt.Errorf("claim deliveries: %w", err)
	}
	for _, j := range jobs {
		if _, err := s.attempt(ctx, j, false); err != nil {
			return dispatched, attempts, err
		}
		attempts++
	}
	return dispatched, attempts, nil
}

// Redeliver makes a new attempt now of an event at an endpoint of the
// merchant, signed with the same webhook-id. A success completes a
// delivery that was pending or failed; a failure leaves its schedule as
// it was. EDeliveryNotFound, EDeliveryBusy.
func (s *Service) Redeliver(ctx context.Context, merchantID string, mode merchant.Mode, eventID, endpointID string) (*Attempt, error) {
	if _, err := s.store.Endpoint(ctx, merchantID, mode, endpointID); err != nil {
		return nil, err
	}
	j, err := s.store.ClaimOne(ctx, eventID, endpointID, s.now(), lease)
	if err != nil {
		return nil, err
	}
	if j.Delivery.MerchantID != merchantID || j.Delivery.Mode != mode {
		return nil, cashless.Errorf(EDeliveryNotFound, "No delivery of %s to %s.", eventID, endpointID)
	}
	return s.attempt(ctx, j, true)
}

// Body returns the JSON a delivery of the event POSTs.
func Body(e *merchant.Event) ([]byte, error) {
	return json.Marshal(struct {
		ID       string `json:"id"`
		Object   string `json:"object"`
		Type     string `json:"type"`
		Created  int64  `json:"created"`
		Livemode bool   `json:"livemode"`
		Data     struct {
			Object json.RawMessage `json:"object"`
		} `json:"data"`
	}{ID: e.ID, Object: "event", Type: e.Type, Created: e.Created.Unix(), Livemode: e.Mode == merchant.Live,
		Data: struct {
			Object json.RawMessage `json:"object"`
		}{Object: json.RawMessage(e.Data)}})
}

// attempt sends one claimed delivery and records what came of it.
func (s *Service) attempt(ctx context.Context, j *Job, manual bool) (*Attempt, error) {
	now := s.now()
	a := Attempt{EventID: j.Delivery.EventID, EndpointID: j.Delivery.EndpointID, N: j.Delivery.Attempts + 1, At: now, Manual: manual}
	if j.Endpoint == nil || (!j.Endpoint.Enabled && !manual) {
		a.Error = "endpoint_disabled"
	} else {
		s.send(ctx, j, &a)
	}
	o := &Outcome{Attempt: a, FirstTry: j.Delivery.FirstTry, Ok: a.Error == ""}
	if o.FirstTry.IsZero() {
		o.FirstTry = now
	}
	switch {
	case o.Ok:
		o.Status = StatusSucceeded
	case manual:
		o.Status, o.NextTry = j.Delivery.Status, j.Delivery.NextTry
	case j.Endpoint == nil || !j.Endpoint.Enabled:
		o.Status = StatusFailed
	default:
		o.Status, o.NextTry = s.next(o.FirstTry, now, a.N)
	}
	if !o.Ok && j.Endpoint != nil && j.Endpoint.Enabled {
		o.DisableBefore = now.Add(-s.opts.DisableAfter)
		o.Disabled = disabledEvent(j.Endpoint, now)
	}
	disabled, err := s.store.Record(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("record attempt: %w", err)
	}
	if !o.Ok {
		s.opts.Logger.Warn("webhook attempt failed", "event", a.EventID, "endpoint", a.EndpointID, "attempt", a.N, "status", a.StatusCode, "error", a.Error)
	}
	if disabled && s.opts.OnDisabled != nil {
		e := *j.Endpoint
		e.Enabled = false
		s.opts.OnDisabled(ctx, &e)
	}
	return &a, nil
}

// next returns a failed delivery's state after attempt n: pending at the
// schedule's next time, or failed once that falls past the window.
func (s *Service) next(first, now time.Time, n int) (string, time.Time) {
	d := s.opts.Schedule[min(n, len(s.opts.Schedule)-1)]
	at := now.Add(d)
	if at.After(first.Add(s.opts.Window)) {
		return StatusFailed, time.Time{}
	}
	return StatusPending, at
}

// send POSTs the event and fills in the attempt's result.
func (s *Service) send(ctx context.Context, j *Job, a *Attempt) {
	body, err := Body(&j.Event)
	if err != nil {
		a.Error = "internal"
		return
	}
	secrets, err := s.secrets(ctx, j.Endpoint, a.At)
	if err != nil {
		a.Error = "internal"
		s.opts.Logger.Error("webhook secret", "endpoint", j.Endpoint.ID, "err", err)
		return
	}
	h, err := Headers(secrets, j.Event.ID, a.At, body)
	if err != nil {
		a.Error = "internal"
		return
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.Endpoint.URL, bytes.NewReader(body))
	if err != nil {
		a.Error = "invalid_url"
		return
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Cashless-Webhooks/1")
	start := time.Now()
	resp, err := s.clients[j.Endpoint.Mode].Do(req)
	a.Latency = time.Since(start)
	if err != nil {
		a.Error = errorClass(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	a.StatusCode, a.Response = resp.StatusCode, string(b)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		a.Error = "http_status"
	}
}

// errorClass names a transport failure for the log without its details,
// which may hold addresses of the receiver's network.
func errorClass(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, errAddrNotAllowed) || cashless.ErrorCode(err) == EURLNotAllowed:
		return "address_not_allowed"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "dns"
	}
	return "connection"
}

// disabledEvent is the event that tells the merchant an endpoint was
// disabled for failing.
func disabledEvent(e *Endpoint, now time.Time) merchant.Event {
	data, _ := json.Marshal(map[string]any{
		"id": e.ID, "object": "webhook_endpoint", "url": e.URL, "enabled": false,
		"disabled_reason": "failing", "failing_since": e.FailingSince.Unix(),
	})
	return merchant.Event{ID: id.New(id.Event), MerchantID: e.MerchantID, Mode: e.Mode, Type: EventEndpointDisabled, Data: data, Created: now}
}
