package client

import (
	"context"
	"maps"
	"net/http"
)

// Split divides a total among the payers.
type Split struct {
	Total int64 `json:"total"`
}

// RequestParams ask people for money: Amount from each, or Split.
type RequestParams struct {
	From     []To   `json:"from"`
	Amount   int64  `json:"amount,omitempty"`
	Split    *Split `json:"split,omitempty"`
	Currency string `json:"currency"`
	Message  string `json:"message,omitempty"`
}

// RequestMoney creates one request per payer.
func (c *Client) RequestMoney(ctx context.Context, key string, p RequestParams) (*List[Request], error) {
	var out List[Request]
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/requests", body: p, key: key, auth: true, out: &out})
	return &out, err
}

// Request returns a request the user sent or received.
func (c *Client) Request(ctx context.Context, id string) (*Request, error) {
	var out Request
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/requests/" + id, auth: true, out: &out})
	return &out, err
}

// Requests lists incoming and outgoing requests.
func (c *Client) Requests(ctx context.Context, p Page) (*List[Request], error) {
	var out List[Request]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/requests", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}

// PayRequest pays a request addressed to the user.
func (c *Client) PayRequest(ctx context.Context, key, id, totpCode string) (*Request, error) {
	var out Request
	var body any = map[string]string{}
	if totpCode != "" {
		body = map[string]string{"totp_code": totpCode}
	}
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/requests/" + id + "/pay", body: body, key: key, auth: true, out: &out})
	return &out, err
}

// DeclineRequest refuses a request addressed to the user.
func (c *Client) DeclineRequest(ctx context.Context, id string) (*Request, error) {
	var out Request
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/requests/" + id + "/decline", auth: true, out: &out})
	return &out, err
}

// CancelRequest withdraws a request the user sent.
func (c *Client) CancelRequest(ctx context.Context, id string) (*Request, error) {
	var out Request
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/requests/" + id + "/cancel", auth: true, out: &out})
	return &out, err
}

// AddContact adds a user to the contacts.
func (c *Client) AddContact(ctx context.Context, who To) (*Contact, error) {
	var out Contact
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/contacts", body: who, auth: true, out: &out})
	return &out, err
}

// Contacts lists the user's contacts.
func (c *Client) Contacts(ctx context.Context, p Page) (*List[Contact], error) {
	var out List[Contact]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/contacts", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}

// Feed lists the activity of friends the user may see.
func (c *Client) Feed(ctx context.Context, p Page) (*List[FeedItem], error) {
	var out List[FeedItem]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/feed", query: pageQuery(p, nil), auth: true, out: &out})
	return &out, err
}

// SetFeedVisibility sets who sees the transfers the user receives.
func (c *Client) SetFeedVisibility(ctx context.Context, visibility string) error {
	return c.do(ctx, call{method: http.MethodPost, path: "/v1/feed/settings",
		body: map[string]string{"default_visibility": visibility}, auth: true})
}

// Raw sends any request and returns the status, headers and body, for
// tests of malformed input. body is sent as is; the client's access token
// goes along unless header has an Authorization of its own.
func (c *Client) Raw(ctx context.Context, method, path string, header http.Header, body []byte) (int, http.Header, []byte, error) {
	h := http.Header{}
	maps.Copy(h, header)
	if h.Get("Authorization") == "" {
		c.authorize(h)
	}
	r, err := c.roundTrip(ctx, method, path, h, body)
	return r.status, r.header, r.body, err
}
