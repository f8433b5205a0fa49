package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
)

// API key secrets are "sk_<mode>_" followed by 32 random bytes written in
// base62 (0-9, A-Z, a-z) as exactly 43 characters, left-padded with "0".
// The first keyLookupLen of those characters are stored in clear as the
// key's lookup prefix, so a secret is found by an index; the whole secret
// is stored only as its SHA-256.
//
// A plain SHA-256 is enough here, unlike for passwords: the secret carries
// 256 bits of entropy, so there is nothing for a slow hash to protect
// against — guessing a secret from its hash is as hard as guessing the
// secret. A slow hash would only make every API call slower.
const (
	keySecretBytes = 32
	keySecretLen   = 43 // ceil(256 / log2(62))
	keyLookupLen   = 12
	// keyPrefixShown is how much of the secret a list shows after
	// "sk_<mode>_": enough to tell keys apart, far too little to guess.
	keyPrefixShown = 4
	// KeyTouchInterval is how stale a key's last-used time may become: a
	// busy key costs one write per interval, not one per call.
	KeyTouchInterval = time.Minute
)

// Key modes.
const (
	ModeTest = "test"
	ModeLive = "live"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func errInvalidAPIKey() *cashless.Error {
	return cashless.Errorf(EInvalidAPIKey, "The API key is invalid or revoked.")
}

// newKeySecret returns a new secret of the mode.
func newKeySecret(mode string) string {
	b := make([]byte, keySecretBytes)
	rand.Read(b) // never fails (crypto/rand)
	n := new(big.Int).SetBytes(b)
	out := make([]byte, keySecretLen)
	base, rem := big.NewInt(62), new(big.Int)
	for i := keySecretLen - 1; i >= 0; i-- {
		n.QuoRem(n, base, rem)
		out[i] = base62[rem.Int64()]
	}
	return "sk_" + mode + "_" + string(out)
}

// parseKeySecret splits a secret into its mode and lookup prefix; ok is
// false when it is not of the form newKeySecret makes.
func parseKeySecret(secret string) (mode, lookup string, ok bool) {
	rest, found := strings.CutPrefix(secret, "sk_")
	if !found {
		return "", "", false
	}
	mode, body, found := strings.Cut(rest, "_")
	if !found || (mode != ModeTest && mode != ModeLive) || len(body) != keySecretLen {
		return "", "", false
	}
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(base62, body[i]) < 0 {
			return "", "", false
		}
	}
	return mode, body[:keyLookupLen], true
}

func hashKeySecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// checkScopes returns the scopes sorted and without repeats, or
// EInvalidScope for one that Options.KeyScopes does not list.
func (s *Identity) checkScopes(scopes []string) ([]string, error) {
	out := slices.Clone(scopes)
	slices.Sort(out)
	out = slices.Compact(out)
	for _, sc := range out {
		if !slices.Contains(s.opts.KeyScopes, sc) {
			return nil, &cashless.Error{Code: EInvalidScope, Message: fmt.Sprintf("An API key cannot hold the scope %q.", sc), Param: "scopes"}
		}
	}
	return out, nil
}

// CreateAPIKey implements APIKeys. It checks neither the merchant nor the
// user: the merchant service decides who may make keys.
func (s *Identity) CreateAPIKey(ctx context.Context, in NewAPIKey) (*APIKey, string, error) {
	if in.Mode != ModeTest && in.Mode != ModeLive {
		return nil, "", &cashless.Error{Code: EInvalidKeyMode, Message: `The mode must be "test" or "live".`, Param: "mode"}
	}
	if in.MerchantID == "" {
		return nil, "", &cashless.Error{Code: cashless.EInvalid, Message: "An API key needs a merchant.", Param: "merchant_id"}
	}
	scopes, err := s.checkScopes(in.Scopes)
	if err != nil {
		return nil, "", err
	}
	secret := newKeySecret(in.Mode)
	_, lookup, _ := parseKeySecret(secret)
	head := "sk_" + in.Mode + "_"
	rec := &APIKeyRecord{
		APIKey: APIKey{
			ID:         id.New(id.APIKey),
			MerchantID: in.MerchantID,
			Mode:       in.Mode,
			Scopes:     scopes,
			Prefix:     secret[:len(head)+keyPrefixShown],
			CreatedBy:  in.CreatedBy,
			Created:    s.now(),
		},
		Lookup: lookup,
		Hash:   hashKeySecret(secret),
	}
	if err := s.store.CreateAPIKey(ctx, rec); err != nil {
		return nil, "", fmt.Errorf("create api key: %w", err)
	}
	k := rec.APIKey
	return &k, secret, nil
}

// AuthenticateKey implements APIKeys. It reads the database on every call,
// with no cache, so that a revocation on any instance applies to the very
// next call everywhere; the read is one indexed lookup. The hash is
// compared in constant time. The last-used time is written at most once a
// KeyTouchInterval per key, and a failure to write it is logged, never
// returned: it must not refuse a valid key.
func (s *Identity) AuthenticateKey(ctx context.Context, secret string) (KeyPrincipal, error) {
	mode, lookup, ok := parseKeySecret(secret)
	if !ok {
		return KeyPrincipal{}, errInvalidAPIKey()
	}
	recs, err := s.store.APIKeysByLookup(ctx, lookup)
	if err != nil {
		return KeyPrincipal{}, fmt.Errorf("authenticate api key: %w", err)
	}
	hash := hashKeySecret(secret)
	for _, r := range recs {
		if subtle.ConstantTimeCompare(r.Hash, hash) != 1 || r.Mode != mode || !r.Revoked.IsZero() {
			continue
		}
		now := s.now()
		if r.LastUsed.IsZero() || !r.LastUsed.After(now.Add(-KeyTouchInterval)) {
			if err := s.store.TouchAPIKey(ctx, r.ID, now, KeyTouchInterval); err != nil {
				s.opts.Logger.WarnContext(ctx, "api key last-used time not recorded", "key", r.ID, "error", err)
			}
		}
		return KeyPrincipal{KeyID: r.ID, MerchantID: r.MerchantID, Mode: r.Mode, Scopes: slices.Clone(r.Scopes)}, nil
	}
	return KeyPrincipal{}, errInvalidAPIKey()
}

// APIKeys implements APIKeys; the records hold hashes, never secrets, and
// only their public fields are returned.
func (s *Identity) APIKeys(ctx context.Context, merchantID string) ([]*APIKey, error) {
	recs, err := s.store.MerchantAPIKeys(ctx, merchantID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	out := make([]*APIKey, len(recs))
	for i, r := range recs {
		k := r.APIKey
		out[i] = &k
	}
	return out, nil
}

// RevokeAPIKey implements APIKeys. Revoking a revoked key again returns it
// unchanged; another merchant's key is EAPIKeyNotFound, as an unknown one.
func (s *Identity) RevokeAPIKey(ctx context.Context, merchantID, keyID string) (*APIKey, error) {
	r, err := s.store.RevokeAPIKey(ctx, merchantID, keyID, s.now())
	if err != nil {
		return nil, err
	}
	k := r.APIKey
	return &k, nil
}
