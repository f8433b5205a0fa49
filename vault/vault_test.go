package vault_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/vault"
)

type testBundle struct {
	ctx   context.Context
	dir   string
	url   string
	store *vault.MemoryKeyStore
	vault *vault.Vault
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "keys")
	url, err := vault.LocalKeyFile(dir)
	require.NoError(t, err)
	b := &testBundle{ctx: t.Context(), dir: dir, url: url, store: &vault.MemoryKeyStore{}}
	b.vault = b.open(t)
	return b
}

// open opens another vault on the bundle's key file and store.
func (b *testBundle) open(t *testing.T) *vault.Vault {
	t.Helper()
	v, err := vault.Open(b.ctx, b.url, b.store)
	require.NoError(t, err)
	t.Cleanup(func() { v.Close() })
	return v
}

func keyID(sealed []byte) uint32 {
	return uint32(sealed[1])<<24 | uint32(sealed[2])<<16 | uint32(sealed[3])<<8 | uint32(sealed[4])
}

func TestSealRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, plaintext := range [][]byte{[]byte("+254712345678"), []byte("ada@example.com"), {}, bytes.Repeat([]byte("x"), 4096)} {
		sealed, err := b.vault.Seal(b.ctx, plaintext, []byte("users/usr_1/phone"))
		require.NoError(t, err)
		got, err := b.vault.Unseal(b.ctx, sealed, []byte("users/usr_1/phone"))
		require.NoError(t, err)
		require.Equal(t, string(plaintext), string(got))
	}
}

func TestSealedHidesPlaintext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	plaintext := []byte("GB29NWBK60161331926819")
	sealed, err := b.vault.Seal(b.ctx, plaintext, []byte("users/usr_1/iban"))
	require.NoError(t, err)
	require.NotContains(t, string(sealed), string(plaintext))
	again, err := b.vault.Seal(b.ctx, plaintext, []byte("users/usr_1/iban"))
	require.NoError(t, err)
	require.NotEqual(t, sealed, again, "each seal uses a fresh nonce")
}

func TestUnsealRejects(t *testing.T) {
	t.Parallel()
	b := setup(t)
	aad := []byte("users/usr_1/email")
	sealed, err := b.vault.Seal(b.ctx, []byte("ada@example.com"), aad)
	require.NoError(t, err)

	flip := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 0x01
		return c
	}
	unknownKey := bytes.Clone(sealed)
	unknownKey[1] = 0x7f

	tests := []struct {
		name   string
		sealed []byte
		aad    []byte
		want   error
	}{
		{"other row", sealed, []byte("users/usr_2/email"), vault.ErrCorrupt},
		{"other field", sealed, []byte("users/usr_1/phone"), vault.ErrCorrupt},
		{"no aad", sealed, nil, vault.ErrCorrupt},
		{"flipped version", flip(0), aad, vault.ErrCorrupt},
		{"flipped nonce", flip(7), aad, vault.ErrCorrupt},
		{"flipped ciphertext", flip(20), aad, vault.ErrCorrupt},
		{"flipped tag", flip(len(sealed) - 1), aad, vault.ErrCorrupt},
		{"truncated", sealed[:len(sealed)-1], aad, vault.ErrCorrupt},
		{"header only", sealed[:17], aad, vault.ErrCorrupt},
		{"short", sealed[:3], aad, vault.ErrCorrupt},
		{"empty", nil, aad, vault.ErrCorrupt},
		{"index key id", append([]byte{1, 0, 0, 0, 0}, sealed[5:]...), aad, vault.ErrCorrupt},
		{"unknown key id", unknownKey, aad, vault.ErrUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := b.vault.Unseal(b.ctx, tt.sealed, tt.aad)
			require.ErrorIs(t, err, tt.want)
			require.ErrorContains(t, err, "unseal: ")
			require.Nil(t, got)
		})
	}
}

func TestLocalKeyFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "secrets")
	url, err := vault.LocalKeyFile(dir)
	require.NoError(t, err)
	require.Regexp(t, `^base64key://[A-Za-z0-9_-]{43}=$`, url)

	info, err := os.Stat(filepath.Join(dir, "vault.key"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	dirInfo, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), dirInfo.Mode().Perm())

	again, err := vault.LocalKeyFile(dir)
	require.NoError(t, err)
	require.Equal(t, url, again)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")

	other, err := vault.LocalKeyFile(t.TempDir())
	require.NoError(t, err)
	require.NotEqual(t, url, other)
}

func TestLocalKeyFileRejects(t *testing.T) {
	t.Parallel()
	readable := t.TempDir()
	_, err := vault.LocalKeyFile(readable)
	require.NoError(t, err)
	require.NoError(t, os.Chmod(filepath.Join(readable, "vault.key"), 0o644))
	_, err = vault.LocalKeyFile(readable)
	require.ErrorContains(t, err, "want 0600")

	garbage := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(garbage, "vault.key"), []byte("not a key"), 0o600))
	_, err = vault.LocalKeyFile(garbage)
	require.Error(t, err)
}

func TestSecondVaultOpensFirstsValues(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sealed, err := b.vault.Seal(b.ctx, []byte("Ada Lovelace"), []byte("users/usr_1/name"))
	require.NoError(t, err)

	second := b.open(t)
	got, err := second.Unseal(b.ctx, sealed, []byte("users/usr_1/name"))
	require.NoError(t, err)
	require.Equal(t, []byte("Ada Lovelace"), got)
	require.Equal(t, b.vault.BlindIndex("name", "ada lovelace"), second.BlindIndex("name", "ada lovelace"))
}

func TestOpenWithOtherKeeperKeyFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	otherURL, err := vault.LocalKeyFile(t.TempDir())
	require.NoError(t, err)
	_, err = vault.Open(b.ctx, otherURL, b.store)
	require.ErrorContains(t, err, "index key: unwrap", "the stored keys do not open with another keeper key")
}

func TestRotate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	aad := []byte("users/usr_1/phone")
	before, err := b.vault.Seal(b.ctx, []byte("+254712345678"), aad)
	require.NoError(t, err)
	indexBefore := b.vault.BlindIndex("phone", "+254712345678")
	wrappedBefore, err := b.store.LoadKeys(b.ctx)
	require.NoError(t, err)

	require.NoError(t, b.vault.Rotate(b.ctx))

	after, err := b.vault.Seal(b.ctx, []byte("+254712345678"), aad)
	require.NoError(t, err)
	require.Equal(t, keyID(before)+1, keyID(after))
	wrappedAfter, err := b.store.LoadKeys(b.ctx)
	require.NoError(t, err)
	require.Len(t, wrappedAfter, len(wrappedBefore)+1)
	for id, w := range wrappedBefore {
		require.NotEqual(t, w, wrappedAfter[id], "key %d is re-wrapped", id)
	}

	// Both this vault and one opened afterwards read old and new values.
	for _, v := range []*vault.Vault{b.vault, b.open(t)} {
		for _, sealed := range [][]byte{before, after} {
			got, err := v.Unseal(b.ctx, sealed, aad)
			require.NoError(t, err)
			require.Equal(t, []byte("+254712345678"), got)
		}
		require.Equal(t, indexBefore, v.BlindIndex("phone", "+254712345678"))
	}
}

func TestVaultSeesKeysRotatedElsewhere(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := b.open(t)
	require.NoError(t, other.Rotate(b.ctx))
	sealed, err := other.Seal(b.ctx, []byte("ada@example.com"), nil)
	require.NoError(t, err)

	got, err := b.vault.Unseal(b.ctx, sealed, nil)
	require.NoError(t, err)
	require.Equal(t, []byte("ada@example.com"), got)
}

func TestRotateWhileSealing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				aad := fmt.Appendf(nil, "users/usr_%d/email", w)
				plaintext := fmt.Appendf(nil, "user%d-%d@example.com", w, i)
				sealed, err := b.vault.Seal(b.ctx, plaintext, aad)
				if err != nil {
					errs <- err
					return
				}
				got, err := b.vault.Unseal(b.ctx, sealed, aad)
				if err == nil && !bytes.Equal(got, plaintext) {
					err = errors.New("round trip changed the value")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 5 {
			if err := b.vault.Rotate(b.ctx); err != nil {
				errs <- err
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	sealed, err := b.vault.Seal(b.ctx, []byte("x"), nil)
	require.NoError(t, err)
	require.Equal(t, uint32(6), keyID(sealed))
}

func TestBlindIndex(t *testing.T) {
	t.Parallel()
	b := setup(t)
	phone := b.vault.BlindIndex("phone", "+254712345678")
	require.Len(t, phone, 32)
	require.Equal(t, phone, b.vault.BlindIndex("phone", "+254712345678"))
	require.NotEqual(t, phone, b.vault.BlindIndex("phone", "+254712345679"))
	require.NotEqual(t, phone, b.vault.BlindIndex("email", "+254712345678"))
	// The separator keeps kind and value apart.
	require.NotEqual(t, b.vault.BlindIndex("ab", "c"), b.vault.BlindIndex("a", "bc"))
	require.Panics(t, func() { b.vault.BlindIndex("a\x00b", "c") })

	// Another key store means another index key.
	other := setup(t)
	require.NotEqual(t, phone, other.vault.BlindIndex("phone", "+254712345678"))
}

func TestDerivedKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	k1, err := b.vault.DerivedKey("access tokens v1")
	require.NoError(t, err)
	require.Len(t, k1, 32)
	again, err := b.open(t).DerivedKey("access tokens v1")
	require.NoError(t, err)
	require.Equal(t, k1, again, "every instance on the same store derives the same key")
	other, err := b.vault.DerivedKey("something else v1")
	require.NoError(t, err)
	require.NotEqual(t, k1, other)
	require.NoError(t, b.vault.Rotate(b.ctx))
	after, err := b.vault.DerivedKey("access tokens v1")
	require.NoError(t, err)
	require.Equal(t, k1, after, "rotation keeps derived keys")
	_, err = b.vault.DerivedKey("")
	require.Error(t, err)
	_, err = b.vault.DerivedKey("blind index v1")
	require.Error(t, err)
}
