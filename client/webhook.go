package client

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Errors of VerifyWebhook. They are sentinels, so a receiver can tell a
// replay (answer 400 and move on) from a secret it has wrong.
var (
	ErrWebhookSignature = errors.New("cashless webhook: no signature matches")
	ErrWebhookStale     = errors.New("cashless webhook: timestamp outside the tolerance")
	ErrWebhookHeaders   = errors.New("cashless webhook: missing or malformed webhook headers")
	ErrWebhookSecret    = errors.New(`cashless webhook: the secret is not "whsec_" and base64`)
)

// VerifyWebhook checks a webhook from Cashless, signed per Standard
// Webhooks: the webhook-timestamp header must be within tolerance of now
// (5 minutes when 0), which stops an old delivery from being replayed,
// and one v1 signature in webhook-signature must be the HMAC-SHA256 of
// "<webhook-id>.<webhook-timestamp>.<body>" under secret. Pass the body
// exactly as received. During a secret rotation each delivery carries a
// signature per secret, so either secret verifies it. The webhook-id is
// the event's id: keep the ids seen to ignore redeliveries.
//
// The check is written out here rather than imported from the server's
// packages, so that the client stays light and the tests that pair it with
// the server check the wire format itself.
func VerifyWebhook(secret string, header http.Header, body []byte, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = 5 * time.Minute
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(key) == 0 {
		return ErrWebhookSecret
	}
	msgID, tsText, sigs := header.Get("webhook-id"), header.Get("webhook-timestamp"), header.Get("webhook-signature")
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if msgID == "" || sigs == "" || err != nil {
		return ErrWebhookHeaders
	}
	if d := time.Since(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return ErrWebhookStale
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msgID + "." + tsText + "."))
	m.Write(body)
	want := m.Sum(nil)
	for _, f := range strings.Fields(sigs) {
		version, sig, _ := strings.Cut(f, ",")
		got, err := base64.StdEncoding.DecodeString(sig)
		if version == "v1" && err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrWebhookSignature
}
