package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cashless-dev/cashless/webhook"
)

// webhooksCommand is "cashless webhooks listen": it polls a merchant's
// events through the public API and forwards each new one, signed as
// Cashless signs webhooks, to a local server, so a merchant can develop
// its receiver without a public URL.
type webhooksCommand struct {
	m         *Main
	forwardTo string
	apiURL    string
	apiKey    string
	secret    string
	interval  time.Duration

	http   *http.Client
	cursor string // the newest event seen
	stop   context.CancelFunc
	done   chan error
}

func (c *webhooksCommand) parse(args []string) error {
	if len(args) == 0 || args[0] != "listen" {
		c.m.usageWebhooks()
		return errors.New("usage: cashless webhooks listen --forward-to URL")
	}
	fs := flag.NewFlagSet("webhooks listen", flag.ContinueOnError)
	fs.StringVar(&c.forwardTo, "forward-to", "", "local URL to POST each event to, e.g. http://localhost:3000/hook (required)")
	fs.StringVar(&c.apiURL, "url", "http://127.0.0.1:8080", "base URL of the Cashless API")
	fs.StringVar(&c.apiKey, "api-key", "", "the merchant's API key, sk_test_... or sk_live_... (required)")
	fs.StringVar(&c.secret, "secret", "", "signing secret (whsec_...); a new one is made and printed when empty")
	fs.DurationVar(&c.interval, "interval", 2*time.Second, "how often to poll for new events")
	if err := c.m.parseFlags(fs, args[1:], "cashless webhooks listen --forward-to URL [flags]",
		"Streams the merchant's new events to a local server, signed per Standard Webhooks."); err != nil {
		return err
	}
	switch {
	case c.forwardTo == "":
		return errors.New("--forward-to is required")
	case c.apiKey == "":
		return errors.New("--api-key (or CASHLESS_API_KEY) is required")
	case c.interval <= 0:
		return errors.New("--interval must be positive")
	}
	if u, err := url.Parse(c.forwardTo); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--forward-to %q is not an http(s) URL", c.forwardTo)
	}
	if c.secret == "" {
		c.secret = webhook.NewSecret()
	}
	if _, err := webhook.Sign([]string{c.secret}, "x", time.Now(), nil); err != nil {
		return fmt.Errorf("--secret: %w", err)
	}
	return nil
}

func (m *Main) usageWebhooks() {
	fmt.Fprint(m.Stderr, "Usage: cashless webhooks listen --forward-to URL [--api-key KEY] [--url URL]\n")
}

// run finds the newest event, so only events after the start are
// forwarded, prints the secret, and starts polling.
func (c *webhooksCommand) run(ctx context.Context) error {
	c.http = &http.Client{Timeout: webhook.Timeout}
	page, _, err := c.events(ctx, url.Values{"limit": {"1"}})
	if err != nil {
		return err
	}
	if len(page) > 0 {
		c.cursor = page[0].ID
	}
	fmt.Fprintf(c.m.Stdout, "Ready. Forwarding events to %s\nSigning secret: %s\n", c.forwardTo, c.secret)
	ctx, c.stop = context.WithCancel(ctx)
	c.done = make(chan error, 1)
	go func() { c.done <- c.loop(ctx) }()
	return nil
}

func (c *webhooksCommand) wait(ctx context.Context) error {
	select {
	case err := <-c.done:
		return err
	case <-ctx.Done():
		return nil
	}
}

func (c *webhooksCommand) close() error {
	if c.stop != nil {
		c.stop()
		<-c.done
	}
	return nil
}

func (c *webhooksCommand) loop(ctx context.Context) error {
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := c.poll(ctx); err != nil && ctx.Err() == nil {
			fmt.Fprintf(c.m.Stderr, "poll events: %v\n", err)
		}
	}
}

// poll forwards every event newer than the cursor, oldest first: pages
// of ending_before come newest first, each holding the events just after
// the cursor.
func (c *webhooksCommand) poll(ctx context.Context) error {
	for {
		q := url.Values{"limit": {"100"}}
		if c.cursor != "" {
			q.Set("ending_before", c.cursor)
		}
		page, more, err := c.events(ctx, q)
		if err != nil {
			return err
		}
		for i := len(page) - 1; i >= 0; i-- {
			c.forward(ctx, page[i])
			c.cursor = page[i].ID
		}
		if !more || len(page) == 0 {
			return nil
		}
	}
}

// apiEvent is one event as the API lists it; raw is forwarded unchanged.
type apiEvent struct {
	ID   string
	Type string
	raw  []byte
}

func (c *webhooksCommand) events(ctx context.Context, q url.Values) ([]apiEvent, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(c.apiURL, "/")+"/v1/events?"+q.Encode(), nil)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, false, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, false, fmt.Errorf("GET /v1/events: %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	var list struct {
		Data    []json.RawMessage `json:"data"`
		HasMore bool              `json:"has_more"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, false, fmt.Errorf("GET /v1/events: %w", err)
	}
	out := make([]apiEvent, 0, len(list.Data))
	for _, raw := range list.Data {
		var e struct{ ID, Type string }
		if err := json.Unmarshal(raw, &e); err != nil || e.ID == "" {
			return nil, false, fmt.Errorf("GET /v1/events: malformed event")
		}
		out = append(out, apiEvent{ID: e.ID, Type: e.Type, raw: raw})
	}
	return out, list.HasMore, nil
}

// forward POSTs one event to the local server and prints one line.
func (c *webhooksCommand) forward(ctx context.Context, e apiEvent) {
	h, err := webhook.Headers([]string{c.secret}, e.ID, time.Now(), e.raw)
	if err == nil {
		var req *http.Request
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, c.forwardTo, bytes.NewReader(e.raw))
		if err == nil {
			req.Header = h
			req.Header.Set("Content-Type", "application/json")
			var resp *http.Response
			if resp, err = c.http.Do(req); err == nil {
				io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
				resp.Body.Close()
				fmt.Fprintf(c.m.Stdout, "%s %s %s -> %d\n", time.Now().UTC().Format(time.TimeOnly), e.Type, e.ID, resp.StatusCode)
				return
			}
		}
	}
	fmt.Fprintf(c.m.Stdout, "%s %s %s -> error: %v\n", time.Now().UTC().Format(time.TimeOnly), e.Type, e.ID, err)
}
