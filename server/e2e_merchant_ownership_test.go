package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestE2EMerchantOwnership makes Bob, owner of another merchant, use Ann's
// ids on every merchant route of the served OpenAPI document that takes
// one: each answers 404 with the object's not-found code, exactly as for
// an id that names nothing, and leaks nothing of Ann's. A new merchant
// route with an {id} fails here until it gets a case. GET and POST
// /v1/pay/{id} are left out on purpose: they are the consumer's, and the
// request id is what a QR code hands to any payer.
func TestE2EMerchantOwnership(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d)
		ann := newMerchant(t, p, "Ann")
		bob := newMerchant(t, p, "Bob")
		cat := p.newUser(t, "Cat Payer")
		topup(t, cat, 50_000)
		annKey := ann.newKey(t, "live")
		annTest := ann.newKey(t, "test")
		pr, pay := collect(t, annKey, cat, 2_000)
		re, err := annKey.CreateRefund(ctx, key("refund"), client.RefundParams{Payment: pay.ID, Amount: 100})
		require.NoError(t, err)
		po, err := annKey.CreatePayout(ctx, key("payout"), client.PayoutParams{Amount: 100, Currency: "HKD"})
		require.NoError(t, err)
		events, err := annKey.Events(ctx, client.Page{})
		require.NoError(t, err)
		require.NotEmpty(t, events.Data)
		keys, err := ann.c.APIKeys(ctx)
		require.NoError(t, err)
		testPR, err := annTest.CreatePaymentRequest(ctx, key("pr"), client.PaymentRequestParams{Amount: 100, Currency: "HKD"})
		require.NoError(t, err)
		status, body := rawCall(t, annTest, http.MethodPost, "/v1/webhook_endpoints")
		require.Equal(t, http.StatusBadRequest, status, string(body)) // rawCall sends {}: url is missing
		hdr := jsonHeader(key("we"))
		status, _, body, err = annTest.Raw(ctx, http.MethodPost, "/v1/webhook_endpoints", hdr, []byte(`{"url":"http://127.0.0.1:9/hook","events":["*"]}`))
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, status, string(body))
		var endpoint struct{ ID string }
		require.NoError(t, json.Unmarshal(body, &endpoint))

		cases := map[string]struct{ id, code string }{
			"/v1/merchants/":                     {ann.m.ID, "merchant_not_found"},
			"/v1/api_keys/":                      {keys.Data[0].ID, "api_key_not_found"},
			"/v1/payment_requests/":              {pr.ID, "payment_request_not_found"},
			"/v1/test_helpers/payment_requests/": {testPR.ID, "payment_request_not_found"},
			"/v1/payments/":                      {pay.ID, "payment_not_found"},
			"/v1/refunds/":                       {re.ID, "refund_not_found"},
			"/v1/payouts/":                       {po.ID, "payout_not_found"},
			"/v1/events/":                        {events.Data[0].ID, "event_not_found"},
			"/v1/webhook_endpoints/":             {endpoint.ID, "webhook_endpoint_not_found"},
		}
		routes := merchantIDRoutes(t, p)
		require.NotEmpty(t, routes)
		for _, rt := range routes {
			method, path, _ := strings.Cut(rt, " ")
			prefix, _, _ := strings.Cut(path, "{id}")
			c, ok := cases[prefix]
			require.True(t, ok, "route %s has no ownership case: add Ann's id for %s", rt, prefix)
			as := bob.c
			if strings.HasPrefix(prefix, "/v1/test_helpers/") || strings.HasPrefix(prefix, "/v1/webhook_endpoints/") {
				as = bob.c.WithMode("test")
			}
			for _, id := range []string{c.id, missingID(c.id)} {
				target := strings.NewReplacer("{id}", id, "{user}", ann.id, "{endpoint}", endpoint.ID).Replace(path)
				status, body := rawCall(t, as, method, target)
				e := requireErrorBody(t, status, body, http.StatusNotFound, c.code)
				require.Equal(t, "not_found_error", e.Error.Type, rt)
				for _, secret := range []string{ann.id, ann.name, ann.phone, "Ann Shop"} {
					require.NotContains(t, string(body), secret, "%s leaks Ann's data", rt)
				}
			}
		}

		// Nothing of Ann's changed.
		got, err := annKey.Payment(ctx, pay.ID)
		require.NoError(t, err)
		require.EqualValues(t, 100, got.RefundedAmount)
		gotPR, err := annTest.PaymentRequest(ctx, testPR.ID)
		require.NoError(t, err)
		require.Equal(t, "pending", gotPR.Status)
		staff, err := ann.c.Staff(ctx, ann.m.ID)
		require.NoError(t, err)
		require.Len(t, staff.Data, 1)
	})
}

// merchantIDRoutes returns "METHOD /path" of every operation tagged
// merchant in the served OpenAPI document whose path takes an {id},
// except the consumer's /v1/pay/{id}.
func merchantIDRoutes(t *testing.T, p *platform) []string {
	t.Helper()
	status, body := rawCall(t, client.New(p.base, nil), http.MethodGet, "/v1/openapi.json")
	require.Equal(t, http.StatusOK, status)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(body, &doc))
	var out []string
	for path, ops := range doc.Paths {
		if !strings.Contains(path, "{id}") || strings.HasPrefix(path, "/v1/pay/") {
			continue
		}
		for method, raw := range ops {
			var op struct {
				Tags []string `json:"tags"`
			}
			require.NoError(t, json.Unmarshal(raw, &op))
			if slices.Contains(op.Tags, "merchant") {
				out = append(out, strings.ToUpper(method)+" "+path)
			}
		}
	}
	slices.Sort(out)
	for _, want := range []string{"GET /v1/payments/{id}", "GET /v1/refunds/{id}", "DELETE /v1/api_keys/{id}", "GET /v1/payouts/{id}/report"} {
		require.Contains(t, out, want)
	}
	return out
}
