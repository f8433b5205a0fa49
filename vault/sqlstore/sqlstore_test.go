package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/vault"
	"github.com/cashless-dev/cashless/vault/sqlstore"
)

type testBundle struct {
	ctx   context.Context
	db    *sqldb.DB
	store *sqlstore.Store
	url   string // the vault keeper
}

func setup(t *testing.T, dbURL string) *testBundle {
	t.Helper()
	ctx := t.Context()
	db, err := sqldb.Open(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, sqlstore.Migrate(ctx, db, "identity"))
	require.NoError(t, sqlstore.Migrate(ctx, db, "identity"), "Migrate runs again on every start")
	keeper, err := vault.LocalKeyFile(filepath.Join(t.TempDir(), "keys"))
	require.NoError(t, err)
	return &testBundle{ctx: ctx, db: db, store: sqlstore.New(db, "identity"), url: keeper}
}

func (b *testBundle) open(t *testing.T) *vault.Vault {
	t.Helper()
	v, err := vault.Open(b.ctx, b.url, b.store)
	require.NoError(t, err)
	t.Cleanup(func() { v.Close() })
	return v
}

func TestSaveAndLoad(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		got, err := b.store.LoadKeys(b.ctx)
		require.NoError(t, err)
		require.Empty(t, got)

		require.NoError(t, b.store.SaveKey(b.ctx, 0, []byte("index key")))
		require.NoError(t, b.store.SaveKey(b.ctx, 1, []byte("first")))
		require.NoError(t, b.store.SaveKey(b.ctx, 4294967295, []byte{0, 1, 2, 255}))
		require.NoError(t, b.store.SaveKey(b.ctx, 1, []byte("first, re-wrapped")), "SaveKey replaces")

		got, err = b.store.LoadKeys(b.ctx)
		require.NoError(t, err)
		require.Equal(t, map[uint32][]byte{
			0:          []byte("index key"),
			1:          []byte("first, re-wrapped"),
			4294967295: {0, 1, 2, 255},
		}, got)
	})
}

// TestVaultOverStore seals, rotates, reopens and still unseals the values
// sealed before the rotation, with the same blind index.
func TestVaultOverStore(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		aad := []byte("usr_1/phone")
		v := b.open(t)
		before, err := v.Seal(b.ctx, []byte("+85291234567"), aad)
		require.NoError(t, err)
		index := v.BlindIndex("phone", "+85291234567")

		require.NoError(t, v.Rotate(b.ctx))
		after, err := v.Seal(b.ctx, []byte("+85298765432"), aad)
		require.NoError(t, err)
		require.NotEqual(t, before[1:5], after[1:5], "new seals use the new data key")

		keys, err := b.store.LoadKeys(b.ctx)
		require.NoError(t, err)
		require.Len(t, keys, 3, "index key and two data keys")

		reopened := b.open(t)
		got, err := reopened.Unseal(b.ctx, before, aad)
		require.NoError(t, err)
		require.Equal(t, "+85291234567", string(got))
		got, err = reopened.Unseal(b.ctx, after, aad)
		require.NoError(t, err)
		require.Equal(t, "+85298765432", string(got))
		require.Equal(t, index, reopened.BlindIndex("phone", "+85291234567"))
	})
}

func TestServiceTablesApart(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		require.NoError(t, sqlstore.Migrate(b.ctx, b.db, "wallet"))
		wallet := sqlstore.New(b.db, "wallet")
		require.NoError(t, b.store.SaveKey(b.ctx, 1, []byte("identity's")))
		got, err := wallet.LoadKeys(b.ctx)
		require.NoError(t, err)
		require.Empty(t, got, "each service has its own table")
	})
}

func TestInvalidServiceName(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t, sqldb.SQLite)
	for _, name := range []string{"", "Identity", "1wallet", "wallet; DROP TABLE x", "wal-let"} {
		require.Error(t, sqlstore.Migrate(t.Context(), db, name), name)
		require.Panics(t, func() { sqlstore.New(db, name) }, name)
	}
}
