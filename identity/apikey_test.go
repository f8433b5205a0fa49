package identity_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/identity/sqlstore"
)

var keyScopes = func(o *identity.Options) { o.KeyScopes = []string{"read", "collect", "refund"} }

func (b *testBundle) newKey(t *testing.T, merchantID, mode string, scopes ...string) (*identity.APIKey, string) {
	t.Helper()
	k, secret, err := b.svc.CreateAPIKey(b.ctx, identity.NewAPIKey{MerchantID: merchantID, Mode: mode, Scopes: scopes, CreatedBy: "usr_1"})
	require.NoError(t, err)
	return k, secret
}

func TestAPIKeyCreateAndAuthenticate(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		k, secret := b.newKey(t, "mer_a", identity.ModeLive, "refund", "read", "read")
		require.True(t, strings.HasPrefix(k.ID, "key_"), k.ID)
		require.Regexp(t, `^sk_live_[0-9A-Za-z]{43}$`, secret)
		require.Equal(t, secret[:len("sk_live_")+4], k.Prefix)
		require.Equal(t, []string{"read", "refund"}, k.Scopes, "sorted, without repeats")
		require.Equal(t, t0, k.Created)
		require.True(t, k.LastUsed.IsZero() && k.Revoked.IsZero())

		p, err := b.svc.AuthenticateKey(b.ctx, secret)
		require.NoError(t, err)
		require.Equal(t, identity.KeyPrincipal{KeyID: k.ID, MerchantID: "mer_a", Mode: "live", Scopes: []string{"read", "refund"}}, p)

		_, test := b.newKey(t, "mer_a", identity.ModeTest)
		require.Regexp(t, `^sk_test_[0-9A-Za-z]{43}$`, test)
		p, err = b.svc.AuthenticateKey(b.ctx, test)
		require.NoError(t, err)
		require.Equal(t, "test", p.Mode)
		require.Empty(t, p.Scopes)
	}, keyScopes)
}

func TestAPIKeyRefusals(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		_, secret := b.newKey(t, "mer_a", identity.ModeLive)
		body := secret[len("sk_live_"):]
		last := body[len(body)-1]
		flipped := byte('A')
		if last == 'A' {
			flipped = 'B'
		}
		for name, s := range map[string]string{
			"wrong secret, same lookup": secret[:len(secret)-1] + string(flipped),
			"other mode, same body":     "sk_test_" + body,
			"unknown mode":              "sk_prod_" + body,
			"too short":                 secret[:len(secret)-1],
			"too long":                  secret + "0",
			"not base62":                secret[:len(secret)-1] + "-",
			"no prefix":                 body,
			"empty":                     "",
		} {
			_, err := b.svc.AuthenticateKey(b.ctx, s)
			requireCode(t, identity.EInvalidAPIKey, err, name)
		}

		_, _, err := b.svc.CreateAPIKey(b.ctx, identity.NewAPIKey{MerchantID: "mer_a", Mode: "prod"})
		requireCode(t, identity.EInvalidKeyMode, err)
		_, _, err = b.svc.CreateAPIKey(b.ctx, identity.NewAPIKey{MerchantID: "mer_a", Mode: "live", Scopes: []string{"read", "admin"}})
		e := requireCode(t, identity.EInvalidScope, err)
		require.Equal(t, "scopes", e.Param)
	}, keyScopes)
}

func TestAPIKeyScopesNeedOptions(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		_, _, err := b.svc.CreateAPIKey(b.ctx, identity.NewAPIKey{MerchantID: "mer_a", Mode: "live", Scopes: []string{"read"}})
		requireCode(t, identity.EInvalidScope, err, "without Options.KeyScopes no scope may be granted")
		b.newKey(t, "mer_a", identity.ModeLive)
	})
}

// A revocation on one instance is refused by another at once: there is no
// cache to wait out.
func TestAPIKeyRevokedAtOnceEverywhere(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		other := b.newInstance(t)
		k, secret := b.newKey(t, "mer_a", identity.ModeLive)
		_, err := other.AuthenticateKey(b.ctx, secret)
		require.NoError(t, err)

		b.clock.Advance(time.Second)
		got, err := b.svc.RevokeAPIKey(b.ctx, "mer_a", k.ID)
		require.NoError(t, err)
		require.Equal(t, t0.Add(time.Second), got.Revoked)

		_, err = other.AuthenticateKey(b.ctx, secret)
		requireCode(t, identity.EInvalidAPIKey, err)
		_, err = b.svc.AuthenticateKey(b.ctx, secret)
		requireCode(t, identity.EInvalidAPIKey, err)

		b.clock.Advance(time.Second)
		again, err := other.RevokeAPIKey(b.ctx, "mer_a", k.ID)
		require.NoError(t, err)
		require.Equal(t, got.Revoked, again.Revoked, "a second revocation keeps the first time")
	}, keyScopes)
}

func TestAPIKeyMerchantIsolation(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		k, secret := b.newKey(t, "mer_a", identity.ModeLive)
		_, err := b.svc.RevokeAPIKey(b.ctx, "mer_b", k.ID)
		requireCode(t, identity.EAPIKeyNotFound, err)
		_, err = b.svc.RevokeAPIKey(b.ctx, "mer_a", "key_unknown")
		requireCode(t, identity.EAPIKeyNotFound, err)
		_, err = b.svc.AuthenticateKey(b.ctx, secret)
		require.NoError(t, err, "another merchant's revocation changed nothing")

		keys, err := b.svc.APIKeys(b.ctx, "mer_b")
		require.NoError(t, err)
		require.Empty(t, keys)
	}, keyScopes)
}

func TestAPIKeyListNewestFirstWithoutSecrets(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		var ids, secrets []string
		for i := range 3 {
			k, s := b.newKey(t, "mer_a", identity.ModeTest)
			ids, secrets = append([]string{k.ID}, ids...), append(secrets, s)
			if i == 1 {
				_, err := b.svc.RevokeAPIKey(b.ctx, "mer_a", k.ID)
				require.NoError(t, err)
			}
			b.clock.Advance(time.Second)
		}
		b.newKey(t, "mer_b", identity.ModeTest)

		keys, err := b.svc.APIKeys(b.ctx, "mer_a")
		require.NoError(t, err)
		require.Len(t, keys, 3)
		for i, k := range keys {
			require.Equal(t, ids[i], k.ID)
			require.Equal(t, "mer_a", k.MerchantID)
			require.Equal(t, t0.Add(time.Duration(2-i)*time.Second), k.Created)
			require.Equal(t, i == 1, !k.Revoked.IsZero(), "key %d", i)
			for _, s := range secrets {
				require.NotContains(t, k.Prefix, s[8:16])
				require.NotContains(t, strings.Join(k.Scopes, " "), s)
			}
		}
	}, keyScopes)
}

func TestAPIKeyLastUsedThrottled(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		k, secret := b.newKey(t, "mer_a", identity.ModeLive)
		lastUsed := func() time.Time {
			keys, err := b.svc.APIKeys(b.ctx, "mer_a")
			require.NoError(t, err)
			require.Len(t, keys, 1)
			require.Equal(t, k.ID, keys[0].ID)
			return keys[0].LastUsed
		}
		auth := func() {
			_, err := b.svc.AuthenticateKey(b.ctx, secret)
			require.NoError(t, err)
		}
		require.True(t, lastUsed().IsZero())
		auth()
		require.Equal(t, t0, lastUsed())

		b.clock.Advance(59 * time.Second)
		auth()
		require.Equal(t, t0, lastUsed(), "within a minute: not written")

		b.clock.Advance(time.Second)
		auth()
		require.Equal(t, t0.Add(time.Minute), lastUsed(), "a minute later: written")
	}, keyScopes)
}

// failingTouch is the real store whose last-used writes fail.
type failingTouch struct{ *sqlstore.Store }

func (failingTouch) TouchAPIKey(context.Context, string, time.Time, time.Duration) error {
	return errors.New("disk full")
}

// A failed last-used write does not refuse the key: it is logged.
func TestAPIKeyTouchFailureDoesNotBlock(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		_, secret := b.newKey(t, "mer_a", identity.ModeLive)
		svc, err := identity.New(failingTouch{b.store}, b.vault, identity.Options{
			Now: b.clock.Now, TokenKey: testKey, Argon2: identity.CheapArgon2, Sender: b.outbox,
			Logger: slog.New(slog.NewJSONHandler(b.logs, nil)),
		})
		require.NoError(t, err)
		p, err := svc.AuthenticateKey(b.ctx, secret)
		require.NoError(t, err)
		require.Equal(t, "mer_a", p.MerchantID)
		require.Contains(t, b.logs.String(), "disk full")
	}, keyScopes)
}
