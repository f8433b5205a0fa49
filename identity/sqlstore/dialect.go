package sqlstore

import (
	"strings"

	"github.com/cashless-dev/cashless/sqldb"
)

// dialect is the seam between SQLite and MySQL: the few places where the
// same statement cannot serve both.
type dialect struct {
	// upsertThrottle ends the INSERT of a throttle row so that an existing
	// row takes the new values.
	upsertThrottle string
}

func dialectOf(d sqldb.Dialect) dialect {
	if d == sqldb.MySQL {
		return dialect{
			upsertThrottle: ` ON DUPLICATE KEY UPDATE failures = VALUES(failures), window_start_us = VALUES(window_start_us),` +
				` level = VALUES(level), locked_until_us = VALUES(locked_until_us)`,
		}
	}
	return dialect{
		upsertThrottle: ` ON CONFLICT (throttle_key) DO UPDATE SET failures = excluded.failures, window_start_us = excluded.window_start_us,` +
			` level = excluded.level, locked_until_us = excluded.locked_until_us`,
	}
}

// duplicateKey returns the unique key (column or index name) that err
// reports as violated, or "" when err is not a duplicate key.
//
//	MySQL:  Error 1062: Duplicate entry '...' for key 'identity_users.phone_index'
//	SQLite: UNIQUE constraint failed: identity_users.phone_index
//
// The offending value may itself be text (a username), so only the part
// after the last marker is read.
func duplicateKey(err error) string {
	if !sqldb.IsDuplicate(err) {
		return ""
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, "for key '"); i >= 0 { // MySQL
		key := strings.TrimSuffix(msg[i+len("for key '"):], "'")
		return key[strings.LastIndexByte(key, '.')+1:]
	}
	if i := strings.LastIndex(msg, "constraint failed: "); i >= 0 { // SQLite
		key := msg[i+len("constraint failed: "):]
		if j := strings.IndexByte(key, ' '); j >= 0 {
			key = key[:j]
		}
		return key[strings.LastIndexByte(key, '.')+1:]
	}
	return "?"
}
