package httpsig

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// DefaultLabel is the signature label Sign uses.
const DefaultLabel = "sig1"

// SignOptions say what SignWith covers and how.
type SignOptions struct {
	// Label names the signature in Signature-Input and Signature
	// (DefaultLabel when empty).
	Label string
	// Components are the covered components, in order, such as "@method",
	// "@path" and "content-digest"; header field names in lower case.
	Components []string
	// Created is the created parameter, in whole seconds; required.
	Created time.Time
	// Nonce, when set, is sent as the nonce parameter.
	Nonce string
	// OmitAlg leaves out the alg parameter, as the RFC's examples do; the
	// verifier then takes the algorithm from its key. Cashless clients
	// send it.
	OmitAlg bool
}

// Sign signs r with key, covering components and a created time of now,
// and sets its Signature-Input and Signature fields under DefaultLabel.
// When components holds "content-digest", it first sets Content-Digest to
// the SHA-256 of body, which must be the request's whole body.
//
// Each signature carries a random nonce. Without one, two identical
// requests in the same second would carry the same signature (both
// algorithms are deterministic), and the verifier would refuse the second
// as a replay.
func Sign(r *http.Request, body []byte, key SigningKey, components []string, now time.Time) error {
	return SignWith(r, body, key, SignOptions{Components: components, Created: now, Nonce: rand.Text()})
}

// SignWith is Sign with every choice spelt out.
func SignWith(r *http.Request, body []byte, key SigningKey, o SignOptions) error {
	if o.Label == "" {
		o.Label = DefaultLabel
	}
	if o.Created.IsZero() {
		return errors.New("httpsig: sign: no created time")
	}
	if !validKey(o.Label) || key.ID == "" || !printable(key.ID) || !printable(o.Nonce) {
		return errors.New("httpsig: sign: label, key id or nonce is not printable ASCII")
	}
	if slices.Contains(o.Components, "content-digest") {
		r.Header.Set("Content-Digest", ContentDigest(body))
	}
	items := make([]item, len(o.Components))
	for i, c := range o.Components {
		items[i] = item{Value: c}
	}
	params := []param{{Key: "created", Value: o.Created.Unix()}, {Key: "keyid", Value: key.ID}}
	if !o.OmitAlg {
		params = append(params, param{Key: "alg", Value: key.Alg})
	}
	if o.Nonce != "" {
		params = append(params, param{Key: "nonce", Value: o.Nonce})
	}
	input := serializeInnerList(items, params)
	base, err := signatureBase(r, items, input)
	if err != nil {
		return fmt.Errorf("httpsig: sign: %w", err)
	}
	sig, err := key.sign(base)
	if err != nil {
		return err
	}
	r.Header.Set("Signature-Input", o.Label+"="+input)
	r.Header.Set("Signature", serializeDictItem(o.Label, sig))
	return nil
}

func (k SigningKey) sign(base []byte) ([]byte, error) {
	switch k.Alg {
	case AlgHMACSHA256:
		if len(k.Secret) == 0 {
			return nil, errors.New("httpsig: sign: hmac-sha256 needs a secret")
		}
		m := hmac.New(sha256.New, k.Secret)
		m.Write(base)
		return m.Sum(nil), nil
	case AlgEd25519:
		if len(k.PrivateKey) != ed25519.PrivateKeySize {
			return nil, errors.New("httpsig: sign: ed25519 needs a private key")
		}
		return ed25519.Sign(k.PrivateKey, base), nil
	}
	return nil, fmt.Errorf("httpsig: sign: algorithm %q is not supported", k.Alg)
}

// verify reports whether sig is the signature of base under k.
func (k VerifyingKey) verify(base, sig []byte) bool {
	switch k.Alg {
	case AlgHMACSHA256:
		if len(k.Secret) == 0 {
			return false
		}
		m := hmac.New(sha256.New, k.Secret)
		m.Write(base)
		return hmac.Equal(m.Sum(nil), sig)
	case AlgEd25519:
		return len(k.PublicKey) == ed25519.PublicKeySize && ed25519.Verify(k.PublicKey, base, sig)
	}
	return false
}

// validKey reports whether s is an RFC 8941 key, as labels must be.
func validKey(s string) bool {
	p := &sfParser{s: s}
	k, err := p.key()
	return err == nil && k == s
}

// printable reports whether s can be an RFC 8941 string.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
