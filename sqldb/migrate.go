package sqldb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// Migrate runs the migrations of one service: the files
// <dialect>/<version>.sql under migrations, in version order, each once.
// It records applied versions in <service>_schema_migrations. Statements
// are separated by ";\n" and must each be idempotent (CREATE TABLE IF NOT
// EXISTS, INSERT IGNORE and the like), so a migration interrupted half-way,
// or run by two processes at once, is safe to run again: MySQL cannot roll
// back DDL, so no transaction is used. MySQL has no CREATE INDEX IF NOT
// EXISTS, so a plain CREATE INDEX whose index exists already counts as
// done.
func Migrate(ctx context.Context, db *DB, migrations fs.FS, service string) error {
	table := service + "_schema_migrations"
	if _, err := db.Write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+table+` (version VARCHAR(64) NOT NULL PRIMARY KEY)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	files, err := fs.Glob(migrations, string(db.Dialect)+"/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	if len(files) == 0 {
		return fmt.Errorf("no %s migrations for %s", db.Dialect, service)
	}
	sort.Strings(files)
	for _, f := range files {
		version := strings.TrimSuffix(path.Base(f), ".sql")
		var n int
		if err := db.Write.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE version = ?`, version).Scan(&n); err != nil {
			return fmt.Errorf("read migrations: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := fs.ReadFile(migrations, f)
		if err != nil {
			return fmt.Errorf("read migration %s: %w", version, err)
		}
		for _, stmt := range strings.Split(string(body), ";\n") {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := db.Write.ExecContext(ctx, stmt); err != nil && !isDuplicateIndex(err) {
				return fmt.Errorf("migration %s: %w", version, err)
			}
		}
		if _, err := db.Write.ExecContext(ctx, db.Dialect.InsertIgnore()+` INTO `+table+` (version) VALUES (?)`, version); err != nil {
			return fmt.Errorf("record migration %s: %w", version, err)
		}
	}
	return nil
}

// isDuplicateIndex reports MySQL's "duplicate key name" (1061): a CREATE
// INDEX that an earlier, interrupted run of the migration already did.
func isDuplicateIndex(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == 1061
}
