// Package sqlstore stores the wallet service's data in SQLite or MySQL.
package sqlstore

import (
	"context"
	"embed"
	"io/fs"

	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/wallet"
)

//go:embed migrations
var migrations embed.FS

// Migrate creates or upgrades the wallet's tables.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return sqldb.Migrate(ctx, db, sub, "wallet")
}

// Store is the wallet's store on one database. Writes go through a group
// committer.
type Store struct {
	db    *sqldb.DB
	group *sqldb.Group
}

var _ wallet.Store = (*Store)(nil)

// New returns a store on db; Migrate must have run. Close it to stop its
// group committer.
func New(db *sqldb.DB) *Store {
	return &Store{db: db, group: sqldb.NewGroup(db)}
}

// Close stops the store's writer; the database stays open.
func (s *Store) Close() { s.group.Close() }
