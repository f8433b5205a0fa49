package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
)

// fakeEvents is an API that lists events newest first, as GET /v1/events
// does, with the limit and ending_before cursor.
type fakeEvents struct {
	mu     sync.Mutex
	events []map[string]any // oldest first
}

func (f *fakeEvents) add(typ string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprintf("evt_%04d", len(f.events)+1)
	f.events = append(f.events, map[string]any{"id": id, "object": "event", "type": typ,
		"created": "2026-03-04T05:06:07Z", "livemode": false, "data": map[string]any{"object": map[string]any{"id": "pay_1"}}})
	return id
}

func (f *fakeEvents) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/events" || r.Header.Get("Authorization") != "Bearer sk_test_abc" {
		http.Error(w, `{"error":{"code":"unauthenticated"}}`, http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	var page []map[string]any
	more := false
	if before := r.URL.Query().Get("ending_before"); before != "" {
		for _, e := range f.events { // oldest first after the cursor
			if e["id"].(string) > before {
				if len(page) == limit {
					more = true
					break
				}
				page = append(page, e)
			}
		}
		for i, j := 0, len(page)-1; i < j; i, j = i+1, j-1 {
			page[i], page[j] = page[j], page[i]
		}
	} else {
		for i := len(f.events) - 1; i >= 0; i-- {
			if len(page) == limit {
				more = true
				break
			}
			page = append(page, f.events[i])
		}
	}
	if page == nil {
		page = []map[string]any{}
	}
	json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": page, "has_more": more})
}

func TestWebhooksListen(t *testing.T) {
	t.Parallel()
	api := &fakeEvents{}
	api.add("payment.succeeded") // before the start: not forwarded
	apiSrv := httptest.NewServer(api)
	defer apiSrv.Close()

	var mu sync.Mutex
	var got []string
	var secret string
	local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if err := client.VerifyWebhook(secret, r.Header, body, 0); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var e struct{ ID string }
		json.Unmarshal(body, &e)
		require.Equal(t, e.ID, r.Header.Get("webhook-id"))
		got = append(got, e.ID)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer local.Close()

	tm := newTestMain(map[string]string{"CASHLESS_API_KEY": "sk_test_abc"})
	ctx := t.Context()
	require.NoError(t, tm.ParseFlags(ctx, []string{"webhooks", "listen", "--forward-to", local.URL + "/hook",
		"--url", apiSrv.URL, "--interval", "20ms"}))
	require.NoError(t, tm.Run(ctx))
	defer tm.Close()
	m := regexp.MustCompile(`Signing secret: (whsec_\S+)`).FindStringSubmatch(tm.stdout.String())
	require.NotNil(t, m, tm.stdout.String())
	mu.Lock()
	secret = m[1]
	mu.Unlock()

	var want []string
	for i := range 150 { // more than one page
		typ := "payment.succeeded"
		if i%2 == 1 {
			typ = "refund.succeeded"
		}
		want = append(want, api.add(typ))
	}
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) >= len(want)
	}, 10*time.Second, 10*time.Millisecond)
	time.Sleep(100 * time.Millisecond) // nothing more arrives
	mu.Lock()
	require.Equal(t, want, got, "each new event once, oldest first")
	mu.Unlock()
	require.Contains(t, tm.stdout.String(), "payment.succeeded evt_0002 -> 204")
	require.Contains(t, tm.stdout.String(), "refund.succeeded evt_0003 -> 204")
	require.NotContains(t, tm.stdout.String(), "evt_0001")
}

func TestWebhooksListenFlags(t *testing.T) {
	t.Parallel()
	tm := newTestMain(nil)
	require.ErrorContains(t, tm.ParseFlags(t.Context(), []string{"webhooks", "listen", "--forward-to", "http://localhost:3000/"}), "api-key")
	require.ErrorContains(t, tm.ParseFlags(t.Context(), []string{"webhooks", "listen", "--api-key", "sk_test_x"}), "forward-to")
	require.Error(t, tm.ParseFlags(t.Context(), []string{"webhooks"}))
	require.ErrorContains(t, tm.ParseFlags(t.Context(), []string{"webhooks", "listen", "--api-key", "k", "--forward-to", "http://x/", "--secret", "nope"}), "secret")
}
