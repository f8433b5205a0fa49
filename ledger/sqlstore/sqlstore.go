// Package sqlstore stores the ledger in SQLite or MySQL (MariaDB, TiDB)
// through database/sql. One implementation serves both engines; the few
// differences (row locks, upserts, error codes) sit in dialect.go, and the
// schema is embedded per dialect under migrations/.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/sqldb"
)

// Store implements ledger.Store on a sqldb.DB.
type Store struct {
	db *sqldb.DB
	d  dialect
}

var _ ledger.Store = (*Store)(nil)

// New returns a store on db. Migrate must have run on db.
func New(db *sqldb.DB) *Store { return &Store{db: db, d: dialectOf(db.Dialect)} }

//go:embed migrations
var migrations embed.FS

// Migrate creates or upgrades the ledger's tables. It is safe to run from
// several processes at once and on every start.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return sqldb.Migrate(ctx, db, sub, "ledger")
}

// WriteBatch implements ledger.Store.
func (s *Store) WriteBatch(ctx context.Context, fn func(ledger.BatchTx) error) error {
	if s.db.Dialect == sqldb.MySQL {
		return s.writeBatchByHand(ctx, fn)
	}
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return s.translate(fmt.Errorf("begin batch: %w", err))
	}
	if err := fn(&batchTx{s: s, tx: tx}); err != nil {
		_ = tx.Rollback()
		return s.translate(err)
	}
	if err := tx.Commit(); err != nil {
		return s.translate(fmt.Errorf("commit batch: %w", err))
	}
	return nil
}

// translate marks errors that a retry can cure with ledger.ErrConflict.
func (s *Store) translate(err error) error {
	if err != nil && sqldb.IsRetryable(err) && !errors.Is(err, ledger.ErrConflict) {
		return fmt.Errorf("%w: %w", ledger.ErrConflict, err)
	}
	return err
}

// placeholders returns "(?,?,?),(?,?,?)" for rows rows of cols columns.
func placeholders(rows, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

// queryer is what *sql.DB and *sql.Tx share.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}
