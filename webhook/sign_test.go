package webhook_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/webhook"
)

// The Standard Webhooks specification's published vector, from its
// reference libraries' tests (libraries/go/webhook_test.go, TestWebhookSign).
const (
	specSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specMsgID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTimestamp = 1614265330
	specPayload   = `{"test": 2432232314}`
	specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignSpecVector(t *testing.T) {
	t.Parallel()
	sig, err := webhook.Sign([]string{specSecret}, specMsgID, time.Unix(specTimestamp, 0), []byte(specPayload))
	require.NoError(t, err)
	require.Equal(t, specSignature, sig)

	h := http.Header{}
	h.Set("webhook-id", specMsgID)
	h.Set("webhook-timestamp", strconv.Itoa(specTimestamp))
	h.Set("webhook-signature", specSignature)
	require.NoError(t, webhook.Verify([]string{specSecret}, h, []byte(specPayload), time.Unix(specTimestamp+60, 0), 0))
}

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	old, cur := webhook.NewSecret(), webhook.NewSecret()
	body := []byte(`{"id":"evt_1"}`)
	signed := func(at time.Time, secrets ...string) http.Header {
		h, err := webhook.Headers(secrets, "evt_1", at, body)
		require.NoError(t, err)
		return h
	}
	for _, tc := range []struct {
		name    string
		secrets []string
		h       http.Header
		body    []byte
		code    string
	}{
		{"valid", []string{cur}, signed(now, cur), body, ""},
		{"within tolerance", []string{cur}, signed(now.Add(-4*time.Minute), cur), body, ""},
		{"stale", []string{cur}, signed(now.Add(-6*time.Minute), cur), body, webhook.ETimestampOutOfRange},
		{"future", []string{cur}, signed(now.Add(6*time.Minute), cur), body, webhook.ETimestampOutOfRange},
		{"tampered body", []string{cur}, signed(now, cur), []byte(`{"id":"evt_2"}`), webhook.EInvalidSignature},
		{"wrong secret", []string{old}, signed(now, cur), body, webhook.EInvalidSignature},
		{"rotated: old receiver", []string{old}, signed(now, cur, old), body, ""},
		{"rotated: new receiver", []string{cur}, signed(now, cur, old), body, ""},
		{"receiver with both", []string{old, cur}, signed(now, cur), body, ""},
		{"no headers", []string{cur}, http.Header{}, body, webhook.EInvalidSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := webhook.Verify(tc.secrets, tc.h, tc.body, now, 5*time.Minute)
			require.Equal(t, tc.code, cashless.ErrorCode(err), "%v", err)
		})
	}
	h := signed(now, cur)
	h.Set("webhook-id", "evt_2")
	require.Equal(t, webhook.EInvalidSignature, cashless.ErrorCode(webhook.Verify([]string{cur}, h, body, now, 0)))
}

func TestSecret(t *testing.T) {
	t.Parallel()
	s := webhook.NewSecret()
	require.Regexp(t, `^whsec_[A-Za-z0-9+/]{43}=$`, s)
	require.NotEqual(t, s, webhook.NewSecret())
	_, err := webhook.Sign([]string{"whsec_c2hvcnQ="}, "m", time.Now(), nil)
	require.Equal(t, webhook.EInvalidSecret, cashless.ErrorCode(err))
}

func FuzzVerify(f *testing.F) {
	f.Add(specMsgID, strconv.Itoa(specTimestamp), specSignature, specPayload)
	f.Add("x", "-1", "v1, v1a,abc v1,====", "")
	f.Add("x", "99999999999999999999", "v1", "{}")
	now := time.Unix(specTimestamp, 0)
	f.Fuzz(func(t *testing.T, id, ts, sig, body string) {
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", ts)
		h.Set("webhook-signature", sig)
		err := webhook.Verify([]string{specSecret}, h, []byte(body), now, 0)
		if err == nil {
			want, serr := webhook.Sign([]string{specSecret}, h.Get("webhook-id"), now, []byte(body))
			require.NoError(t, serr)
			require.NotEmpty(t, want)
		} else {
			require.Contains(t, []string{webhook.EInvalidSignature, webhook.ETimestampOutOfRange}, cashless.ErrorCode(err))
		}
	})
}
