package sqldb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

func TestPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t, sqldb.SQLite)
	_, err := db.Write.ExecContext(ctx, `CREATE TABLE things (id VARCHAR(10) PRIMARY KEY, owner VARCHAR(10))`)
	require.NoError(t, err)
	for i := range 7 {
		_, err := db.Write.ExecContext(ctx, `INSERT INTO things VALUES (?, ?)`, fmt.Sprintf("t%d", i), "a")
		require.NoError(t, err)
	}
	_, err = db.Write.ExecContext(ctx, `INSERT INTO things VALUES ('t9', 'b')`)
	require.NoError(t, err)
	scan := func(r interface{ Scan(...any) error }) (string, error) {
		var id string
		return id, r.Scan(&id)
	}
	page := func(p cashless.Page) ([]string, bool) {
		got, more, err := sqldb.Page(ctx, db.Read, "things", `SELECT id FROM things WHERE owner = ?`, []any{"a"}, p, scan)
		require.NoError(t, err)
		return got, more
	}
	got, more := page(cashless.Page{Limit: 3})
	require.Equal(t, []string{"t6", "t5", "t4"}, got) // newest first; another owner's row left out
	require.True(t, more)
	got, more = page(cashless.Page{Limit: 3, StartingAfter: "t4"})
	require.Equal(t, []string{"t3", "t2", "t1"}, got)
	require.True(t, more)
	got, more = page(cashless.Page{Limit: 3, StartingAfter: "t1"})
	require.Equal(t, []string{"t0"}, got)
	require.False(t, more)
	got, more = page(cashless.Page{Limit: 2, EndingBefore: "t2"}) // the two just newer, still newest first
	require.Equal(t, []string{"t4", "t3"}, got)
	require.True(t, more)
}
