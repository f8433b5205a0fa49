package api

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVerificationRoutes checks how the calls that send and confirm
// one-time codes answer, errors included.
func TestVerificationRoutes(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/me/phone/verify", body: `{"code":"123456"}`}), 409, "verification_not_pending", "")

	w := tb.do(t, req{method: "POST", path: "/v1/me/phone/verification"})
	require.Equal(t, 200, w.Code, w.Body.String())
	require.JSONEq(t, `{"object":"verification","channel":"phone","status":"pending","expires":"2026-03-04T05:16:07Z"}`, w.Body.String())
	w = tb.do(t, req{method: "POST", path: "/v1/me/phone/verification", body: `{}`})
	requireError(t, w, 429, "verification_throttled", "")
	require.Equal(t, "rate_limit_error", errorOf(t, w).Type)
	require.Equal(t, "42", w.Header().Get("Retry-After"))

	requireError(t, tb.do(t, req{method: "POST", path: "/v1/me/phone/verify", body: `{}`}), 400, EParameterMissing, "code")
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/me/phone/verify", body: `{"code":123456}`}), 400, "invalid_request", "code")
	w = tb.do(t, req{method: "POST", path: "/v1/me/phone/verify", body: `{"code":"000000"}`})
	requireError(t, w, 400, "invalid_verification_code", "code")
	require.Equal(t, "invalid_request_error", errorOf(t, w).Type)

	w = tb.do(t, req{method: "POST", path: "/v1/me/phone/verify", body: `{"code":"123456"}`})
	require.Equal(t, 200, w.Code, w.Body.String())
	require.JSONEq(t, `{"object":"verification","channel":"phone","status":"verified"}`, w.Body.String())
	require.Contains(t, tb.do(t, req{method: "GET", path: "/v1/me"}).Body.String(), `"phone_verified":true`)
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/me/phone/verification", token: "tok-usr_alice", key: "k-again"}), 409, "already_verified", "")

	requireError(t, tb.do(t, req{method: "POST", path: "/v1/me/email/verification"}), 409, "email_not_set", "")
}
