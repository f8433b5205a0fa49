package httpsig

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The test request of RFC 9421 Appendix B.2.
const rfcRequest = "POST /foo?param=Value&Pet=dog HTTP/1.1\r\n" +
	"Host: example.com\r\n" +
	"Date: Tue, 20 Apr 2021 02:07:55 GMT\r\n" +
	"Content-Type: application/json\r\n" +
	"Content-Digest: sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\r\n" +
	"Content-Length: 18\r\n" +
	"\r\n" +
	`{"hello": "world"}`

const rfcBody = `{"hello": "world"}`

// test-shared-secret, RFC 9421 B.1.5.
const rfcSharedSecret = "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ=="

// test-key-ed25519, RFC 9421 B.1.4.
const rfcEd25519Private = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----`

const rfcEd25519Public = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----`

// rfcCreated is the created time of the RFC's examples.
var rfcCreated = time.Unix(1618884473, 0)

func rfcReq(t *testing.T) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(rfcRequest)))
	require.NoError(t, err)
	return r
}

func rfcKeys(t *testing.T) (secret []byte, priv ed25519.PrivateKey, pub ed25519.PublicKey) {
	t.Helper()
	secret, err := base64.StdEncoding.DecodeString(rfcSharedSecret)
	require.NoError(t, err)
	block, _ := pem.Decode([]byte(rfcEd25519Private))
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	priv = k.(ed25519.PrivateKey)
	block, _ = pem.Decode([]byte(rfcEd25519Public))
	p, err := x509.ParsePKIXPublicKey(block.Bytes)
	require.NoError(t, err)
	pub = p.(ed25519.PublicKey)
	require.Equal(t, pub, priv.Public(), "the RFC's public key is its private key's")
	return secret, priv, pub
}

func TestRFC9421Examples(t *testing.T) {
	t.Parallel()
	secret, priv, pub := rfcKeys(t)
	for _, tc := range []struct {
		name, label string
		key         SigningKey
		verify      VerifyingKey
		components  []string
		base        string
		input, sig  string
	}{{
		name:       "B.2.5 hmac-sha256",
		label:      "sig-b25",
		key:        SigningKey{ID: "test-shared-secret", Alg: AlgHMACSHA256, Secret: secret},
		verify:     VerifyingKey{Alg: AlgHMACSHA256, Secret: secret},
		components: []string{"date", "@authority", "content-type"},
		base: `"date": Tue, 20 Apr 2021 02:07:55 GMT` + "\n" +
			`"@authority": example.com` + "\n" +
			`"content-type": application/json` + "\n" +
			`"@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"`,
		input: `sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"`,
		sig:   `sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:`,
	}, {
		name:       "B.2.6 ed25519",
		label:      "sig-b26",
		key:        SigningKey{ID: "test-key-ed25519", Alg: AlgEd25519, PrivateKey: priv},
		verify:     VerifyingKey{Alg: AlgEd25519, PublicKey: pub},
		components: []string{"date", "@method", "@path", "@authority", "content-type", "content-length"},
		base: `"date": Tue, 20 Apr 2021 02:07:55 GMT` + "\n" +
			`"@method": POST` + "\n" +
			`"@path": /foo` + "\n" +
			`"@authority": example.com` + "\n" +
			`"content-type": application/json` + "\n" +
			`"content-length": 18` + "\n" +
			`"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`,
		input: `sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`,
		sig:   `sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := rfcReq(t)
			items := make([]item, len(tc.components))
			for i, c := range tc.components {
				items[i] = item{Value: c}
			}
			params := []param{{Key: "created", Value: rfcCreated.Unix()}, {Key: "keyid", Value: tc.key.ID}}
			base, err := signatureBase(r, items, serializeInnerList(items, params))
			require.NoError(t, err)
			require.Equal(t, tc.base, string(base), "the signature base, byte for byte")

			require.NoError(t, SignWith(r, []byte(rfcBody), tc.key, SignOptions{
				Label: tc.label, Components: tc.components, Created: rfcCreated, OmitAlg: true,
			}))
			require.Equal(t, tc.input, r.Header.Get("Signature-Input"))
			require.Equal(t, tc.sig, r.Header.Get("Signature"))

			// The RFC's own fields, set on a fresh copy of its request, verify.
			r = rfcReq(t)
			r.Header.Set("Signature-Input", tc.input)
			r.Header.Set("Signature", tc.sig)
			keys := func(_ context.Context, id string) (VerifyingKey, error) {
				if id != tc.key.ID {
					return VerifyingKey{}, ErrUnknownKey
				}
				return tc.verify, nil
			}
			o := VerifyOptions{
				Now:                func() time.Time { return rfcCreated.Add(time.Minute) },
				RequiredComponents: []string{"date", "@authority"},
				Replay:             NewMemoryReplayCache(0),
			}
			keyID, err := Verify(r, []byte(rfcBody), keys, o)
			require.NoError(t, err)
			require.Equal(t, tc.key.ID, keyID)
		})
	}
}

// The examples of RFC 9530: Appendix B.1 and B.2 bodies, and the digest
// of the RFC 9421 test request.
func TestRFC9530ContentDigest(t *testing.T) {
	t.Parallel()
	require.Equal(t, "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", ContentDigest([]byte(rfcBody)))
	require.Equal(t, "sha-256=:Wqdirjg/u3J688ejbUlApbjECpiUUtIwT8lY/z81Tno=:", ContentDigest([]byte(`"hello"`)))

	for _, field := range []string{
		"sha-256=:Wqdirjg/u3J688ejbUlApbjECpiUUtIwT8lY/z81Tno=:",
		"sha-512=:A8pplr4vsk4xdLkJruCXWp6+i+dy/3pSW5HW5ke1jDWS70Dv6Fstf1jS+XEcLqEVhW3i925IPlf/4tnpnvAQDw==:",
		"sha-256=:Wqdirjg/u3J688ejbUlApbjECpiUUtIwT8lY/z81Tno=:, sha-512=:A8pplr4vsk4xdLkJruCXWp6+i+dy/3pSW5HW5ke1jDWS70Dv6Fstf1jS+XEcLqEVhW3i925IPlf/4tnpnvAQDw==:",
		"md5=:XrY7u+Ae7tCTyyK7j1rNww==:, sha-256=:Wqdirjg/u3J688ejbUlApbjECpiUUtIwT8lY/z81Tno=:",
	} {
		require.NoError(t, VerifyDigest(field, []byte(`"hello"`)), field)
	}
	require.NoError(t, VerifyDigest("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:", []byte(rfcBody)))

	for _, field := range []string{
		"sha-256=:Wqdirjg/u3J688ejbUlApbjECpiUUtIwT8lY/z81Tno=:",                 // another body
		"sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:AAAA:", // one of two wrong
		"md5=:XrY7u+Ae7tCTyyK7j1rNww==:",                                         // none understood
		"sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",                   // not a byte sequence
		"sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:,",                // malformed
		"",
	} {
		require.Equal(t, EDigestMismatch, Code(VerifyDigest(field, []byte(rfcBody))), field)
	}
}
