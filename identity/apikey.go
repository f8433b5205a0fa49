package identity

import (
	"context"
	"time"
)

// Stable error codes of API keys.
const (
	// EInvalidAPIKey: an sk_ secret that is malformed, unknown or revoked
	// (the API answers 401).
	EInvalidAPIKey = "invalid_api_key"
	// EAPIKeyNotFound: no such key of this merchant.
	EAPIKeyNotFound = "api_key_not_found"
	// EInvalidKeyMode: a mode that is not test or live.
	EInvalidKeyMode = "invalid_mode"
	// EInvalidScope: a scope the caller may not grant.
	EInvalidScope = "invalid_scope"
)

// APIKey is a merchant server's credential. The secret is shown once, when
// the key is made; identity stores only a hash of it.
type APIKey struct {
	ID         string // key_...
	MerchantID string
	Mode       string   // "test" or "live"
	Scopes     []string // empty: every permission a key may hold
	// Prefix is the start of the secret ("sk_live_AbCd"), shown in lists
	// so people can tell their keys apart.
	Prefix    string
	CreatedBy string // the user who made it
	Created   time.Time
	LastUsed  time.Time // zero until first used
	Revoked   time.Time // zero while valid
}

// NewAPIKey is a key to make.
type NewAPIKey struct {
	MerchantID string
	Mode       string
	Scopes     []string
	CreatedBy  string
}

// KeyPrincipal is who an API key authenticates.
type KeyPrincipal struct {
	KeyID      string
	MerchantID string
	Mode       string
	Scopes     []string
}

// APIKeys makes and checks merchant API keys. Identity implements it; the
// merchant service decides who may call it.
type APIKeys interface {
	// CreateAPIKey makes a key and returns it with its secret
	// ("sk_<mode>_" and 32 random bytes in base62), which is never
	// returned again: EInvalidKeyMode.
	CreateAPIKey(ctx context.Context, in NewAPIKey) (*APIKey, string, error)
	// AuthenticateKey checks a secret: EInvalidAPIKey when it is
	// malformed, unknown or revoked. A revoked key fails at once on every
	// instance. The key's last-used time is updated, at most once a
	// minute per key.
	AuthenticateKey(ctx context.Context, secret string) (KeyPrincipal, error)
	// APIKeys lists a merchant's keys, newest first, revoked ones too.
	APIKeys(ctx context.Context, merchantID string) ([]*APIKey, error)
	// RevokeAPIKey revokes one of the merchant's keys: EAPIKeyNotFound.
	RevokeAPIKey(ctx context.Context, merchantID, keyID string) (*APIKey, error)
}
