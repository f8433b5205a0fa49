package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cashless-dev/cashless"
)

// Headers of a signed webhook (Standard Webhooks).
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix starts every endpoint secret, so that a leaked one is easy
// to recognise and scan for.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a webhook's timestamp may be from the
// receiver's clock. It bounds how long a captured delivery can be replayed.
const DefaultTolerance = 5 * time.Minute

// Error codes of signature checks.
const (
	// EInvalidSecret: a secret that is not "whsec_" and base64 of 24–64
	// bytes.
	EInvalidSecret = "invalid_webhook_secret"
	// EInvalidSignature: missing or malformed headers, or no signature that
	// matches any of the receiver's secrets.
	EInvalidSignature = "invalid_webhook_signature"
	// ETimestampOutOfRange: a webhook-timestamp older or newer than the
	// tolerance allows; a replayed or badly clocked delivery.
	ETimestampOutOfRange = "webhook_timestamp_out_of_range"
)

// NewSecret returns a fresh endpoint secret: "whsec_" and base64 of 32
// random bytes.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// secretKey decodes a secret into its HMAC key. The prefix is optional, as
// in the specification's libraries, so a receiver may paste either form.
func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(key) < 24 || len(key) > 64 {
		return nil, cashless.Errorf(EInvalidSecret, "A webhook secret is %q and base64 of 24 to 64 bytes.", SecretPrefix)
	}
	return key, nil
}

// Sign returns the webhook-signature header value for one message: one
// "v1,<base64 HMAC-SHA256>" per secret, space-separated, so that during a
// rotation a receiver holding either secret accepts it.
func Sign(secrets []string, msgID string, ts time.Time, body []byte) (string, error) {
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		key, err := secretKey(s)
		if err != nil {
			return "", err
		}
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(mac(key, msgID, ts.Unix(), body)))
	}
	return strings.Join(sigs, " "), nil
}

// Headers returns the three signed headers of one delivery attempt.
func Headers(secrets []string, msgID string, ts time.Time, body []byte) (http.Header, error) {
	sig, err := Sign(secrets, msgID, ts, body)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set(HeaderID, msgID)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, sig)
	return h, nil
}

func mac(key []byte, msgID string, ts int64, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msgID))
	m.Write([]byte{'.'})
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a received webhook against the receiver's secrets (several
// during a rotation): the timestamp must be within tolerance of now
// (DefaultTolerance when zero), and one v1 signature must match one secret.
// It returns ETimestampOutOfRange or EInvalidSignature errors.
func Verify(secrets []string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	msgID, tsText, sigText := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if msgID == "" || tsText == "" || sigText == "" {
		return cashless.Errorf(EInvalidSignature, "Missing webhook-id, webhook-timestamp or webhook-signature header.")
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil || len(tsText) > 12 {
		return cashless.Errorf(EInvalidSignature, "Malformed webhook-timestamp header.")
	}
	if d := now.Unix() - ts; d > int64(tolerance/time.Second) || -d > int64(tolerance/time.Second) {
		return cashless.Errorf(ETimestampOutOfRange, "The webhook-timestamp is outside the tolerance of %s.", tolerance)
	}
	keys := make([][]byte, 0, len(secrets))
	for _, s := range secrets {
		key, err := secretKey(s)
		if err != nil {
			return err
		}
		keys = append(keys, key)
	}
	for _, field := range strings.Fields(sigText) {
		version, sig, ok := strings.Cut(field, ",")
		if !ok || version != "v1" {
			continue // other schemes (v1a) are not ours to check
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			continue
		}
		for _, key := range keys {
			if hmac.Equal(got, mac(key, msgID, ts, body)) {
				return nil
			}
		}
	}
	return cashless.Errorf(EInvalidSignature, "No webhook signature matches.")
}
