package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names the SQL engine behind a DB.
type Dialect string

// Supported dialects.
const (
	SQLite Dialect = "sqlite"
	MySQL  Dialect = "mysql"
)

// DB is an open service database. On SQLite, Write has exactly one
// connection (SQLite has one writer; every write goes through it) and Read
// has several; on MySQL both are the same pool.
type DB struct {
	Dialect Dialect
	Write   *sql.DB
	Read    *sql.DB
	// Name is the database URL with any password removed, for logs.
	Name string
	// Path is the SQLite file, empty on MySQL.
	Path string

	// test holds the seams of testing.go; nil outside tests.
	test *testHooks
}

// Close closes the connection pools.
func (db *DB) Close() error {
	err := db.Write.Close()
	if db.Read != db.Write {
		if rerr := db.Read.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// ParseURL splits a database URL into its dialect and the rest (a path or a DSN).
func ParseURL(url string) (Dialect, string, error) {
	scheme, rest, ok := strings.Cut(url, ":")
	if !ok {
		return "", "", fmt.Errorf("database URL %q: want sqlite:<path> or mysql:<dsn>", Redact(url))
	}
	switch Dialect(scheme) {
	case SQLite:
		return SQLite, rest, nil
	case MySQL:
		if _, err := mysql.ParseDSN(rest); err != nil {
			return "", "", fmt.Errorf("database URL %q: %w", Redact(url), err)
		}
		return MySQL, rest, nil
	}
	return "", "", fmt.Errorf("database URL %q: unknown scheme %q (want sqlite or mysql)", Redact(url), scheme)
}

// ForService derives the database URL of one service from a platform-wide
// URL. On MySQL every service gets its own database: cashless_<service> when
// the DSN names none, <name>_<service> when it does. On SQLite a path that is
// a directory (or ends in a slash) holds one file per service,
// <dir>/<service>.db; any other path is used as it is.
func ForService(url, service string) (string, error) {
	d, rest, err := ParseURL(url)
	if err != nil {
		return "", err
	}
	switch d {
	case MySQL:
		cfg, _ := mysql.ParseDSN(rest)
		if cfg.DBName == "" {
			cfg.DBName = "cashless_" + service
		} else {
			cfg.DBName += "_" + service
		}
		return "mysql:" + cfg.FormatDSN(), nil
	default:
		if st, err := os.Stat(rest); (err == nil && st.IsDir()) || strings.HasSuffix(rest, "/") {
			return "sqlite:" + filepath.Join(rest, service+".db"), nil
		}
		return url, nil
	}
}

// Redact removes a password from a database URL.
func Redact(url string) string {
	scheme, rest, ok := strings.Cut(url, ":")
	if !ok || scheme != string(MySQL) {
		return url
	}
	cfg, err := mysql.ParseDSN(rest)
	if err != nil {
		return scheme + ":<unparsable>"
	}
	if cfg.Passwd != "" {
		cfg.Passwd = "xxxxx"
	}
	return scheme + ":" + cfg.FormatDSN()
}

// Open opens the database a URL names. A MySQL database that does not exist
// yet is created; an empty SQLite path makes a fresh temporary file.
func Open(ctx context.Context, url string) (*DB, error) {
	return OpenWith(ctx, url, Options{})
}

// Options adjust how a database is opened.
type Options struct {
	// RelaxedSync makes a SQLite database in WAL mode sync its log at
	// checkpoints rather than at every commit (synchronous=NORMAL): a commit
	// survives the process crashing but not the machine losing power. Only
	// for data whose loss a retry repairs (the API's idempotency records,
	// whose effects the services dedupe themselves). No effect on MySQL,
	// whose durability is the server's setting.
	RelaxedSync bool
}

// OpenWith opens the database a URL names, as Open does, with options.
func OpenWith(ctx context.Context, url string, opts Options) (*DB, error) {
	d, rest, err := ParseURL(url)
	if err != nil {
		return nil, err
	}
	if d == MySQL {
		return openMySQL(ctx, rest)
	}
	return openSQLite(ctx, rest, opts)
}

func openSQLite(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		f, err := os.CreateTemp("", "cashless-*.db")
		if err != nil {
			return nil, fmt.Errorf("create temporary database: %w", err)
		}
		path = f.Name()
		f.Close()
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	// Durable: WAL with synchronous=FULL fsyncs the log on every commit.
	sync := "FULL"
	if opts.RelaxedSync {
		sync = "NORMAL"
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(" + sync + ")&_pragma=foreign_keys(0)&_pragma=temp_store(2)"
	// The writer gets a 32 MiB page cache: batches touch many index pages.
	write, err := sql.Open(cachingDriverName, "file:"+path+"?"+pragmas+"&_pragma=cache_size(-32768)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	read, err := sql.Open(cachingDriverName, "file:"+path+"?"+pragmas)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	read.SetMaxIdleConns(4)
	return &DB{Dialect: SQLite, Write: write, Read: read, Name: "sqlite:" + path, Path: path}, nil
}

func openMySQL(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse MySQL DSN: %w", err)
	}
	// Client-side interpolation: one round trip per statement instead of
	// prepare, execute and close.
	cfg.InterpolateParams = true
	cfg.ParseTime = false
	// Several statements may travel in one round trip (the ledger's batches
	// do). Every statement is built with placeholders, never with values.
	cfg.MultiStatements = true
	if err := cfg.Apply(mysql.Charset("utf8mb4", "utf8mb4_bin")); err != nil {
		return nil, fmt.Errorf("MySQL charset: %w", err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.DBName != "" {
		if err := createDatabase(ctx, *cfg); err != nil {
			return nil, err
		}
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("MySQL connector: %w", err)
	}
	pool := sql.OpenDB(conn)
	pool.SetMaxOpenConns(64)
	pool.SetMaxIdleConns(64)
	pool.SetConnMaxLifetime(time.Hour)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to MySQL: %w", err)
	}
	return &DB{Dialect: MySQL, Write: pool, Read: pool, Name: Redact("mysql:" + cfg.FormatDSN())}, nil
}

func createDatabase(ctx context.Context, cfg mysql.Config) error {
	name := cfg.DBName
	if strings.ContainsAny(name, "`\x00") {
		return fmt.Errorf("invalid MySQL database name %q", name)
	}
	cfg.DBName = ""
	conn, err := mysql.NewConnector(&cfg)
	if err != nil {
		return fmt.Errorf("MySQL connector: %w", err)
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// DropMySQLDatabase drops a MySQL database; tests use it to start clean.
func DropMySQLDatabase(ctx context.Context, dsn string) error {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return err
	}
	name := cfg.DBName
	cfg.DBName = ""
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return err
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	_, err = db.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`")
	return err
}
