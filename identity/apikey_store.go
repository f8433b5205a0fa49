package identity

import (
	"context"
	"time"
)

// KeyStore persists merchant API keys; it is part of Store. Only the
// SHA-256 of a secret is stored, never the secret.
type KeyStore interface {
	// CreateAPIKey stores a new key. Its id is made before the call, so a
	// rerun that finds the row stored counts as done.
	CreateAPIKey(ctx context.Context, k *APIKeyRecord) error
	// APIKeysByLookup returns the keys, revoked ones too, whose lookup
	// prefix is lookup. It reads the database on every call, so that a
	// revocation on any instance is seen at once.
	APIKeysByLookup(ctx context.Context, lookup string) ([]*APIKeyRecord, error)
	// MerchantAPIKeys lists a merchant's keys, newest first.
	MerchantAPIKeys(ctx context.Context, merchantID string) ([]*APIKeyRecord, error)
	// RevokeAPIKey revokes the merchant's key at now, and returns it: a
	// key already revoked keeps its first revocation time.
	// EAPIKeyNotFound when the merchant has no such key.
	RevokeAPIKey(ctx context.Context, merchantID, keyID string, now time.Time) (*APIKeyRecord, error)
	// TouchAPIKey sets the key's last-used time to now when it is at
	// least gap old (or unset), with one conditional UPDATE, so that busy keys
	// cost one write per gap across all instances.
	TouchAPIKey(ctx context.Context, keyID string, now time.Time, gap time.Duration) error
}

// APIKeyRecord is an API key as stored.
type APIKeyRecord struct {
	APIKey
	// Lookup is the first keyLookupLen characters of the secret after
	// "sk_<mode>_"; it finds the key without revealing the secret.
	Lookup string
	// Hash is the SHA-256 of the whole secret.
	Hash []byte
}
