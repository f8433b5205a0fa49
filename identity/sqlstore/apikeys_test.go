package sqlstore_test

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
)

func apiKey(id, merchantID string) *identity.APIKeyRecord {
	h := sha256.Sum256([]byte(id))
	return &identity.APIKeyRecord{
		APIKey: identity.APIKey{ID: id, MerchantID: merchantID, Mode: "live", Scopes: []string{"read", "refund"},
			Prefix: "sk_live_AbCd", CreatedBy: "usr_1", Created: t0},
		Lookup: "AbCdEfGhIjKl", Hash: h[:],
	}
}

// Making and revoking a key, each run again after its commit was lost,
// find their own work: one key, revoked once, at the first time.
func TestAPIKeysAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		k := apiKey("key_1", "mer_a")
		require.NoError(t, b.run(t, func() error { return b.store.CreateAPIKey(b.ctx, k) }))
		require.Equal(t, 1, b.count(t, "identity_api_keys"))

		var got *identity.APIKeyRecord
		require.NoError(t, b.run(t, func() error {
			var err error
			got, err = b.store.RevokeAPIKey(b.ctx, "mer_a", k.ID, t0.Add(time.Second))
			return err
		}))
		require.Equal(t, t0.Add(time.Second), got.Revoked)

		err := b.run(t, func() error {
			_, err := b.store.RevokeAPIKey(b.ctx, "mer_b", k.ID, t0)
			return err
		})
		require.Equal(t, identity.EAPIKeyNotFound, cashless.ErrorCode(err))
	})
}

func TestAPIKeyRoundTrip(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		k := apiKey("key_1", "mer_a")
		require.NoError(t, b.store.CreateAPIKey(b.ctx, k))
		other := apiKey("key_2", "mer_a")
		other.Created = t0.Add(time.Second)
		require.NoError(t, b.store.CreateAPIKey(b.ctx, other))

		found, err := b.store.APIKeysByLookup(b.ctx, k.Lookup)
		require.NoError(t, err)
		require.Len(t, found, 2, "a shared lookup prefix finds every key that has it")

		list, err := b.store.MerchantAPIKeys(b.ctx, "mer_a")
		require.NoError(t, err)
		require.Equal(t, []*identity.APIKeyRecord{other, k}, list)

		require.NoError(t, b.store.TouchAPIKey(b.ctx, k.ID, t0.Add(time.Minute), time.Minute))
		require.NoError(t, b.store.TouchAPIKey(b.ctx, k.ID, t0.Add(time.Minute+59*time.Second), time.Minute))
		list, err = b.store.MerchantAPIKeys(b.ctx, "mer_a")
		require.NoError(t, err)
		require.Equal(t, t0.Add(time.Minute), list[1].LastUsed, "a touch within the gap writes nothing")
	})
}
