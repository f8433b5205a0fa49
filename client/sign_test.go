package client_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/httpsig"
)

// A server that checks signatures as the API does accepts what
// SigningTransport sends, with and without a body, and refuses the same
// request unsigned.
func TestSigningTransport(t *testing.T) {
	t.Parallel()
	secret := []byte("0123456789abcdef0123456789abcdef")
	replay := httpsig.NewMemoryReplayCache(0)
	keys := func(_ context.Context, id string) (httpsig.VerifyingKey, error) {
		if id != "key_1" {
			return httpsig.VerifyingKey{}, httpsig.ErrUnknownKey
		}
		return httpsig.VerifyingKey{Alg: httpsig.AlgHMACSHA256, Secret: secret}, nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		id, err := httpsig.Verify(r, body, keys, httpsig.VerifyOptions{Replay: replay})
		if err != nil {
			http.Error(w, httpsig.Code(err), http.StatusUnauthorized)
			return
		}
		w.Write([]byte(id + " " + string(body)))
	}))
	t.Cleanup(srv.Close)

	signing := &http.Client{Transport: &client.SigningTransport{Key: httpsig.SigningKey{ID: "key_1", Alg: httpsig.AlgHMACSHA256, Secret: secret}}}
	call := func(hc *http.Client, method string, body []byte) (int, string) {
		req, err := http.NewRequest(method, srv.URL+"/v1/payment_requests", bytes.NewReader(body))
		require.NoError(t, err)
		res, err := hc.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		out, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, string(out)
	}

	status, out := call(signing, http.MethodPost, []byte(`{"amount":100}`))
	require.Equal(t, http.StatusOK, status, out)
	require.Equal(t, `key_1 {"amount":100}`, out)

	for range 2 { // the same request twice in a second is not a replay
		status, out = call(signing, http.MethodGet, nil)
		require.Equal(t, http.StatusOK, status, out)
		require.Equal(t, "key_1 ", out)
	}

	status, out = call(http.DefaultClient, http.MethodPost, []byte(`{"amount":100}`))
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, httpsig.ESignatureMissing+"\n", out)

	// A clock five minutes behind the server's signs requests it refuses.
	late := &http.Client{Transport: &client.SigningTransport{
		Key: httpsig.SigningKey{ID: "key_1", Alg: httpsig.AlgHMACSHA256, Secret: secret},
		Now: func() time.Time { return time.Now().Add(-httpsig.DefaultMaxAge - time.Minute) },
	}}
	status, out = call(late, http.MethodPost, []byte(`{}`))
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, httpsig.ESignatureExpired+"\n", out)
}
