// Package sqlstore stores the merchant service's data in SQLite or MySQL.
package sqlstore

import (
	"context"
	"embed"
	"io/fs"

	"github.com/cashless-dev/cashless/sqldb"
)

//go:embed migrations
var migrations embed.FS

// Migrate creates or upgrades the merchant service's tables.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return sqldb.Migrate(ctx, db, sub, "merchant")
}

// Store is the merchant service's store on one database. Writes go through
// a group committer.
type Store struct {
	db    *sqldb.DB
	group *sqldb.Group
}

// New returns a store on db; Migrate must have run. Close it to stop its
// group committer.
func New(db *sqldb.DB) *Store {
	return &Store{db: db, group: sqldb.NewGroup(db)}
}

// Close stops the store's writer; the database stays open.
func (s *Store) Close() { s.group.Close() }
