package sqldb

import (
	"errors"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	sqlite "modernc.org/sqlite"
)

// The few pieces of SQL and error handling that differ between the two
// dialects and that every store needs. Store-specific differences (upserts
// of their own tables) stay in each store's dialect seam.

// InsertIgnore starts an INSERT that skips rows whose key exists.
func (d Dialect) InsertIgnore() string {
	if d == MySQL {
		return "INSERT IGNORE"
	}
	return "INSERT OR IGNORE"
}

// ForUpdate ends a SELECT that locks its rows until the transaction ends.
// SQLite needs none: its write transaction (BEGIN IMMEDIATE) already
// excludes other writers.
func (d Dialect) ForUpdate() string {
	if d == MySQL {
		return " FOR UPDATE"
	}
	return ""
}

// IsDuplicate reports a unique or primary key violation.
func IsDuplicate(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == 2067 || se.Code() == 1555 // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
	}
	return false
}

// IsRetryable reports errors that mean "lost a race with another writer;
// run the transaction again": deadlocks, lock wait timeouts, duplicate keys
// from a concurrent insert, TiDB's write conflicts, and SQLite's
// busy/locked.
func IsRetryable(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1213, 1205, 1062, 9007, 8002: // 9007, 8002: TiDB's write conflicts
			return true
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return true
		}
	}
	return IsDuplicate(err)
}

// Micros is how every store keeps a time: Unix microseconds in UTC (both
// dialects compare integers alike); the zero time is 0.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// FromMicros reads a time stored by Micros, in UTC.
func FromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// Marks returns n placeholders for an IN list or a VALUES row: "?,?,?".
func Marks(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}

// Args returns values as statement arguments.
func Args[T any](values []T) []any {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return args
}
