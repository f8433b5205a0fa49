package httpsig

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// KeyResolver returns the key of a keyid: ErrUnknownKey when there is
// none. Any other error is a failure of its own and is returned by Verify
// as it is.
type KeyResolver func(ctx context.Context, keyID string) (VerifyingKey, error)

// VerifyOptions configure Verify. Zero fields take the defaults below.
type VerifyOptions struct {
	// Now is the clock (time.Now).
	Now func() time.Time
	// MaxAge is how old a signature's created time may be (5 minutes),
	// and how long it is remembered against replays.
	MaxAge time.Duration
	// MaxSkew is how far created may lie in the future, for clocks a
	// little ahead (30 seconds).
	MaxSkew time.Duration
	// RequiredComponents must all be covered (DefaultRequired).
	RequiredComponents []string
	// Label, when set, is the one signature label checked; otherwise any
	// signature of the request that verifies will do.
	Label string
	// Replay remembers accepted signatures. When nil, a cache shared by
	// the whole process is used, which protects one instance only; see
	// ReplayCache.
	Replay ReplayCache
}

// DefaultRequired are the components a signature must cover unless
// VerifyOptions say otherwise.
var DefaultRequired = []string{"@method", "@path", "content-digest"}

// Defaults of VerifyOptions.
const (
	DefaultMaxAge  = 5 * time.Minute
	DefaultMaxSkew = 30 * time.Second
)

var processReplay = NewMemoryReplayCache(0)

// Verify checks the HTTP message signature of r, whose whole body is
// body, and returns the keyid that signed it. The signature must cover
// the required components and carry created and keyid; when it covers
// content-digest, that field must be the digest of body. A failure is an
// *Error with one of this package's codes, except for errors of the key
// resolver or replay cache, which are returned as they are.
func Verify(r *http.Request, body []byte, keys KeyResolver, o VerifyOptions) (string, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.MaxSkew <= 0 {
		o.MaxSkew = DefaultMaxSkew
	}
	if o.RequiredComponents == nil {
		o.RequiredComponents = DefaultRequired
	}
	if o.Replay == nil {
		o.Replay = processReplay
	}
	inputField, ok1 := fieldValue(r.Header, "signature-input")
	sigField, ok2 := fieldValue(r.Header, "signature")
	if !ok1 || !ok2 {
		return "", newError(ESignatureMissing, "The request is not signed.")
	}
	inputs, err := parseDictionary(inputField)
	if err != nil {
		return "", newError(ESignatureInvalid, "Signature-Input is malformed.")
	}
	sigs, err := parseDictionary(sigField)
	if err != nil {
		return "", newError(ESignatureInvalid, "Signature is malformed.")
	}
	var first error
	for _, in := range inputs {
		if o.Label != "" && in.Name != o.Label {
			continue
		}
		i := slices.IndexFunc(sigs, func(m member) bool { return m.Name == in.Name })
		if i < 0 {
			continue
		}
		keyID, err := verifyOne(r, body, keys, o, in, sigs[i])
		if err == nil {
			return keyID, nil
		}
		if Code(err) == "" {
			return "", err // the resolver or replay cache failed
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		return "", newError(ESignatureMissing, "The request has no signature with a label in both Signature-Input and Signature.")
	}
	return "", first
}

// sigParams are the signature parameters Verify reads.
type sigParams struct {
	created, expires int64
	hasExpires       bool
	keyID, alg       string
}

func readParams(params []param) (sigParams, error) {
	var p sigParams
	var hasCreated bool
	for _, pr := range params {
		var ok bool
		switch pr.Key {
		case "created":
			p.created, ok = pr.Value.(int64)
			hasCreated = ok
		case "expires":
			p.expires, ok = pr.Value.(int64)
			p.hasExpires = ok
		case "keyid":
			p.keyID, ok = pr.Value.(string)
		case "alg", "nonce", "tag":
			var s string
			s, ok = pr.Value.(string)
			if pr.Key == "alg" {
				p.alg = s
			}
		default:
			ok = true // unknown parameters are signed like any other
		}
		if !ok {
			return p, fmt.Errorf("parameter %s has the wrong type", pr.Key)
		}
	}
	if !hasCreated || p.keyID == "" {
		return p, errors.New("created and keyid are required")
	}
	return p, nil
}

func verifyOne(r *http.Request, body []byte, keys KeyResolver, o VerifyOptions, in, sm member) (string, error) {
	invalid := func(msg string) (string, error) { return "", newError(ESignatureInvalid, msg) }
	sig, ok := sm.Item.Value.([]byte)
	if !in.IsList || sm.IsList || !ok {
		return invalid("Signature-Input or Signature is malformed.")
	}
	p, err := readParams(in.Params)
	if err != nil {
		return invalid("Signature-Input: " + err.Error() + ".")
	}
	covered := make([]string, 0, len(in.List))
	for _, c := range in.List {
		if name, ok := c.Value.(string); ok && len(c.Params) == 0 {
			covered = append(covered, name)
		}
	}
	for _, req := range o.RequiredComponents {
		if !slices.Contains(covered, strings.ToLower(req)) {
			return invalid(fmt.Sprintf("The signature does not cover %q.", req))
		}
	}
	now := o.Now()
	created := time.Unix(p.created, 0)
	switch {
	case created.After(now.Add(o.MaxSkew)):
		return "", newError(ESignatureExpired, "The signature was created in the future.")
	case now.Sub(created) > o.MaxAge:
		return "", newError(ESignatureExpired, "The signature is too old.")
	case p.hasExpires && !now.Before(time.Unix(p.expires, 0)):
		return "", newError(ESignatureExpired, "The signature has expired.")
	}
	key, err := keys(r.Context(), p.keyID)
	if errors.Is(err, ErrUnknownKey) {
		return invalid("The signature's key is unknown.")
	}
	if err != nil {
		return "", fmt.Errorf("httpsig: resolve key: %w", err)
	}
	if p.alg != "" && p.alg != key.Alg {
		return invalid("The signature's algorithm is not its key's.")
	}
	base, err := signatureBase(r, in.List, serializeInnerList(in.List, in.Params))
	if err != nil {
		return invalid("The signature cannot be checked: " + err.Error() + ".")
	}
	if !key.verify(base, sig) {
		return invalid("The signature does not verify.")
	}
	if slices.Contains(covered, "content-digest") {
		if err := verifyRequestDigest(r.Header, body); err != nil {
			return "", err
		}
	}
	fresh, err := o.Replay.Remember(r.Context(), p.keyID, sig, now, created.Add(o.MaxAge))
	if err != nil {
		return "", fmt.Errorf("httpsig: remember signature: %w", err)
	}
	if !fresh {
		return "", newError(ESignatureReplayed, "The signature was already used.")
	}
	return p.keyID, nil
}
