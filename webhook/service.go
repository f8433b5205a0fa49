package webhook

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
)

// Sealer encrypts endpoint secrets at rest; *vault.Vault implements it.
type Sealer interface {
	Seal(ctx context.Context, plaintext, aad []byte) ([]byte, error)
	Unseal(ctx context.Context, sealed, aad []byte) ([]byte, error)
}

// DefaultSchedule is the Standard Webhooks retry schedule: the delay
// before each attempt after the previous one; the last delay repeats
// until the retry window ends.
var DefaultSchedule = []time.Duration{0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute,
	2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// Defaults of Options.
const (
	DefaultWindow       = 72 * time.Hour
	DefaultOverlap      = 24 * time.Hour
	DefaultDisableAfter = 5 * 24 * time.Hour
	DefaultInterval     = time.Second
	// Timeout bounds one POST: a slow receiver must not hold a lease.
	Timeout = 10 * time.Second
	// lease outlasts one POST with room to record it.
	lease = 3 * Timeout
)

// Options configure a Service. Zero values take the defaults.
type Options struct {
	// Schedule is the delay before attempt n+1 after attempt n; the first
	// entry is the delay of the first attempt after the event.
	Schedule []time.Duration
	// Window is how long after the first attempt retries go on before the
	// delivery fails (3 days).
	Window time.Duration
	// Overlap is how long a rotated-out secret keeps signing (24 h).
	Overlap time.Duration
	// DisableAfter disables an endpoint whose attempts have all failed for
	// this long (5 days).
	DisableAfter time.Duration
	// Interval is how often Run looks for work.
	Interval time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Logger gets delivery failures; slog.Default when nil.
	Logger *slog.Logger
	// Resolve looks up endpoint hosts at creation and at delivery. Tests
	// replace it; the address guard applies to what it returns either way.
	Resolve Resolver
	// OnDisabled is told, after the commit, of an endpoint disabled for
	// failing, so the server can message the merchant's owner.
	OnDisabled func(ctx context.Context, e *Endpoint)
}

// Service manages endpoints and delivers events to them.
type Service struct {
	store  Store
	sealer Sealer
	opts   Options
	// clients per mode: each dials through the mode's address guard.
	clients map[merchant.Mode]*http.Client

	stop chan struct{}
	done sync.WaitGroup
	once sync.Once
}

// New returns a service on store, sealing secrets with sealer. Call Run
// (or Pass in tests) to deliver, and Close to stop.
func New(store Store, sealer Sealer, opts Options) *Service {
	if len(opts.Schedule) == 0 {
		opts.Schedule = DefaultSchedule
	}
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	if opts.Overlap <= 0 {
		opts.Overlap = DefaultOverlap
	}
	if opts.DisableAfter <= 0 {
		opts.DisableAfter = DefaultDisableAfter
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Resolve == nil {
		opts.Resolve = defaultResolver
	}
	s := &Service{store: store, sealer: sealer, opts: opts, stop: make(chan struct{}), clients: map[merchant.Mode]*http.Client{}}
	for _, m := range []merchant.Mode{merchant.Live, merchant.Test} {
		s.clients[m] = &http.Client{
			Timeout: Timeout,
			// A redirect could lead past the guard's URL checks to
			// another host; Standard Webhooks treats it as a failure.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport: &http.Transport{
				DialContext:         guardedDial(m, opts.Resolve),
				MaxIdleConnsPerHost: 4,
				IdleConnTimeout:     time.Minute,
			},
		}
	}
	return s
}

func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// EndpointParams describe a new endpoint.
type EndpointParams struct {
	MerchantID  string
	Mode        merchant.Mode
	URL         string
	Events      []string
	Description string
}

func validEvents(events []string) error {
	if len(events) == 0 {
		return &cashless.Error{Code: EInvalidEventType, Message: `Give "*" or at least one event type.`, Param: "events"}
	}
	for _, t := range events {
		if t == "*" && len(events) == 1 {
			continue
		}
		known := false
		for _, k := range EventTypes {
			known = known || k == t
		}
		if !known {
			return &cashless.Error{Code: EInvalidEventType, Message: "Unknown event type: " + t + ".", Param: "events"}
		}
	}
	return nil
}

// CreateEndpoint registers an endpoint and returns it with its secret,
// which is shown this once and stored only sealed.
func (s *Service) CreateEndpoint(ctx context.Context, p EndpointParams) (*Endpoint, string, error) {
	if p.Mode != merchant.Live && p.Mode != merchant.Test {
		return nil, "", cashless.Errorf(cashless.EInvalid, "Mode must be live or test.")
	}
	if len(p.Description) > 500 {
		return nil, "", &cashless.Error{Code: cashless.EInvalid, Message: "The description is too long.", Param: "description"}
	}
	if err := validEvents(p.Events); err != nil {
		return nil, "", err
	}
	if err := checkURL(ctx, p.Mode, p.URL, s.opts.Resolve); err != nil {
		return nil, "", err
	}
	e := &Endpoint{ID: newEndpointID(), MerchantID: p.MerchantID, Mode: p.Mode, URL: p.URL,
		Events: append([]string(nil), p.Events...), Description: p.Description, Enabled: true, Created: s.now()}
	secret := NewSecret()
	sealed, err := s.sealer.Seal(ctx, []byte(secret), secretAAD(e.ID))
	if err != nil {
		return nil, "", err
	}
	e.Secret = sealed
	if err := s.store.CreateEndpoint(ctx, e); err != nil {
		return nil, "", err
	}
	return e, secret, nil
}

// Endpoint returns one endpoint: EEndpointNotFound.
func (s *Service) Endpoint(ctx context.Context, merchantID string, mode merchant.Mode, id string) (*Endpoint, error) {
	return s.store.Endpoint(ctx, merchantID, mode, id)
}

// Endpoints lists a merchant's endpoints in a mode, newest first.
func (s *Service) Endpoints(ctx context.Context, merchantID string, mode merchant.Mode, p cashless.Page) ([]*Endpoint, bool, error) {
	return s.store.Endpoints(ctx, merchantID, mode, p)
}

// DeleteEndpoint removes an endpoint; its pending deliveries fail.
func (s *Service) DeleteEndpoint(ctx context.Context, merchantID string, mode merchant.Mode, id string) error {
	return s.store.DeleteEndpoint(ctx, merchantID, mode, id)
}

// SetEnabled switches an endpoint on or off. Switching it on clears its
// failure streak, so it gets the full span again before it is disabled.
func (s *Service) SetEnabled(ctx context.Context, merchantID string, mode merchant.Mode, id string, enabled bool) (*Endpoint, error) {
	e, err := s.store.Endpoint(ctx, merchantID, mode, id)
	if err != nil {
		return nil, err
	}
	e.Enabled = enabled
	if enabled {
		e.FailingSince = time.Time{}
	}
	return e, s.store.UpdateEndpoint(ctx, e)
}

// RotateSecret gives the endpoint a new secret, returned this once. The
// old one keeps signing beside it for overlap (Options.Overlap when zero),
// so a receiver can switch without rejecting a delivery; a secret rotated
// out earlier stops at once.
func (s *Service) RotateSecret(ctx context.Context, merchantID string, mode merchant.Mode, id string, overlap time.Duration) (string, error) {
	if overlap <= 0 {
		overlap = s.opts.Overlap
	}
	e, err := s.store.Endpoint(ctx, merchantID, mode, id)
	if err != nil {
		return "", err
	}
	secret := NewSecret()
	sealed, err := s.sealer.Seal(ctx, []byte(secret), secretAAD(e.ID))
	if err != nil {
		return "", err
	}
	e.PrevSecret, e.PrevExpires, e.Secret = e.Secret, s.now().Add(overlap), sealed
	return secret, s.store.UpdateEndpoint(ctx, e)
}

// secrets returns the endpoint's secrets that sign at now, current first.
func (s *Service) secrets(ctx context.Context, e *Endpoint, now time.Time) ([]string, error) {
	cur, err := s.sealer.Unseal(ctx, e.Secret, secretAAD(e.ID))
	if err != nil {
		return nil, err
	}
	out := []string{string(cur)}
	if e.PrevSecret != nil && now.Before(e.PrevExpires) {
		prev, err := s.sealer.Unseal(ctx, e.PrevSecret, secretAAD(e.ID))
		if err != nil {
			return nil, err
		}
		out = append(out, string(prev))
	}
	return out, nil
}

// secretAAD binds a sealed secret to its endpoint, so a sealed value
// copied to another row does not open.
func secretAAD(endpointID string) []byte { return []byte(endpointID + "/secret") }

// Deliveries lists deliveries of an event or an endpoint, newest first.
func (s *Service) Deliveries(ctx context.Context, f DeliveryFilter, p cashless.Page) ([]*Delivery, bool, error) {
	return s.store.Deliveries(ctx, f, p)
}

// Attempts returns the delivery log of one event at one endpoint of the
// merchant, oldest first: EDeliveryNotFound.
func (s *Service) Attempts(ctx context.Context, merchantID string, mode merchant.Mode, eventID, endpointID string) ([]*Attempt, error) {
	ds, _, err := s.store.Deliveries(ctx, DeliveryFilter{MerchantID: merchantID, Mode: mode, EventID: eventID, EndpointID: endpointID}, cashless.Page{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, cashless.Errorf(EDeliveryNotFound, "No delivery of %s to %s.", eventID, endpointID)
	}
	return s.store.Attempts(ctx, eventID, endpointID)
}
