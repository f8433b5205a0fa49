package client_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/webhook"
)

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	secret, other := webhook.NewSecret(), webhook.NewSecret()
	body := []byte(`{"id":"evt_1","object":"event"}`)
	signed := func(at time.Time, secrets ...string) http.Header {
		h, err := webhook.Headers(secrets, "evt_1", at, body)
		require.NoError(t, err)
		return h
	}
	now := time.Now()
	require.NoError(t, client.VerifyWebhook(secret, signed(now, secret), body, 0))
	require.NoError(t, client.VerifyWebhook(secret, signed(now, other, secret), body, 0), "rotation: either secret")
	require.NoError(t, client.VerifyWebhook(secret, signed(now.Add(-4*time.Minute), secret), body, 0))
	require.ErrorIs(t, client.VerifyWebhook(secret, signed(now.Add(-6*time.Minute), secret), body, 0), client.ErrWebhookStale)
	require.ErrorIs(t, client.VerifyWebhook(secret, signed(now.Add(6*time.Minute), secret), body, 0), client.ErrWebhookStale)
	require.NoError(t, client.VerifyWebhook(secret, signed(now.Add(-6*time.Minute), secret), body, 10*time.Minute))
	require.ErrorIs(t, client.VerifyWebhook(secret, signed(now, secret), []byte(`{"id":"evt_2"}`), 0), client.ErrWebhookSignature)
	require.ErrorIs(t, client.VerifyWebhook(other, signed(now, secret), body, 0), client.ErrWebhookSignature)
	require.ErrorIs(t, client.VerifyWebhook(secret, http.Header{}, body, 0), client.ErrWebhookHeaders)
	require.ErrorIs(t, client.VerifyWebhook("whsec_!!", signed(now, secret), body, 0), client.ErrWebhookSecret)

	// The Standard Webhooks vector, checked within its own time window
	// by moving the timestamp tolerance: the signature must match.
	h := http.Header{}
	h.Set("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set("webhook-timestamp", strconv.Itoa(1614265330))
	h.Set("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
	tol := time.Since(time.Unix(1614265330, 0)) + time.Hour
	require.NoError(t, client.VerifyWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, []byte(`{"test": 2432232314}`), tol))
}
