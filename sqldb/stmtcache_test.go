package sqldb_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/sqldb"
)

// The SQLite connections keep prepared statements; reusing them must never
// change an answer: not while the same statement's rows are still open,
// not past the cache's size, and not for scripts of several statements.
func TestStatementCache(t *testing.T) {
	t.Parallel()
	db, err := sqldb.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "c.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })

	// A script of several statements runs whole (it is not cached).
	_, err = db.Write.Exec("CREATE TABLE c (v INTEGER NOT NULL); INSERT INTO c (v) VALUES (1), (2), (3);")
	require.NoError(t, err)

	tx, err := db.Write.Begin() // one connection: every statement below shares its cache
	require.NoError(t, err)
	defer tx.Rollback()
	const q = "SELECT v FROM c ORDER BY v"
	outer, err := tx.Query(q)
	require.NoError(t, err)
	var pairs []string
	for outer.Next() {
		var v int
		require.NoError(t, outer.Scan(&v))
		inner, err := tx.Query(q) // the same text while its rows are open
		require.NoError(t, err)
		for inner.Next() {
			var w int
			require.NoError(t, inner.Scan(&w))
			pairs = append(pairs, fmt.Sprint(v, w))
		}
		require.NoError(t, inner.Close())
	}
	require.NoError(t, outer.Err())
	require.NoError(t, outer.Close())
	require.Equal(t, []string{"1 1", "1 2", "1 3", "2 1", "2 2", "2 3", "3 1", "3 2", "3 3"}, pairs)

	// More distinct statements than the cache holds, each run twice.
	for round := range 2 {
		for i := range 300 {
			var got int
			require.NoError(t, tx.QueryRow(fmt.Sprintf("SELECT %d + v FROM c WHERE v = ?", i), 2).Scan(&got))
			require.Equal(t, i+2, got, "round %d statement %d", round, i)
		}
	}
}
