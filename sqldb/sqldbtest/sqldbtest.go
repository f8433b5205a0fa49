// Package sqldbtest gives tests a fresh database on every store Cashless
// supports: always SQLite, and MySQL when CASHLESS_TEST_MYSQL holds a
// go-sql-driver DSN of a server (for example "root@tcp(127.0.0.1:3306)/").
// CI always sets it; without it the MySQL half of each suite is skipped.
package sqldbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/cashless-dev/cashless/sqldb"
)

// EnvMySQL is the environment variable that switches on the MySQL half.
const EnvMySQL = "CASHLESS_TEST_MYSQL"

// Dialects lists the dialects a test run covers, SQLite first.
func Dialects() []sqldb.Dialect {
	if os.Getenv(EnvMySQL) != "" {
		return []sqldb.Dialect{sqldb.SQLite, sqldb.MySQL}
	}
	return []sqldb.Dialect{sqldb.SQLite}
}

// Each runs fn as a subtest once per dialect, each with a fresh database URL.
func Each(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	for _, d := range []sqldb.Dialect{sqldb.SQLite, sqldb.MySQL} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, URL(t, d))
		})
	}
}

// URL returns a fresh, empty database URL of the dialect, removed when the
// test ends. MySQL skips the test when CASHLESS_TEST_MYSQL is unset.
func URL(t testing.TB, d sqldb.Dialect) string {
	t.Helper()
	if d == sqldb.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv(EnvMySQL)
	if base == "" {
		t.Skip(EnvMySQL + " is not set: skipping the MySQL half")
	}
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvMySQL, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	cfg.DBName = "cashless_test_" + hex.EncodeToString(b)
	dsn := cfg.FormatDSN()
	t.Cleanup(func() {
		if os.Getenv("CASHLESS_TEST_KEEP_DB") == "" {
			dropAll(t, cfg)
		}
	})
	return "mysql:" + dsn
}

// Open opens a fresh database of the dialect and closes it when the test ends.
func Open(t testing.TB, d sqldb.Dialect) *sqldb.DB {
	t.Helper()
	db, err := sqldb.Open(context.Background(), URL(t, d))
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dropAll drops the test's database and every per-service database derived
// from it (<name>_ledger, <name>_wallet, ...: sqldb.ForService), which a
// platform started on the URL creates.
func dropAll(t testing.TB, cfg *mysql.Config) {
	server := *cfg
	server.DBName = ""
	db, err := sql.Open("mysql", server.FormatDSN())
	if err != nil {
		t.Logf("drop test databases: %v", err)
		return
	}
	defer db.Close()
	rows, err := db.Query(`SELECT schema_name FROM information_schema.schemata WHERE schema_name = ? OR schema_name LIKE ?`,
		cfg.DBName, cfg.DBName+`\_%`)
	if err != nil {
		t.Logf("drop test databases: %v", err)
		return
	}
	var names []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			names = append(names, name)
		}
	}
	rows.Close()
	for _, name := range names {
		if _, err := db.Exec("DROP DATABASE IF EXISTS `" + name + "`"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	}
}
