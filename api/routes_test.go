package api

import (
	"encoding/json"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// samplePath fills a route's {id} (Alice's merchant under /v1/merchants)
// and {user}.
func samplePath(p string) string {
	p = strings.Replace(p, "/v1/merchants/{id}", "/v1/merchants/mch_alice", 1)
	return strings.NewReplacer("{id}", "x_1", "{user}", "usr_x", "{endpoint}", "we_x").Replace(p)
}

// TestEveryRoute checks, for each route, what holds for all of them.
func TestEveryRoute(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, rt := range tb.srv.routes() {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			path := samplePath(rt.path)
			if rt.access == user || rt.access == merchantAccess {
				w := tb.do(t, req{method: rt.method, path: path, token: "-", key: "k", body: `{}`})
				requireError(t, w, 401, EMissingToken, "")
			}
			if rt.method == "POST" {
				w := tb.do(t, req{method: rt.method, path: path, key: "k-unknown" + path, token: "-",
					header: map[string]string{"Authorization": "Bearer tok-usr_alice"}, body: `{"no_such_field":1}`})
				requireError(t, w, 400, EUnknownParameter, "no_such_field")

				big := `{"x":"` + strings.Repeat("y", MaxBodyBytes) + `"}`
				w = tb.do(t, req{method: rt.method, path: path, key: "k-big" + path, body: big})
				requireError(t, w, 413, EBodyTooLarge, "")

				w = tb.do(t, req{method: rt.method, path: path, key: strings.Repeat("k", 256), body: `{}`})
				requireError(t, w, 400, "invalid_idempotency_key", "Idempotency-Key")
			}
			if rt.method == "GET" && (rt.access == user || rt.access == merchantAccess) {
				w := tb.do(t, req{method: rt.method, path: path + "?bogus=1"})
				requireError(t, w, 400, EUnknownParameter, "bogus")
			}
		})
	}
}

func TestMoneyRoutesRequireKey(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, path := range []string{"/v1/topups", "/v1/withdrawals", "/v1/transfers", "/v1/requests", "/v1/requests/req_1/pay",
		"/v1/pay/pr_1", "/v1/refunds", "/v1/payouts", "/v1/test_helpers/payment_requests/pr_1/pay"} {
		w := tb.do(t, req{method: "POST", path: path, body: `{}`})
		requireError(t, w, 400, "idempotency_key_required", "Idempotency-Key")
	}
	// Other POSTs take a key but do not need one.
	w := tb.do(t, req{method: "POST", path: "/v1/contacts", body: `{"username":"bob"}`})
	require.Equal(t, 201, w.Code, w.Body.String())
}

func TestAmounts(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tc := range []struct {
		amount, currency string
		code, param      string
	}{
		{`100`, `"HKD"`, "", ""},
		{`9223372036854775807`, `"HKD"`, "insufficient_funds", ""},
		{`0`, `"HKD"`, "invalid_amount", "amount"},
		{`-5`, `"HKD"`, "invalid_amount", "amount"},
		{`-0`, `"HKD"`, "invalid_amount", "amount"},
		{`12.5`, `"HKD"`, "invalid_amount", "amount"},
		{`100.0`, `"HKD"`, "invalid_amount", "amount"},
		{`1e2`, `"HKD"`, "invalid_amount", "amount"},
		{`1E2`, `"HKD"`, "invalid_amount", "amount"},
		{`1e30`, `"HKD"`, "invalid_amount", "amount"},
		{`9223372036854775808`, `"HKD"`, "invalid_amount", "amount"},
		{`"100"`, `"HKD"`, "invalid_amount", "amount"},
		{`true`, `"HKD"`, "invalid_amount", "amount"},
		{`null`, `"HKD"`, EParameterMissing, "amount"},
		{`100`, `"XYZ"`, EInvalidCurrency, "currency"},
		{`100`, `"hkd"`, EInvalidCurrency, "currency"},
		{`100`, `344`, EInvalidCurrency, "currency"},
		{`100`, `null`, EParameterMissing, "currency"},
	} {
		body := `{"to":{"username":"bob"},"amount":` + tc.amount + `,"currency":` + tc.currency + `}`
		w := tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k-" + tc.amount + tc.currency, body: body})
		if tc.code == "" {
			require.Equal(t, 201, w.Code, w.Body.String())
			continue
		}
		if tc.code == "insufficient_funds" {
			requireError(t, w, 422, tc.code, "")
			continue
		}
		requireError(t, w, 400, tc.code, tc.param)
	}
	// The split total is checked the same way, with its path as param.
	w := tb.do(t, req{method: "POST", path: "/v1/requests", key: "k-split", body: `{"from":[{"username":"bob"}],"split":{"total":1.5},"currency":"HKD"}`})
	requireError(t, w, 400, "invalid_amount", "split.total")
	w = tb.do(t, req{method: "GET", path: "/v1/wallet?currency=hkd"})
	requireError(t, w, 400, EInvalidCurrency, "currency")
}

// TestUnicodeRoundTrip sends names and messages with emoji, CJK and HTML
// characters and gets them back byte for byte.
func TestUnicodeRoundTrip(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	msg := "晚餐 🍜🥟 <3 & \"thanks\" — ok"
	body := `{"to":{"username":"bob"},"amount":4200,"currency":"HKD","message":"` + strings.ReplaceAll(msg, `"`, `\"`) + `"}`
	w := tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k-uni", body: body})
	require.Equal(t, 201, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), `"message":"晚餐 🍜🥟 <3 & \"thanks\" — ok"`)
	require.Contains(t, w.Body.String(), `"name":"Alice 陳 🐱"`)

	w = tb.do(t, req{method: "POST", path: "/v1/auth/signup", token: "-",
		body: `{"phone":"+85255500000","name":"Zoë 😀 李","password":"long enough pw"}`})
	require.Equal(t, 201, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), `"name":"Zoë 😀 李"`)
}

func TestPagination(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for _, tc := range []struct {
		query       string
		status      int
		limit       int
		after, befr string
	}{
		{"", 200, 10, "", ""},
		{"?limit=1", 200, 1, "", ""},
		{"?limit=100&starting_after=tr_9", 200, 100, "tr_9", ""},
		{"?ending_before=tr_3", 200, 10, "", "tr_3"},
		{"?limit=0", 400, 0, "", ""},
		{"?limit=101", 400, 0, "", ""},
		{"?limit=ten", 400, 0, "", ""},
		{"?limit=-1", 400, 0, "", ""},
		{"?starting_after=a&ending_before=b", 400, 0, "", ""},
	} {
		tb.wallet.lastPage.Limit = -1
		w := tb.do(t, req{method: "GET", path: "/v1/transfers" + tc.query})
		require.Equal(t, tc.status, w.Code, "%s: %s", tc.query, w.Body.String())
		if tc.status == 200 {
			require.Equal(t, tc.limit, tb.wallet.lastPage.Limit, tc.query)
			require.Equal(t, tc.after, tb.wallet.lastPage.StartingAfter)
			require.Equal(t, tc.befr, tb.wallet.lastPage.EndingBefore)
			var l map[string]any
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &l))
			require.Equal(t, "list", l["object"])
			require.NotNil(t, l["data"], "data is [] and never null")
			require.Equal(t, false, l["has_more"])
		} else if strings.Contains(tc.query, "limit") {
			requireError(t, w, 400, EInvalidLimit, "limit")
		}
	}
	w := tb.do(t, req{method: "GET", path: "/v1/contacts"})
	require.JSONEq(t, `{"object":"list","data":[],"has_more":false}`, w.Body.String())
	w = tb.do(t, req{method: "GET", path: "/v1/requests?limit=1"})
	require.Contains(t, w.Body.String(), `"has_more":true`)
}

// TestResponses checks the shape of a few answers: objects, ids, times in
// RFC 3339 UTC, parties, limits.
func TestResponses(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	w := tb.do(t, req{method: "GET", path: "/v1/me"})
	require.Equal(t, 200, w.Code)
	require.JSONEq(t, `{"object":"user","id":"usr_alice","name":"Alice 陳 🐱","username":"alice","phone":"+85291234567",
		"kyc_tier":1,"totp_enabled":false,"phone_verified":false,"email_verified":false,"created":"2026-03-04T05:06:07Z",
		"limits":{"currency":"HKD",
			"day":{"cap":500000,"used":1000,"remaining":499000,"resets":"2026-03-05T05:06:07Z"},
			"month":{"cap":2000000,"used":1000,"remaining":1999000,"resets":"2026-04-03T05:06:07Z"}}}`, w.Body.String())

	w = tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k1", body: `{"to":{"phone":"+85298765432"},"amount":250,"currency":"HKD","visibility":"friends"}`})
	require.Equal(t, 201, w.Code, w.Body.String())
	require.JSONEq(t, `{"object":"transfer","id":"tr_000","direction":"sent",
		"from":{"id":"usr_alice","name":"Alice 陳 🐱","username":"alice"},"to":{"id":"usr_bob","name":"Bob","username":"bob"},
		"amount":250,"currency":"HKD","visibility":"friends","status":"succeeded","created":"2026-03-04T05:06:07Z"}`, w.Body.String())
	w = tb.do(t, req{method: "GET", path: "/v1/transfers/tr_000", token: "tok-usr_bob"})
	require.Contains(t, w.Body.String(), `"direction":"received"`)
	requireError(t, tb.do(t, req{method: "GET", path: "/v1/transfers/tr_999"}), 404, "transfer_not_found", "")

	w = tb.do(t, req{method: "GET", path: "/v1/paycode"})
	require.JSONEq(t, `{"object":"paycode","payload":"000201010211","png_url":"https://pay.example.com/v1/paycode.png"}`, w.Body.String())
	w = tb.do(t, req{method: "GET", path: "/v1/paycode.png"})
	require.Equal(t, "image/png", w.Header().Get("Content-Type"))
	require.True(t, strings.HasPrefix(w.Body.String(), "\x89PNG"))
	img, err := png.Decode(w.Body)
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 512, 512), img.Bounds())

	w = tb.do(t, req{method: "GET", path: "/v1/withdrawals/tu_1"})
	requireError(t, w, 404, "funding_not_found", "")
	w = tb.do(t, req{method: "GET", path: "/v1/topups/tu_1"})
	require.Contains(t, w.Body.String(), `"completed":"2026-03-04T05:06:07Z"`)

	w = tb.do(t, req{method: "POST", path: "/v1/requests", key: "k-req", body: `{"from":[{"username":"bob"},{"username":"alice"}],"split":{"total":301},"currency":"HKD","message":"dim sum"}`})
	require.Equal(t, 201, w.Code, w.Body.String())
	var reqs List[Request]
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &reqs))
	require.Len(t, reqs.Data, 2)
	require.Equal(t, "outgoing", reqs.Data[0].Direction)

	requireError(t, tb.do(t, req{method: "POST", path: "/v1/requests/req_1/decline"}), 409, "request_not_pending", "")
	require.Equal(t, 200, tb.do(t, req{method: "POST", path: "/v1/requests/req_1/cancel"}).Code)
	require.Equal(t, 200, tb.do(t, req{method: "POST", path: "/v1/requests/req_1/pay", key: "k-pay"}).Code)

	w = tb.do(t, req{method: "POST", path: "/v1/me/totp"})
	require.JSONEq(t, `{"object":"totp_enrolment","secret":"JBSWY3DPEHPK3PXP","otpauth_url":"otpauth://totp/Cashless?secret=JBSWY3DPEHPK3PXP","status":"pending"}`, w.Body.String())
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/me/totp/confirm", body: `{"code":"000000"}`}), 403, "invalid_totp", "")
	require.Equal(t, 200, tb.do(t, req{method: "POST", path: "/v1/me/totp/confirm", body: `{"code":"123456"}`}).Code)

	requireError(t, tb.do(t, req{method: "DELETE", path: "/v1/sessions/ses_bob"}), 404, "session_not_found", "")
	require.Equal(t, 200, tb.do(t, req{method: "DELETE", path: "/v1/sessions/ses_alice"}).Code)

	// A TOTP step-up is 403 on a money call and 401 on login.
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k-big", body: `{"to":{"username":"bob"},"amount":600000,"currency":"HKD"}`}), 403, "totp_required", "")
	tb.ids.users["usr_alice"].TOTPEnabled = true
	w = tb.do(t, req{method: "POST", path: "/v1/auth/login", token: "-", body: `{"phone":"+85291234567","password":"correct horse"}`})
	requireError(t, w, 401, "totp_required", "")
	require.Equal(t, "authentication_error", errorOf(t, w).Type)

	requireError(t, tb.do(t, req{method: "POST", path: "/v1/auth/signup", token: "-", body: `{"phone":"+85291234567","name":"A","password":"long enough pw"}`}), 409, "phone_taken", "")
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/auth/signup", token: "-", body: `{"phone":"+85291234599","name":"A","password":"short"}`}), 400, "weak_password", "password")
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k-2", body: `{"to":{"username":"bob","phone":"+85298765432"},"amount":1,"currency":"HKD"}`}), 400, "invalid_request", "to")
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k-3", body: `{"to":{},"amount":1,"currency":"HKD"}`}), 400, EParameterMissing, "to")
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k-4", body: `{"to":{"username":"bob"},"amount":1,"currency":"HKD","visibility":"everyone"}`}), 400, "invalid_visibility", "visibility")
}
