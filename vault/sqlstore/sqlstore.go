// Package sqlstore keeps a vault's wrapped keys in a table of the owning
// service's own database, <service>_vault_keys, on SQLite or MySQL. Each
// service that seals data (identity, wallet, ...) keeps its keys next to
// its sealed rows this way, so a backup of one database holds everything
// that service needs to unseal its data, short of the key keeper.
package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/vault"
)

// Store implements vault.KeyStore on one table of a service's database.
// Key writes are rare (first start and rotations), so they go straight to
// the write pool rather than through a group committer.
type Store struct {
	db    *sqldb.DB
	table string
	// Now stamps saved keys (time.Now by default).
	Now func() time.Time
}

var _ vault.KeyStore = (*Store)(nil)

// New returns the key store of service on db; Migrate must have run.
// service must be a valid service name (see Migrate); New panics
// otherwise, since it is a constant of the calling code.
func New(db *sqldb.DB, service string) *Store {
	if err := checkService(service); err != nil {
		panic(err)
	}
	return &Store{db: db, table: service + "_vault_keys", Now: time.Now}
}

// Migrate creates the table <service>_vault_keys when it is missing. It is
// safe to run from several processes at once and on every start. service
// is a lower-case name: a letter, then letters, digits or "_".
func Migrate(ctx context.Context, db *sqldb.DB, service string) error {
	if err := checkService(service); err != nil {
		return err
	}
	ddl := `CREATE TABLE IF NOT EXISTS ` + service + `_vault_keys (
    id         INTEGER NOT NULL PRIMARY KEY,
    wrapped    BLOB NOT NULL,
    updated_us BIGINT NOT NULL
)`
	if db.Dialect == sqldb.MySQL {
		ddl = `CREATE TABLE IF NOT EXISTS ` + service + `_vault_keys (
    id         INT UNSIGNED NOT NULL,
    wrapped    BLOB NOT NULL,
    updated_us BIGINT NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`
	}
	if _, err := db.Write.ExecContext(ctx, ddl); err != nil {
		return fmt.Errorf("create %s vault key table: %w", service, err)
	}
	return nil
}

// checkService keeps the table name a plain identifier: it is part of the
// SQL text.
func checkService(service string) error {
	ok := service != "" && len(service) <= 48 && service[0] >= 'a' && service[0] <= 'z'
	for i := 0; ok && i < len(service); i++ {
		c := service[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
	}
	if !ok {
		return fmt.Errorf("vault key store: invalid service name %q", service)
	}
	return nil
}

// SaveKey implements vault.KeyStore: it inserts the key or replaces the
// one stored under id.
func (s *Store) SaveKey(ctx context.Context, id uint32, wrapped []byte) error {
	upsert := ` ON CONFLICT (id) DO UPDATE SET wrapped = excluded.wrapped, updated_us = excluded.updated_us`
	if s.db.Dialect == sqldb.MySQL {
		upsert = ` ON DUPLICATE KEY UPDATE wrapped = VALUES(wrapped), updated_us = VALUES(updated_us)`
	}
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO `+s.table+` (id, wrapped, updated_us) VALUES (?,?,?)`+upsert,
		int64(id), wrapped, s.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("save vault key %d: %w", id, err)
	}
	return nil
}

// LoadKeys implements vault.KeyStore.
func (s *Store) LoadKeys(ctx context.Context) (map[uint32][]byte, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, wrapped FROM `+s.table)
	if err != nil {
		return nil, fmt.Errorf("load vault keys: %w", err)
	}
	defer rows.Close()
	out := make(map[uint32][]byte)
	for rows.Next() {
		var id int64
		var wrapped []byte
		if err := rows.Scan(&id, &wrapped); err != nil {
			return nil, fmt.Errorf("load vault keys: %w", err)
		}
		out[uint32(id)] = wrapped
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("load vault keys: %w", err)
	}
	return out, nil
}
