package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/sqldb"
)

// keys rotate re-wraps the keys of every service with a vault, and can run
// again: each run adds a data key.
func TestKeysRotate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for range 2 {
		tm, code := run(t, nil, "keys", "rotate", "--data-dir", dir, "--log-level", "warn")
		require.Equal(t, 0, code, tm.stderr.String())
		require.Equal(t, "rotated the identity keys\nrotated the wallet keys\nrotated the merchant keys\nrotated the api keys\n", tm.stdout.String())
	}
	db, err := sqldb.Open(context.Background(), "sqlite:"+filepath.Join(dir, "wallet.db"))
	require.NoError(t, err)
	defer db.Close()
	var keys int
	require.NoError(t, db.Read.QueryRow(`SELECT COUNT(*) FROM wallet_vault_keys`).Scan(&keys))
	require.Equal(t, 4, keys, "the index key, the first data key and one per rotation")

	info, err := os.Stat(filepath.Join(dir, "vault.key"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the local key file is private")

	_, code := run(t, nil, "keys")
	require.Equal(t, 1, code, "keys needs an action")
	_, code = run(t, nil, "keys", "shred")
	require.Equal(t, 1, code, "unknown action")
}
