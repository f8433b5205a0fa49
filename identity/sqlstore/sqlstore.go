// Package sqlstore stores the identity service's data in SQLite or MySQL
// (MariaDB, TiDB) through database/sql. One implementation serves both
// engines; the few differences sit in dialect.go and the schema is
// embedded per dialect under migrations/. Writes go through a group
// committer; reads use the read pool.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb"
)

// Store implements identity.Store on a sqldb.DB.
type Store struct {
	db    *sqldb.DB
	d     dialect
	group *sqldb.Group
}

var _ identity.Store = (*Store)(nil)

// New returns a store on db; Migrate must have run. Close it to stop its
// group committer.
func New(db *sqldb.DB) *Store {
	return &Store{db: db, d: dialectOf(db.Dialect), group: sqldb.NewGroup(db)}
}

// Close stops the store's group committer, after the writes already
// queued; the database stays open.
func (s *Store) Close() { s.group.Close() }

//go:embed migrations
var migrations embed.FS

// Migrate creates or upgrades the identity tables. It is safe to run from
// several processes at once and on every start.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return sqldb.Migrate(ctx, db, sub, "identity")
}

// nullBytes stores nil as NULL.
func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// nullString stores "" as NULL, so that unique keys allow many empties.
func nullString(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// affected returns the rows a statement changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// errNoRow is returned by a group function to roll back its work when a
// condition fails; the caller turns it into a coded error.
var errNoRow = errors.New("no matching row")

func wrap(verb string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", verb, err)
}
