package api

import (
	"encoding/json"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/merchant"
)

// decodeAs decodes a JSON response after checking its status.
func decodeAs[T any](t *testing.T, w interface{ Result() *http.Response }, status int, body string) T {
	t.Helper()
	var v T
	require.Equal(t, status, w.Result().StatusCode, body)
	require.NoError(t, json.Unmarshal([]byte(body), &v), body)
	return v
}

// newKey makes an API key as Alice.
func newKey(t *testing.T, tb *testBundle, body string) APIKey {
	t.Helper()
	w := tb.do(t, req{method: "POST", path: "/v1/api_keys", body: body})
	k := decodeAs[APIKey](t, w, 201, w.Body.String())
	require.True(t, strings.HasPrefix(k.Secret, "sk_"), k.Secret)
	return k
}

// newPaymentRequest makes a payment request of HKD 12.34 as the token.
func newPaymentRequest(t *testing.T, tb *testBundle, token string, header map[string]string) PaymentRequest {
	t.Helper()
	w := tb.do(t, req{method: "POST", path: "/v1/payment_requests", token: token, header: header,
		body: `{"amount":1234,"currency":"HKD","description":"Flat white"}`})
	return decodeAs[PaymentRequest](t, w, 201, w.Body.String())
}

func TestMerchantStaffAndModes(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	live := newPaymentRequest(t, tb, "", nil)
	require.True(t, live.Livemode)
	require.Equal(t, "payment_request", live.Object)
	require.Equal(t, "https://pay.example.com/pay/"+live.ID, live.WebURL)
	test := newPaymentRequest(t, tb, "", map[string]string{"Cashless-Mode": "test"})
	require.False(t, test.Livemode)

	// Each mode sees only its own objects.
	w := tb.do(t, req{method: "GET", path: "/v1/payment_requests/" + test.ID})
	requireError(t, w, 404, merchant.EPaymentRequestNotFound, "")
	w = tb.do(t, req{method: "GET", path: "/v1/payment_requests/" + test.ID, header: map[string]string{"Cashless-Mode": "test"}})
	require.Equal(t, 200, w.Code, w.Body.String())
	w = tb.do(t, req{method: "GET", path: "/v1/merchant", header: map[string]string{"Cashless-Mode": "sandbox"}})
	requireError(t, w, 400, "invalid_mode", "Cashless-Mode")

	// Bob is no merchant's staff until Alice adds him.
	w = tb.do(t, req{method: "GET", path: "/v1/merchant", token: "tok-usr_bob"})
	requireError(t, w, 403, merchant.ENotMerchantStaff, "")
	w = tb.do(t, req{method: "POST", path: "/v1/merchants/mch_alice/staff", body: `{"phone":"+85298765432","role":"viewer"}`})
	st := decodeAs[Staff](t, w, 201, w.Body.String())
	require.Equal(t, "usr_bob", st.User)
	w = tb.do(t, req{method: "GET", path: "/v1/merchant", token: "tok-usr_bob"})
	require.Equal(t, "mch_alice", decodeAs[Merchant](t, w, 200, w.Body.String()).ID)

	// A viewer reads but does not write, nor adds staff, nor makes keys.
	w = tb.do(t, req{method: "POST", path: "/v1/payment_requests", token: "tok-usr_bob", body: `{"amount":1,"currency":"HKD"}`})
	requireError(t, w, 403, merchant.EPermissionDenied, "")
	w = tb.do(t, req{method: "POST", path: "/v1/merchants/mch_alice/staff", token: "tok-usr_bob", body: `{"phone":"+85291234567","role":"admin"}`})
	requireError(t, w, 403, merchant.EPermissionDenied, "")
	w = tb.do(t, req{method: "POST", path: "/v1/api_keys", token: "tok-usr_bob", body: `{"mode":"test"}`})
	requireError(t, w, 403, merchant.EPermissionDenied, "")

	// Another merchant's staff path is not found.
	w = tb.do(t, req{method: "GET", path: "/v1/merchants/mch_other/staff"})
	requireError(t, w, 404, merchant.EMerchantNotFound, "")
}

func TestMerchantCashierCannotMakeKeys(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.do(t, req{method: "POST", path: "/v1/merchants/mch_alice/staff", body: `{"phone":"+85298765432","role":"cashier"}`})
	require.Equal(t, 201, w.Code, w.Body.String())
	w = tb.do(t, req{method: "POST", path: "/v1/api_keys", token: "tok-usr_bob", body: `{"mode":"live"}`})
	requireError(t, w, 403, merchant.EPermissionDenied, "")
	w = tb.do(t, req{method: "GET", path: "/v1/api_keys", token: "tok-usr_bob"})
	requireError(t, w, 403, merchant.EPermissionDenied, "")
	// The cashier collects.
	newPaymentRequest(t, tb, "tok-usr_bob", nil)
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.do(t, req{method: "POST", path: "/v1/api_keys", body: `{"mode":"test","scopes":["api_keys:write"]}`})
	requireError(t, w, 400, "invalid_scope", "scopes")
	w = tb.do(t, req{method: "POST", path: "/v1/api_keys", body: `{"mode":"demo"}`})
	requireError(t, w, 400, "invalid_mode", "mode")

	k := newKey(t, tb, `{"mode":"test"}`)
	require.False(t, k.Livemode)
	sk := k.Secret
	// The secret is never stored for replay, nor listed.
	w = tb.do(t, req{method: "GET", path: "/v1/api_keys"})
	require.Equal(t, 200, w.Code)
	require.NotContains(t, w.Body.String(), sk)

	// A test key works in test mode only.
	live := newPaymentRequest(t, tb, "", nil)
	test := newPaymentRequest(t, tb, sk, nil)
	require.False(t, test.Livemode)
	w = tb.do(t, req{method: "GET", path: "/v1/payment_requests/" + live.ID, token: sk})
	requireError(t, w, 404, merchant.EPaymentRequestNotFound, "")
	w = tb.do(t, req{method: "GET", path: "/v1/merchant", token: sk, header: map[string]string{"Cashless-Mode": "live"}})
	requireError(t, w, 400, "invalid_mode", "Cashless-Mode")
	w = tb.do(t, req{method: "GET", path: "/v1/merchant", token: sk, header: map[string]string{"Cashless-Merchant": "mch_other"}})
	requireError(t, w, 404, merchant.EMerchantNotFound, "")

	// Keys never manage keys, and never call consumer routes.
	w = tb.do(t, req{method: "POST", path: "/v1/api_keys", token: sk, body: `{"mode":"test"}`})
	requireError(t, w, 403, EStaffOnly, "")
	w = tb.do(t, req{method: "GET", path: "/v1/me", token: sk})
	requireError(t, w, 403, EAPIKeyNotAllowed, "")
	w = tb.do(t, req{method: "POST", path: "/v1/pay/" + test.ID, token: sk, key: "k1"})
	requireError(t, w, 403, EAPIKeyNotAllowed, "")

	// Revoked: 401 at once, everywhere.
	w = tb.do(t, req{method: "DELETE", path: "/v1/api_keys/" + k.ID})
	require.Equal(t, 200, w.Code, w.Body.String())
	for _, path := range []string{"/v1/merchant", "/v1/me"} {
		w = tb.do(t, req{method: "GET", path: path, token: sk})
		requireError(t, w, 401, "invalid_api_key", "")
		require.NotEmpty(t, w.Header().Get("WWW-Authenticate"))
	}
}

func TestPayIsTheServicesIdempotency(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	pr := newPaymentRequest(t, tb, "", nil)

	w := tb.do(t, req{method: "GET", path: "/v1/pay/" + pr.ID, token: "tok-usr_bob"})
	co := decodeAs[Checkout](t, w, 200, w.Body.String())
	require.Equal(t, "Alice's Café", co.MerchantName)
	require.EqualValues(t, 1234, co.Amount)

	w = tb.do(t, req{method: "POST", path: "/v1/pay/" + pr.ID, token: "tok-usr_bob"})
	requireError(t, w, 400, "idempotency_key_required", "Idempotency-Key")
	w = tb.do(t, req{method: "POST", path: "/v1/pay/" + pr.ID, token: "tok-usr_bob", key: "pay-1"})
	p := decodeAs[Payment](t, w, 201, w.Body.String())
	require.Empty(t, w.Header().Get("Idempotent-Replayed"))
	require.EqualValues(t, 15, p.Fee)
	require.NotContains(t, w.Body.String(), "usr_bob")

	// The retry reaches the service, which replays; the API stored nothing.
	w = tb.do(t, req{method: "POST", path: "/v1/pay/" + pr.ID, token: "tok-usr_bob", key: "pay-1"})
	require.Equal(t, p.ID, decodeAs[Payment](t, w, 201, w.Body.String()).ID)
	require.Equal(t, "true", w.Header().Get("Idempotent-Replayed"))
	tb.mch.mu.Lock()
	require.Equal(t, 2, tb.mch.payCalls)
	tb.mch.mu.Unlock()

	w = tb.do(t, req{method: "POST", path: "/v1/pay/" + pr.ID, token: "tok-usr_bob", key: "pay-2"})
	requireError(t, w, 409, merchant.EPaymentRequestNotPayable, "")
	w = tb.do(t, req{method: "POST", path: "/v1/payment_requests/" + pr.ID + "/cancel"})
	requireError(t, w, 409, merchant.EPaymentRequestNotPending, "")

	// Refunds: never more than is left; keys are scoped to the merchant
	// and mode, so another staff member's retry with one key replays.
	w = tb.do(t, req{method: "POST", path: "/v1/refunds", key: "re-1", body: `{"payment":"` + p.ID + `","amount":2000}`})
	requireError(t, w, 409, merchant.ERefundExceedsPayment, "")
	w = tb.do(t, req{method: "POST", path: "/v1/merchants/mch_alice/staff", body: `{"phone":"+85298765432","role":"admin"}`})
	require.Equal(t, 201, w.Code, w.Body.String())
	w = tb.do(t, req{method: "POST", path: "/v1/refunds", key: "re-2", body: `{"payment":"` + p.ID + `","amount":234}`})
	r := decodeAs[Refund](t, w, 201, w.Body.String())
	w = tb.do(t, req{method: "POST", path: "/v1/refunds", key: "re-2", token: "tok-usr_bob", body: `{"payment":"` + p.ID + `","amount":234}`})
	require.Equal(t, r.ID, decodeAs[Refund](t, w, 201, w.Body.String()).ID)
	require.Equal(t, "true", w.Header().Get("Idempotent-Replayed"))

	w = tb.do(t, req{method: "GET", path: "/v1/balance"})
	b := decodeAs[Balance](t, w, 200, w.Body.String())
	require.Equal(t, []MoneyAmount{{Amount: 1234 - 15 - 234, Currency: "HKD"}}, b.Available)
}

func TestHostedPage(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	pr := newPaymentRequest(t, tb, "", nil)
	w := tb.do(t, req{method: "GET", path: "/pay/" + pr.ID, token: "-"})
	require.Equal(t, 200, w.Code, w.Body.String())
	require.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
	csp := w.Header().Get("Content-Security-Policy")
	require.Contains(t, csp, "default-src 'none'")
	require.NotContains(t, csp, "script-src")
	page := w.Body.String()
	require.NotContains(t, strings.ToLower(page), "<script")
	require.Contains(t, page, "HKD 12.34")
	require.Contains(t, page, "Alice&#39;s Café")
	require.Contains(t, page, `<img src="/pay/`+pr.ID+`/qr.png"`)

	w = tb.do(t, req{method: "GET", path: "/pay/" + pr.ID + "/qr.png", token: "-"})
	require.Equal(t, 200, w.Code)
	require.Equal(t, "image/png", w.Header().Get("Content-Type"))
	_, err := png.Decode(w.Body)
	require.NoError(t, err)

	for _, id := range []string{"pr_missing", "x<script>"} {
		w = tb.do(t, req{method: "GET", path: "/pay/" + id, token: "-"})
		requireError(t, w, 404, merchant.EPaymentRequestNotFound, "")
	}
}

func TestMerchantErrorClasses(t *testing.T) {
	t.Parallel()
	for code, status := range map[string]int{
		merchant.EMerchantNotFound: 404, merchant.EPaymentNotFound: 404, merchant.ERefundNotFound: 404,
		merchant.EPayoutNotFound: 404, merchant.EEventNotFound: 404, merchant.EPaymentRequestNotFound: 404,
		merchant.EModeMismatch: 404, merchant.EPermissionDenied: 403, merchant.ERefundLimitExceeded: 403,
		merchant.ENotMerchantStaff: 403, merchant.EMerchantRequired: 400, merchant.EInvalidMCC: 400,
		merchant.EInvalidTimeZone: 400, merchant.EInvalidBankAccount: 400, merchant.EInvalidAmount: 400,
		merchant.EInvalidExpiry: 400, merchant.EInvalidRole: 400, merchant.ECurrencyNotSupported: 400,
		merchant.EPaymentRequestNotPayable: 409, merchant.EPaymentRequestNotPending: 409,
		merchant.EPaymentNotRefundable: 409, merchant.ERefundExceedsPayment: 409,
		merchant.EIdempotencyKeyReused: 409, merchant.EInsufficientBalance: 409, merchant.EStaffExists: 409,
		merchant.ENoSettlementAccount: 409, EPaymentBlocked: 422, "invalid_api_key": 401,
	} {
		c, ok := errorClasses[code]
		require.True(t, ok, code)
		require.Equal(t, status, c.status, code)
	}
	require.Equal(t, typeRisk, errorClasses[EPaymentBlocked].typ)
}
