package httpsig

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var t0 = time.Unix(1_800_000_000, 0)

type fixture struct {
	hmacKey SigningKey
	edKey   SigningKey
	keys    KeyResolver
	replay  *MemoryReplayCache
	now     time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	f := &fixture{
		hmacKey: SigningKey{ID: "key_hmac", Alg: AlgHMACSHA256, Secret: []byte("0123456789abcdef0123456789abcdef")},
		edKey:   SigningKey{ID: "key_ed", Alg: AlgEd25519, PrivateKey: priv},
		replay:  NewMemoryReplayCache(0),
		now:     t0,
	}
	f.keys = func(_ context.Context, id string) (VerifyingKey, error) {
		switch id {
		case "key_hmac":
			return VerifyingKey{Alg: AlgHMACSHA256, Secret: f.hmacKey.Secret}, nil
		case "key_ed":
			return VerifyingKey{Alg: AlgEd25519, PublicKey: pub}, nil
		case "key_broken":
			return VerifyingKey{}, errors.New("database down")
		}
		return VerifyingKey{}, ErrUnknownKey
	}
	return f
}

func (f *fixture) opts() VerifyOptions {
	return VerifyOptions{Now: func() time.Time { return f.now }, Replay: f.replay}
}

var body = []byte(`{"amount":1250,"currency":"HKD"}`)

func signed(t *testing.T, key SigningKey, created time.Time) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "https://api.cashless.test/v1/payment_requests?x=1", bytes.NewReader(body))
	require.NoError(t, Sign(r, body, key, []string{"@method", "@path", "@authority", "content-digest"}, created))
	return r
}

func TestSignVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, key := range []SigningKey{f.hmacKey, f.edKey} {
		r := signed(t, key, t0)
		require.Equal(t, ContentDigest(body), r.Header.Get("Content-Digest"))
		require.Regexp(t, `^sig1=\("@method" "@path" "@authority" "content-digest"\);created=1800000000;keyid="`+key.ID+`";alg="`+key.Alg+`";nonce="[A-Z2-7]{26}"$`,
			r.Header.Get("Signature-Input"))
		id, err := Verify(r, body, f.keys, f.opts())
		require.NoError(t, err, key.Alg)
		require.Equal(t, key.ID, id)
	}
}

func TestVerifyRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, f *fixture, r *http.Request) []byte // returns the body to verify
		code   string
	}{
		{"no signature", func(_ *testing.T, _ *fixture, r *http.Request) []byte {
			r.Header.Del("Signature")
			return body
		}, ESignatureMissing},
		{"labels differ", func(_ *testing.T, _ *fixture, r *http.Request) []byte {
			r.Header.Set("Signature", "other=:AAAA:")
			return body
		}, ESignatureMissing},
		{"malformed input", func(_ *testing.T, _ *fixture, r *http.Request) []byte {
			r.Header.Set("Signature-Input", `sig1=("@method"`)
			return body
		}, ESignatureInvalid},
		{"other method", func(_ *testing.T, _ *fixture, r *http.Request) []byte {
			r.Method = http.MethodPut
			return body
		}, ESignatureInvalid},
		{"other path", func(_ *testing.T, _ *fixture, r *http.Request) []byte {
			r.URL.Path = "/v1/refunds"
			return body
		}, ESignatureInvalid},
		{"other host", func(_ *testing.T, _ *fixture, r *http.Request) []byte {
			r.Host = "evil.test"
			return body
		}, ESignatureInvalid},
		{"other digest header", func(_ *testing.T, _ *fixture, r *http.Request) []byte {
			r.Header.Set("Content-Digest", ContentDigest([]byte("{}")))
			return []byte("{}")
		}, ESignatureInvalid},
		{"other body", func(_ *testing.T, _ *fixture, _ *http.Request) []byte {
			return []byte(`{"amount":9999,"currency":"HKD"}`)
		}, EDigestMismatch},
		{"unknown key", func(t *testing.T, f *fixture, r *http.Request) []byte {
			k := f.hmacKey
			k.ID = "key_nobody"
			*r = *signed(t, k, t0)
			return body
		}, ESignatureInvalid},
		{"wrong secret", func(t *testing.T, f *fixture, r *http.Request) []byte {
			k := f.hmacKey
			k.Secret = []byte("another secret of thirty-two b..")
			*r = *signed(t, k, t0)
			return body
		}, ESignatureInvalid},
		{"alg is not the key's", func(t *testing.T, f *fixture, r *http.Request) []byte {
			k := f.hmacKey
			k.ID = "key_ed"
			*r = *signed(t, k, t0)
			return body
		}, ESignatureInvalid},
		{"required component left out", func(t *testing.T, f *fixture, r *http.Request) []byte {
			r.Header.Del("Signature")
			require.NoError(t, Sign(r, body, f.hmacKey, []string{"@method", "@path"}, t0))
			return body
		}, ESignatureInvalid},
		{"too old", func(t *testing.T, f *fixture, _ *http.Request) []byte {
			f.now = t0.Add(DefaultMaxAge + time.Second)
			return body
		}, ESignatureExpired},
		{"from the future", func(t *testing.T, f *fixture, _ *http.Request) []byte {
			f.now = t0.Add(-DefaultMaxSkew - time.Second)
			return body
		}, ESignatureExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			r := signed(t, f.hmacKey, t0)
			b := tc.change(t, f, r)
			_, err := Verify(r, b, f.keys, f.opts())
			require.Equal(t, tc.code, Code(err), "error: %v", err)
			require.Zero(t, f.replay.Len(), "a refused signature is not remembered")
		})
	}
}

func TestVerifyAtTheEdgesOfTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.now = t0.Add(DefaultMaxAge)
	_, err := Verify(signed(t, f.edKey, t0), body, f.keys, f.opts())
	require.NoError(t, err, "exactly MaxAge old is still fresh")
	f.replay = NewMemoryReplayCache(0)
	f.now = t0.Add(-DefaultMaxSkew)
	_, err = Verify(signed(t, f.edKey, t0), body, f.keys, f.opts())
	require.NoError(t, err, "a clock MaxSkew ahead is allowed")
}

func TestVerifyRefusesReplay(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := signed(t, f.edKey, t0)
	_, err := Verify(r, body, f.keys, f.opts())
	require.NoError(t, err)
	f.now = t0.Add(time.Minute)
	_, err = Verify(r, body, f.keys, f.opts())
	require.Equal(t, ESignatureReplayed, Code(err))

	// Another signature of the same request, even in the same second, is
	// another request: Sign adds a nonce.
	_, err = Verify(signed(t, f.edKey, t0), body, f.keys, f.opts())
	require.NoError(t, err)
	_, err = Verify(signed(t, f.edKey, t0.Add(time.Second)), body, f.keys, f.opts())
	require.NoError(t, err)
}

func TestVerifyResolverFailureIsNotARefusal(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	k := f.hmacKey
	k.ID = "key_broken"
	_, err := Verify(signed(t, k, t0), body, f.keys, f.opts())
	require.ErrorContains(t, err, "database down")
	require.Empty(t, Code(err))
}

func TestMemoryReplayCacheBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := NewMemoryReplayCache(3)
	until := t0.Add(time.Minute)
	for i := range 5 {
		fresh, err := c.Remember(ctx, "k", []byte{byte(i)}, t0, until)
		require.NoError(t, err)
		require.True(t, fresh)
	}
	require.Equal(t, 3, c.Len())
	fresh, _ := c.Remember(ctx, "k", []byte{4}, t0, until)
	require.False(t, fresh, "a recent signature is held")
	fresh, _ = c.Remember(ctx, "other", []byte{4}, t0, until)
	require.True(t, fresh, "signatures are per key")

	fresh, _ = c.Remember(ctx, "k", []byte{4}, until, until.Add(time.Minute))
	require.True(t, fresh, "an expired entry is forgotten")
	require.LessOrEqual(t, c.Len(), 3)
}
