package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRequestID(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.do(t, req{method: "GET", path: "/v1/wallet", header: map[string]string{"X-Request-Id": "abc-123"}})
	require.Equal(t, "abc-123", w.Header().Get("X-Request-Id"))

	for _, bad := range []string{"", "has space", strings.Repeat("x", 129), "new\nline"} {
		w = tb.do(t, req{method: "GET", path: "/v1/wallet", header: map[string]string{"X-Request-Id": bad}})
		got := w.Header().Get("X-Request-Id")
		require.Len(t, got, 32, "a fresh id replaces %q", bad)
	}
	a := tb.do(t, req{method: "GET", path: "/v1/wallet"}).Header().Get("X-Request-Id")
	b := tb.do(t, req{method: "GET", path: "/v1/wallet"}).Header().Get("X-Request-Id")
	require.NotEqual(t, a, b)
}

// TestAccessLogKeepsSecretsOut sends personal data and secrets every way a
// request can carry them and checks none reaches the log, while the line
// still has what operators need.
func TestAccessLogKeepsSecretsOut(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.do(t, req{method: "POST", path: "/v1/auth/signup", token: "-",
		body: `{"phone":"+85255512345","email":"carol@example.com","name":"Carol","password":"hunter2hunter2"}`})
	tb.do(t, req{method: "GET", path: "/v1/transfers/tr_secretid", header: map[string]string{"X-Request-Id": "req-log-1"}})
	tb.do(t, req{method: "GET", path: "/v1/transfers?limit=5&starting_after=tr_cursor"})
	tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k-log", body: `{"to":{"phone":"+85298765432"},"amount":100,"currency":"HKD","message":"fail"}`})

	logs := tb.logs.String()
	for _, secret := range []string{"+85255512345", "carol@example.com", "hunter2", "tok-usr_alice", "ref-usr_", "+85298765432", "tr_secretid", "limit=5", "tr_cursor", "k-log"} {
		require.NotContains(t, logs, secret)
	}
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		if strings.Contains(l, "req-log-1") {
			require.NoError(t, json.Unmarshal([]byte(l), &line))
		}
	}
	require.Equal(t, "GET", line["method"])
	require.Equal(t, "/v1/transfers/{id}", line["route"])
	require.EqualValues(t, 404, line["status"])
	require.Contains(t, line, "duration_ms")
	// The internal failure is logged at error level with its request id.
	require.Contains(t, logs, `"level":"ERROR","msg":"api call failed"`)
	require.Contains(t, logs, "ledger unreachable")
}

func TestPanicBecomes500(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k-panic", body: `{"to":{"username":"bob"},"amount":1,"currency":"HKD","message":"panic"}`})
	requireError(t, w, 500, "internal", "")
	e := errorOf(t, w)
	require.Equal(t, "api_error", e.Type)
	require.Equal(t, "An internal error occurred.", e.Message)
	require.NotContains(t, w.Body.String(), "boom")
	require.Contains(t, tb.logs.String(), "boom")

	// The key was given back: a retry runs again (and panics again) rather
	// than being told the key is in use.
	w = tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k-panic", body: `{"to":{"username":"bob"},"amount":1,"currency":"HKD","message":"panic"}`})
	require.Equal(t, 500, w.Code)
}

func TestInternalErrorIsGeneric(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.do(t, req{method: "GET", path: "/v1/wallet", token: "tok-broken"})
	requireError(t, w, 500, "internal", "")
	require.NotContains(t, w.Body.String(), "identity store down")
	require.Empty(t, w.Header().Get("WWW-Authenticate"))
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	big := `{"to":{"username":"bob"},"amount":1,"currency":"HKD","message":"` + strings.Repeat("x", MaxBodyBytes) + `"}`
	w := tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k", body: big})
	requireError(t, w, 413, EBodyTooLarge, "")

	// Without a Content-Length the limit holds while reading.
	r := strings.NewReader(big)
	hr, _ := http.NewRequest("POST", "/v1/contacts", r)
	hr.ContentLength = -1
	hr.Header.Set("Authorization", "Bearer tok-usr_alice")
	hr.Header.Set("Content-Type", "application/json")
	rec := newRecorder()
	tb.srv.ServeHTTP(rec, hr)
	requireError(t, rec, 413, EBodyTooLarge, "")
}

func TestStrictJSON(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tc := range []struct {
		name, body string
		ctype      string
		status     int
		code       string
		param      string
	}{
		{"unknown field", `{"username":"bob","extra":1}`, "", 400, EUnknownParameter, "extra"},
		{"malformed", `{"username":`, "", 400, EInvalidJSON, ""},
		{"not an object", `[1,2]`, "", 400, EInvalidJSON, ""},
		{"trailing data", `{"username":"bob"} {}`, "", 400, EInvalidJSON, ""},
		{"trailing garbage", `{"username":"bob"}x`, "", 400, EInvalidJSON, ""},
		{"empty", ` `, "", 400, EInvalidJSON, ""},
		{"wrong type", `{"username":5}`, "", 400, "invalid_request", "username"},
		{"form body", `username=bob`, "application/x-www-form-urlencoded", 415, EInvalidContentType, "Content-Type"},
		{"no content type", `{"username":"bob"}`, "-", 415, EInvalidContentType, ""},
		{"json with charset", `{"username":"bob"}`, "application/json; charset=utf-8", 201, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{}
			if tc.ctype != "" {
				h["Content-Type"] = tc.ctype
				if tc.ctype == "-" {
					h["Content-Type"] = ""
				}
			}
			w := tb.do(t, req{method: "POST", path: "/v1/contacts", body: tc.body, header: h})
			if tc.code == "" {
				require.Equal(t, tc.status, w.Code, w.Body.String())
				return
			}
			requireError(t, w, tc.status, tc.code, tc.param)
		})
	}
}

func TestBearerAuth(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tc := range []struct {
		name, header, code string
	}{
		{"missing", "", EMissingToken},
		{"wrong scheme", "Basic dXNlcjpwYXNz", "invalid_token"},
		{"empty token", "Bearer ", "invalid_token"},
		{"unknown token", "Bearer tok-usr_mallory", "invalid_token"},
	} {
		hr, _ := http.NewRequest("GET", "/v1/me", nil)
		if tc.header != "" {
			hr.Header.Set("Authorization", tc.header)
		}
		w := newRecorder()
		tb.srv.ServeHTTP(w, hr)
		requireError(t, w, 401, tc.code, "")
		require.Equal(t, "authentication_error", errorOf(t, w).Type)
		require.True(t, strings.HasPrefix(w.Header().Get("WWW-Authenticate"), `Bearer realm="cashless"`), tc.name)
	}
	// The scheme is case-insensitive.
	w := tb.do(t, req{method: "GET", path: "/v1/me", token: "-", header: map[string]string{"Authorization": "bearer tok-usr_alice"}})
	require.Equal(t, 200, w.Code, w.Body.String())
}

func TestRateLimitPerUser(t *testing.T) {
	t.Parallel()
	tb := setup(t, withRateLimit(RateLimit{UserRate: 0.5, UserBurst: 2}))
	for range 2 {
		require.Equal(t, 200, tb.do(t, req{method: "GET", path: "/v1/wallet"}).Code)
	}
	w := tb.do(t, req{method: "GET", path: "/v1/wallet"})
	requireError(t, w, 429, ERateLimited, "")
	require.Equal(t, "rate_limit_error", errorOf(t, w).Type)
	require.Equal(t, "2", w.Header().Get("Retry-After"), "one token every 2 s")

	// Another user has a bucket of their own, and public routes are not
	// throttled per user.
	require.Equal(t, 200, tb.do(t, req{method: "GET", path: "/v1/wallet", token: "tok-usr_bob"}).Code)
	require.Equal(t, 200, tb.do(t, req{method: "GET", path: "/v1/openapi.json", token: "-"}).Code)

	tb.advance(2 * time.Second)
	require.Equal(t, 200, tb.do(t, req{method: "GET", path: "/v1/wallet"}).Code)
}

func TestRateLimitPerIP(t *testing.T) {
	t.Parallel()
	tb := setup(t, withRateLimit(RateLimit{IPRate: 4, IPBurst: 3}))
	login := req{method: "POST", path: "/v1/auth/login", token: "-", body: `{"phone":"+85291234567","password":"wrong password"}`}
	for range 3 {
		require.Equal(t, 401, tb.do(t, login).Code)
	}
	w := tb.do(t, login)
	requireError(t, w, 429, ERateLimited, "")
	require.Equal(t, "1", w.Header().Get("Retry-After"), "at least one second")

	// Authenticated routes are not throttled per IP.
	require.Equal(t, 200, tb.do(t, req{method: "GET", path: "/v1/wallet"}).Code)
}

func TestLoginLockoutRetryAfter(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	tb.ids.lockedFor = 90*time.Second + time.Millisecond
	w := tb.do(t, req{method: "POST", path: "/v1/auth/login", token: "-", body: `{"phone":"+85291234567","password":"correct horse"}`})
	requireError(t, w, 429, "login_locked", "")
	require.Equal(t, "91", w.Header().Get("Retry-After"))
}

func TestUnknownRouteAndMethod(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	requireError(t, tb.do(t, req{method: "GET", path: "/v1/nope"}), 404, ERouteNotFound, "")
	w := tb.do(t, req{method: "PUT", path: "/v1/transfers", body: `{}`})
	requireError(t, w, 405, EMethodNotAllowed, "")
	require.Equal(t, "POST, GET", w.Header().Get("Allow"))
}
