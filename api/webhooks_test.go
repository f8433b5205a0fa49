package api

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/webhook"
	webhookstore "github.com/cashless-dev/cashless/webhook/sqlstore"
)

// plainSealer stands in for the vault: the webhook service's own tests
// cover sealing; here only the routes matter.
type plainSealer struct{}

func (plainSealer) Seal(_ context.Context, p, aad []byte) ([]byte, error) {
	return append(append([]byte{}, aad...), p...), nil
}

func (plainSealer) Unseal(_ context.Context, s, aad []byte) ([]byte, error) {
	return s[len(aad):], nil
}

func (f *fakeMerchants) Event(ctx context.Context, a merchant.Actor, id string) (*merchant.Event, error) {
	if err := a.Require(merchant.PermRead); err != nil {
		return nil, err
	}
	return nil, cashless.Errorf(merchant.EEventNotFound, "No such event.")
}

func withWebhooks(t *testing.T) option {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, sqldbtest.URL(t, sqldb.SQLite))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, webhookstore.Migrate(ctx, db))
	svc := webhook.New(webhookstore.New(db), plainSealer{}, webhook.Options{})
	return func(o *Options) { o.Webhooks = svc }
}

func TestWebhookEndpointRoutes(t *testing.T) {
	t.Parallel()
	tb := setup(t, withWebhooks(t))
	test := map[string]string{"Cashless-Mode": "test"}
	w := tb.do(t, req{method: "POST", path: "/v1/webhook_endpoints", header: test, key: "we-1",
		body: `{"url":"http://127.0.0.1:3000/hook","events":["*"]}`})
	e := decodeAs[WebhookEndpoint](t, w, 201, w.Body.String())
	require.True(t, strings.HasPrefix(e.Secret, "whsec_"), e.Secret)
	require.False(t, e.Livemode)
	// Live endpoints may not target loopback.
	w = tb.do(t, req{method: "POST", path: "/v1/webhook_endpoints", body: `{"url":"https://127.0.0.1:3000/hook","events":["*"]}`})
	requireError(t, w, 400, webhook.EURLNotAllowed, "")

	// Secrets are never listed, and the other mode does not see the endpoint.
	w = tb.do(t, req{method: "GET", path: "/v1/webhook_endpoints", header: test})
	require.Equal(t, 200, w.Code, w.Body.String())
	require.Contains(t, w.Body.String(), e.ID)
	require.NotContains(t, w.Body.String(), e.Secret)
	w = tb.do(t, req{method: "GET", path: "/v1/webhook_endpoints/" + e.ID})
	requireError(t, w, 404, webhook.EEndpointNotFound, "")

	// A viewer reads but does not change endpoints.
	w = tb.do(t, req{method: "POST", path: "/v1/merchants/mch_alice/staff", body: `{"phone":"+85298765432","role":"viewer"}`})
	require.Equal(t, 201, w.Code, w.Body.String())
	w = tb.do(t, req{method: "GET", path: "/v1/webhook_endpoints/" + e.ID, token: "tok-usr_bob", header: test})
	require.Equal(t, 200, w.Code, w.Body.String())
	w = tb.do(t, req{method: "POST", path: "/v1/webhook_endpoints/" + e.ID + "/rotate_secret", token: "tok-usr_bob", header: test})
	requireError(t, w, 403, merchant.EPermissionDenied, "")

	w = tb.do(t, req{method: "POST", path: "/v1/webhook_endpoints/" + e.ID + "/rotate_secret", header: test, body: `{"overlap_seconds":60}`})
	rotated := decodeAs[WebhookEndpoint](t, w, 200, w.Body.String())
	require.True(t, strings.HasPrefix(rotated.Secret, "whsec_"))
	require.NotEqual(t, e.Secret, rotated.Secret)

	w = tb.do(t, req{method: "POST", path: "/v1/webhook_endpoints/" + e.ID, header: test, body: `{"enabled":false}`})
	require.False(t, decodeAs[WebhookEndpoint](t, w, 200, w.Body.String()).Enabled)
	w = tb.do(t, req{method: "GET", path: "/v1/webhook_endpoints/" + e.ID + "/deliveries", header: test})
	require.Equal(t, 200, w.Code, w.Body.String())
	w = tb.do(t, req{method: "GET", path: "/v1/events/evt_1/deliveries", header: test})
	requireError(t, w, 404, merchant.EEventNotFound, "")

	w = tb.do(t, req{method: "DELETE", path: "/v1/webhook_endpoints/" + e.ID, header: test})
	require.Equal(t, 200, w.Code, w.Body.String())
	w = tb.do(t, req{method: "GET", path: "/v1/webhook_endpoints/" + e.ID, header: test})
	requireError(t, w, 404, webhook.EEndpointNotFound, "")
}
