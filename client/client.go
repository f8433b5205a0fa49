// Package client is a Go client of the Cashless public API (API.md). It
// speaks plain JSON over HTTP and shares no code with the server, so the
// end-to-end tests that use it check the wire contract itself.
//
// A Client holds one user's tokens: Signup and Login store them, and a call
// that gets 401 invalid_token refreshes once and retries. Calls that move
// money take an idempotency key; retrying with the same key is safe.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Client calls the API of one Cashless server as one user. It is safe for
// concurrent use.
type Client struct {
	base string
	http *http.Client

	// apiKey, merchant and mode make it a merchant client (merchant.go).
	apiKey   string
	merchant string
	mode     string

	mu      sync.Mutex
	access  string
	refresh string
}

// New returns a client of the server at baseURL (e.g. "http://127.0.0.1:8080").
// A nil httpClient means http.DefaultClient.
func New(baseURL string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), http: httpClient}
}

// WithTokens returns a copy of c that uses the given tokens.
func (c *Client) WithTokens(access, refresh string) *Client {
	return &Client{base: c.base, http: c.http, apiKey: c.apiKey, merchant: c.merchant, mode: c.mode, access: access, refresh: refresh}
}

// Tokens returns the client's current access and refresh tokens.
func (c *Client) Tokens() (access, refresh string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.access, c.refresh
}

func (c *Client) setTokens(access, refresh string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.access, c.refresh = access, refresh
}

// Error is an error answer of the API.
type Error struct {
	Status     int    // HTTP status
	Type       string `json:"type"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	Param      string `json:"param,omitempty"`
	RetryAfter time.Duration
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("cashless API %d %s: %s", e.Status, e.Code, e.Message)
}

// ErrorCode returns the API error code of err, or "" when err is not an
// API error.
func ErrorCode(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Code
	}
	return ""
}

// call describes one request.
type call struct {
	method string
	path   string
	query  url.Values
	body   any
	key    string // Idempotency-Key
	auth   bool
	out    any // decoded on 2xx; *[]byte takes the raw body
}

// do sends k and decodes the answer. A 401 on an authenticated call
// refreshes the tokens once and sends k again.
func (c *Client) do(ctx context.Context, k call) error {
	r, err := c.send(ctx, k)
	if err != nil {
		return err
	}
	if r.status == http.StatusUnauthorized && k.auth {
		if _, refresh := c.Tokens(); refresh != "" && k.path != "/v1/auth/refresh" {
			if rerr := c.RefreshTokens(ctx); rerr == nil {
				return c.finish(ctx, k)
			}
		}
	}
	return decode(r, k)
}

// finish sends k again after a refresh and decodes the answer.
func (c *Client) finish(ctx context.Context, k call) error {
	r, err := c.send(ctx, k)
	if err != nil {
		return err
	}
	return decode(r, k)
}

// reply is an answer of the server, its body read in full.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// send encodes k as a request and sends it.
func (c *Client) send(ctx context.Context, k call) (reply, error) {
	path := k.path
	if len(k.query) > 0 {
		path += "?" + k.query.Encode()
	}
	h := http.Header{}
	var body []byte
	if k.body != nil {
		b, err := json.Marshal(k.body)
		if err != nil {
			return reply{}, fmt.Errorf("encode request: %w", err)
		}
		body = b
		h.Set("Content-Type", "application/json")
	}
	if k.key != "" {
		h.Set("Idempotency-Key", k.key)
	}
	if k.auth {
		c.authorize(h)
	}
	return c.roundTrip(ctx, k.method, path, h, body)
}

// authorize adds the client's credential to h: its API key, or else its
// access token when it has one, and the merchant and mode it acts in.
func (c *Client) authorize(h http.Header) {
	if c.apiKey != "" {
		h.Set("Authorization", "Bearer "+c.apiKey)
	} else if access, _ := c.Tokens(); access != "" {
		h.Set("Authorization", "Bearer "+access)
	}
	if c.merchant != "" {
		h.Set("Cashless-Merchant", c.merchant)
	}
	if c.mode != "" {
		h.Set("Cashless-Mode", c.mode)
	}
}

// roundTrip sends one request with the given headers and body (none when
// nil) and reads the whole answer. Every request of the client goes
// through it.
func (c *Client) roundTrip(ctx context.Context, method, path string, header http.Header, body []byte) (reply, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return reply{}, err
	}
	maps.Copy(req.Header, header)
	resp, err := c.http.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, fmt.Errorf("read response: %w", err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// decode turns an error answer into an *Error, and decodes a successful
// one into k.out.
func decode(r reply, k call) error {
	if r.status >= 300 {
		var env struct {
			Error *Error `json:"error"`
		}
		if err := json.Unmarshal(r.body, &env); err != nil || env.Error == nil {
			return &Error{Status: r.status, Code: "unexpected_response", Message: truncate(string(r.body))}
		}
		env.Error.Status = r.status
		if s, err := strconv.Atoi(r.header.Get("Retry-After")); err == nil {
			env.Error.RetryAfter = time.Duration(s) * time.Second
		}
		return env.Error
	}
	switch out := k.out.(type) {
	case nil:
	case *[]byte:
		*out = r.body
	default:
		if err := json.Unmarshal(r.body, out); err != nil {
			return fmt.Errorf("decode %s %s response: %w", k.method, k.path, err)
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// pageQuery turns list options into query parameters.
func pageQuery(p Page, extra url.Values) url.Values {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.StartingAfter != "" {
		q.Set("starting_after", p.StartingAfter)
	}
	if p.EndingBefore != "" {
		q.Set("ending_before", p.EndingBefore)
	}
	return q
}

// Page selects a page of a list.
type Page struct {
	Limit         int
	StartingAfter string
	EndingBefore  string
}

// List is a page of objects, newest first.
type List[T any] struct {
	Object  string `json:"object"`
	Data    []T    `json:"data"`
	HasMore bool   `json:"has_more"`
}
