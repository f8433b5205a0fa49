package api

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
)

// fakeVerifier requires signatures of the merchants in required: a
// request is "signed" when its Signature header is "ok", and it records
// the bodies it was shown.
type fakeVerifier struct {
	required map[string]bool
	mu       sync.Mutex
	bodies   []string
}

func (f *fakeVerifier) Verify(ctx context.Context, merchantID string, r *http.Request, body []byte) error {
	f.mu.Lock()
	f.bodies = append(f.bodies, string(body))
	f.mu.Unlock()
	switch {
	case !f.required[merchantID]:
		return nil
	case r.Header.Get("Signature") == "":
		return cashless.Errorf(ESignatureRequired, "This merchant requires signed requests.")
	case r.Header.Get("Signature") != "ok":
		return cashless.Errorf(EInvalidSignature, "The signature does not verify.")
	}
	return nil
}

func TestSignedRequests(t *testing.T) {
	t.Parallel()
	v := &fakeVerifier{required: map[string]bool{"mch_alice": true}}
	tb := setup(t, func(o *Options) { o.Signatures = v })

	w := tb.do(t, req{method: "GET", path: "/v1/merchant"})
	requireError(t, w, 401, ESignatureRequired, "")
	w = tb.do(t, req{method: "GET", path: "/v1/merchant", header: map[string]string{"Signature": "forged"}})
	requireError(t, w, 401, EInvalidSignature, "")
	w = tb.do(t, req{method: "GET", path: "/v1/merchant", header: map[string]string{"Signature": "ok"}})
	require.Equal(t, 200, w.Code, w.Body.String())

	// POSTs are verified over the body they carry, before any handler or
	// idempotency record runs.
	body := `{"amount":100,"currency":"HKD"}`
	w = tb.do(t, req{method: "POST", path: "/v1/payment_requests", key: "pr-1", body: body})
	requireError(t, w, 401, ESignatureRequired, "")
	w = tb.do(t, req{method: "POST", path: "/v1/payment_requests", key: "pr-1", body: body, header: map[string]string{"Signature": "ok"}})
	require.Equal(t, 201, w.Code, w.Body.String())
	v.mu.Lock()
	require.Contains(t, v.bodies, body)
	v.mu.Unlock()

	// Consumer routes are not merchant calls.
	w = tb.do(t, req{method: "GET", path: "/v1/me"})
	require.Equal(t, 200, w.Code, w.Body.String())
}
