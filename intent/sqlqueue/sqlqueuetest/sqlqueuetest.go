// Package sqlqueuetest gives tests a table of intents as a service keeps
// them (an id, a status and the four columns package sqlqueue documents)
// on a database of their own, with its queue.
package sqlqueuetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/intent/sqlqueue"
	"github.com/cashless-dev/cashless/sqldb"
)

// Table is the name of the test table; Open is its unfinished status.
const (
	Table = "intents"
	Open  = "open"
)

// New opens the database at url, creates the table of intents in it, and
// returns the database, the group committer its writes go through and the
// queue over the table; the test's cleanup closes them.
func New(t *testing.T, url string) (*sqldb.DB, *sqldb.Group, *sqlqueue.Queue) {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	for _, stmt := range []string{
		`CREATE TABLE ` + Table + ` (
			id             VARCHAR(40)  NOT NULL PRIMARY KEY,
			status         VARCHAR(20)  NOT NULL,
			lease_token    VARCHAR(40)  NOT NULL DEFAULT '',
			lease_until_us BIGINT       NOT NULL DEFAULT 0,
			tries          INTEGER      NOT NULL DEFAULT 0,
			parked         VARCHAR(255) NOT NULL DEFAULT ''
		)`,
		`CREATE INDEX intents_due ON ` + Table + ` (status, lease_until_us)`,
		`CREATE INDEX intents_parked ON ` + Table + ` (parked)`,
	} {
		_, err := db.Write.ExecContext(ctx, stmt)
		require.NoError(t, err)
	}
	group := sqldb.NewGroup(db)
	t.Cleanup(group.Close)
	return db, group, sqlqueue.New(db, group, Table, Open)
}
