package client

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cashless-dev/cashless/httpsig"
)

// SignedComponents are what SigningTransport signs: the method, the path
// and the Content-Digest of the body, with a created time, as a merchant
// that requires signed requests expects.
var SignedComponents = []string{"@method", "@path", "content-digest"}

// SigningTransport is an http.RoundTripper that signs every request with
// an HTTP message signature (RFC 9421) before passing it to Base. Use it
// as the Transport of the *http.Client given to New:
//
//	hc := &http.Client{Transport: &client.SigningTransport{Key: key}}
//	c := client.New(baseURL, hc)
type SigningTransport struct {
	// Base sends the signed requests (http.DefaultTransport when nil).
	Base http.RoundTripper
	// Key signs; its ID is the merchant's signing key id.
	Key httpsig.SigningKey
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// RoundTrip implements http.RoundTripper. It reads the body to digest it
// and signs a copy of the request, leaving the caller's untouched, as
// RoundTrip must.
func (s *SigningTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("sign request: read body: %w", err)
		}
	}
	out := r.Clone(r.Context())
	out.Body, out.GetBody, out.ContentLength = http.NoBody, nil, 0
	if len(body) > 0 {
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		out.ContentLength = int64(len(body))
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if err := httpsig.Sign(out, body, s.Key, SignedComponents, now()); err != nil {
		return nil, fmt.Errorf("sign request: %w", err)
	}
	base := s.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(out)
}
