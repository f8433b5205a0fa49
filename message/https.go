package message

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/cashless-dev/cashless/identity"
)

// DefaultTimeout bounds one post of HTTPS when no client is given: a
// signup waits for its codes to be handed over.
const DefaultTimeout = 10 * time.Second

// HTTPSOptions configure an HTTPS sender.
type HTTPSOptions struct {
	// URL is the endpoint each message is posted to; it must be https://.
	URL string
	// Token, when set, is sent as "Authorization: Bearer <token>". It is a
	// secret.
	Token string
	// Client makes the requests; a client with DefaultTimeout when nil.
	// Redirects are never followed, whatever the client: a redirect could
	// carry the codes somewhere else, or off TLS.
	Client *http.Client
}

// HTTPS posts each message as one JSON object, {"to", "channel", "text",
// "code", "created"}, to a provider's endpoint. Any 2xx answer means the
// provider took the message; anything else is an error.
type HTTPS struct {
	url    string
	token  string
	client *http.Client
}

var _ identity.Sender = (*HTTPS)(nil)

// NewHTTPS returns a sender posting to o.URL.
func NewHTTPS(o HTTPSOptions) (*HTTPS, error) {
	u, err := url.Parse(o.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, errors.New("message endpoint: the URL must be https://host/...")
	}
	c := &http.Client{Timeout: DefaultTimeout}
	if o.Client != nil {
		cp := *o.Client
		c = &cp
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &HTTPS{url: o.URL, token: o.Token, client: c}, nil
}

// Send implements identity.Sender. Its errors name the status or the
// transport failure, never the message.
func (h *HTTPS) Send(ctx context.Context, m identity.Message) error {
	body, err := json.Marshal(toWire(m))
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post message: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a key
		}
		return fmt.Errorf("post message: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("post message: the endpoint answered %d", resp.StatusCode)
	}
	return nil
}
