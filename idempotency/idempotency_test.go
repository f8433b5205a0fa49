package idempotency_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/idempotency"
)

func TestValidKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		key string
		ok  bool
	}{
		{"a", true},
		{"8e03978e-40d5-43e8-bc93-6894a57f9324", true},
		{"with space ~!", true},
		{strings.Repeat("k", 255), true},
		{"", false},
		{strings.Repeat("k", 256), false},
		{"tab\there", false},
		{"é", false},
		{"nul\x00", false},
		{"del\x7f", false},
	} {
		err := idempotency.ValidKey(tc.key)
		if tc.ok {
			require.NoError(t, err, "%q", tc.key)
		} else {
			require.Equal(t, idempotency.EInvalidKey, cashless.ErrorCode(err), "%q", tc.key)
		}
	}
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	base := idempotency.Fingerprint("POST", "/v1/transfers", []byte(`{"amount":1}`))
	require.Equal(t, base, idempotency.Fingerprint("POST", "/v1/transfers", []byte(`{"amount":1}`)))
	require.NotEqual(t, base, idempotency.Fingerprint("POST", "/v1/transfers", []byte(`{"amount":2}`)))
	require.NotEqual(t, base, idempotency.Fingerprint("POST", "/v1/topups", []byte(`{"amount":1}`)))
	require.NotEqual(t, base, idempotency.Fingerprint("PUT", "/v1/transfers", []byte(`{"amount":1}`)))
	// Field boundaries count: moving bytes between path and body changes it.
	require.NotEqual(t,
		idempotency.Fingerprint("POST", "/v1/a", []byte("b")),
		idempotency.Fingerprint("POST", "/v1/", []byte("ab")))
}
