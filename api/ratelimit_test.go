package api

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fromIP sends r as tb.do does, but from another client address.
func (tb *testBundle) fromIP(t *testing.T, ip string, r req) *httptest.ResponseRecorder {
	t.Helper()
	hr := httptest.NewRequest(r.method, r.path, bytes.NewBufferString(r.body))
	hr.RemoteAddr = ip + ":40000"
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Authorization", "Bearer "+r.token)
	if r.key != "" {
		hr.Header.Set("Idempotency-Key", r.key)
	}
	w := httptest.NewRecorder()
	tb.srv.ServeHTTP(w, hr)
	return w
}

func contact(username string) req {
	return req{method: "POST", path: "/v1/contacts", body: `{"username":"` + username + `"}`}
}

func transfer(key string) req {
	return req{method: "POST", path: "/v1/transfers", key: key, body: `{"to":{"username":"bob"},"amount":100,"currency":"HKD"}`}
}

// moneyRequest asks n payers (all Bob) for HK$1 each.
func moneyRequest(key string, n int) req {
	from := strings.Repeat(`{"username":"bob"},`, n)
	return req{method: "POST", path: "/v1/requests", key: key, body: `{"from":[` + from[:len(from)-1] + `],"amount":100,"currency":"HKD"}`}
}

// requireLookupLimited checks a lookup refused by its bucket.
func requireLookupLimited(t *testing.T, w *httptest.ResponseRecorder, retryAfter string) {
	t.Helper()
	requireError(t, w, 429, ERateLimited, "")
	require.Equal(t, "rate_limit_error", errorOf(t, w).Type)
	require.Equal(t, retryAfter, w.Header().Get("Retry-After"))
}

// TestLookupLimitPerAccount: adding contacts, sending and requesting money
// all resolve people by phone, email, username or PayCode, and share one
// bucket per account, so that an account cannot walk a list of numbers to
// learn who is a customer and by what name.
func TestLookupLimitPerAccount(t *testing.T) {
	t.Parallel()
	tb := setup(t, withRateLimit(RateLimit{LookupsPerMinute: 4}))

	// A body the handler refuses unread resolves no one and costs nothing.
	for range 10 {
		w := tb.do(t, req{method: "POST", path: "/v1/contacts", body: `{"username":"bob","Username":"x"}`})
		requireError(t, w, 400, EUnknownParameter, "Username")
	}
	require.Equal(t, 201, tb.do(t, contact("bob")).Code)
	require.Equal(t, 201, tb.do(t, transfer("k-t1")).Code)
	// A request costs one lookup per payer: two are left, three are asked.
	requireLookupLimited(t, tb.do(t, moneyRequest("k-r1", 3)), "15") // 4 a minute: one every 15 s
	require.Equal(t, 201, tb.do(t, moneyRequest("k-r2", 2)).Code)
	requireLookupLimited(t, tb.do(t, contact("bob")), "15")
	requireLookupLimited(t, tb.do(t, transfer("k-t2")), "15")
	require.Equal(t, 1, tb.wallet.sends, "the refused transfer never reached the wallet")

	// A replay resolves no one anew and is not refused.
	w := tb.do(t, transfer("k-t1"))
	require.Equal(t, 201, w.Code, w.Body.String())
	require.Equal(t, "true", w.Header().Get("Idempotent-Replayed"))

	// Bob has a bucket of his own.
	require.Equal(t, 201, tb.do(t, req{method: "POST", path: "/v1/contacts", token: "tok-usr_bob", body: `{"username":"alice"}`}).Code)

	// The 429 was not stored under its key: once a token is back, the same
	// key runs the transfer.
	tb.advance(15 * time.Second)
	w = tb.do(t, transfer("k-t2"))
	require.Equal(t, 201, w.Code, w.Body.String())
	require.Empty(t, w.Header().Get("Idempotent-Replayed"))

	// A request for more payers than the bucket holds needs a full bucket.
	tb.advance(time.Minute)
	require.Equal(t, 201, tb.do(t, moneyRequest("k-r3", 6)).Code)
	requireLookupLimited(t, tb.do(t, contact("bob")), "15")
}

// TestLookupLimitPerIP: one address cannot get round the account limit by
// signing up many accounts.
func TestLookupLimitPerIP(t *testing.T) {
	t.Parallel()
	tb := setup(t, withRateLimit(RateLimit{LookupsPerMinute: 2, IPLookupsPerMinute: 3}))
	const ip = "198.51.100.7"
	alice, bob := contact("bob"), contact("alice")
	alice.token, bob.token = "tok-usr_alice", "tok-usr_bob"
	require.Equal(t, 201, tb.fromIP(t, ip, alice).Code)
	require.Equal(t, 201, tb.fromIP(t, ip, bob).Code)
	require.Equal(t, 201, tb.fromIP(t, ip, alice).Code)
	requireLookupLimited(t, tb.fromIP(t, ip, bob), "20")

	// Another address has its own bucket, and Bob's account was not
	// charged for the call the address's bucket refused: he has one left.
	const other = "198.51.100.8"
	require.Equal(t, 201, tb.fromIP(t, other, bob).Code)
	requireLookupLimited(t, tb.fromIP(t, other, bob), "30")
}

// TestSignupLimitPerIP: every signup attempt says whether a phone, email or
// username is taken, so one address may only try a few an hour.
func TestSignupLimitPerIP(t *testing.T) {
	t.Parallel()
	tb := setup(t, withRateLimit(RateLimit{SignupsPerHour: 2}))
	signup := func(phone string) req {
		return req{method: "POST", path: "/v1/auth/signup", token: "-",
			body: `{"phone":"` + phone + `","name":"Eve","password":"long enough password"}`}
	}
	// A body refused unread costs nothing.
	for range 5 {
		w := tb.do(t, req{method: "POST", path: "/v1/auth/signup", token: "-", body: `{"phone":"+85250000000"}`})
		requireError(t, w, 400, EParameterMissing, "name")
	}
	require.Equal(t, 201, tb.do(t, signup("+85250000001")).Code)
	requireError(t, tb.do(t, signup("+85250000001")), 409, "phone_taken", "") // an attempt all the same
	w := tb.do(t, signup("+85250000002"))
	requireError(t, w, 429, ERateLimited, "")
	require.Equal(t, "1800", w.Header().Get("Retry-After"), "two an hour: one every 30 minutes")

	// Login from the same address is not a signup, and another address
	// has its own bucket.
	login := req{method: "POST", path: "/v1/auth/login", token: "-", body: `{"phone":"+85291234567","password":"correct horse"}`}
	require.Equal(t, 200, tb.do(t, login).Code)
	require.Equal(t, 201, tb.fromIP(t, "203.0.113.9", signup("+85250000002")).Code)

	tb.advance(30 * time.Minute)
	require.Equal(t, 201, tb.do(t, signup("+85250000003")).Code)
}

// TestDefaultRateLimit pins the production defaults the docs state.
func TestDefaultRateLimit(t *testing.T) {
	t.Parallel()
	d := DefaultRateLimit()
	require.Equal(t, 30, d.LookupsPerMinute)
	require.Equal(t, 120, d.IPLookupsPerMinute)
	require.Equal(t, 10, d.SignupsPerHour)
}
