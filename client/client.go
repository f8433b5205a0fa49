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
	return &Client{base: c.base, http: c.http, access: access, refresh: refresh}
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
	// Replayed reports that the answer was a stored idempotent response.
	Replayed bool
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

// Response metadata of the last call, for tests that look at headers.
type Response struct {
	Status   int
	Replayed bool
	Header   http.Header
}

func (c *Client) do(ctx context.Context, k call) (*Response, error) {
	resp, err := c.send(ctx, k)
	if err != nil {
		return nil, err
	}
	if resp.Status == http.StatusUnauthorized && k.auth {
		if _, refresh := c.Tokens(); refresh != "" && k.path != "/v1/auth/refresh" {
			if rerr := c.RefreshTokens(ctx); rerr == nil {
				return c.finish(ctx, k)
			}
		}
	}
	return c.decode(resp, k)
}

// finish sends k again after a refresh and decodes the answer.
func (c *Client) finish(ctx context.Context, k call) (*Response, error) {
	resp, err := c.send(ctx, k)
	if err != nil {
		return nil, err
	}
	return c.decode(resp, k)
}

type rawResponse struct {
	Response
	body []byte
}

func (c *Client) send(ctx context.Context, k call) (*rawResponse, error) {
	u := c.base + k.path
	if len(k.query) > 0 {
		u += "?" + k.query.Encode()
	}
	var body io.Reader
	if k.body != nil {
		b, err := json.Marshal(k.body)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, u, body)
	if err != nil {
		return nil, err
	}
	if k.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if k.key != "" {
		req.Header.Set("Idempotency-Key", k.key)
	}
	if k.auth {
		if access, _ := c.Tokens(); access != "" {
			req.Header.Set("Authorization", "Bearer "+access)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	return &rawResponse{Response: Response{
		Status:   resp.StatusCode,
		Replayed: resp.Header.Get("Idempotent-Replayed") == "true",
		Header:   resp.Header,
	}, body: b}, nil
}

func (c *Client) decode(resp *rawResponse, k call) (*Response, error) {
	if resp.Status >= 300 {
		var env struct {
			Error *Error `json:"error"`
		}
		if err := json.Unmarshal(resp.body, &env); err != nil || env.Error == nil {
			return &resp.Response, &Error{Status: resp.Status, Code: "unexpected_response", Message: truncate(string(resp.body))}
		}
		env.Error.Status = resp.Status
		env.Error.Replayed = resp.Replayed
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			env.Error.RetryAfter = time.Duration(s) * time.Second
		}
		return &resp.Response, env.Error
	}
	switch out := k.out.(type) {
	case nil:
	case *[]byte:
		*out = resp.body
	default:
		if err := json.Unmarshal(resp.body, out); err != nil {
			return &resp.Response, fmt.Errorf("decode %s %s response: %w", k.method, k.path, err)
		}
	}
	return &resp.Response, nil
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

func (c *Client) raw(ctx context.Context, method, path string, header http.Header, body []byte) (int, http.Header, []byte, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return 0, nil, nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if req.Header.Get("Authorization") == "" {
		if access, _ := c.Tokens(); access != "" {
			req.Header.Set("Authorization", "Bearer "+access)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b, err
}
