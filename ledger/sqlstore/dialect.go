package sqlstore

import (
	"github.com/cashless-dev/cashless/sqldb"
)

// dialect is the seam between SQLite and MySQL: the few places where the
// same statement cannot serve both.
type dialect struct {
	name sqldb.Dialect
	// upsertAccounts ends a multi-row INSERT into ledger_accounts so that an
	// existing row takes the new balances.
	upsertAccounts string
	// upsertPending does the same for ledger_pending state changes.
	upsertPending string
	// maxParams bounds the placeholders in one statement.
	maxParams int
}

func dialectOf(d sqldb.Dialect) dialect {
	if d == sqldb.MySQL {
		return dialect{
			name: d,
			upsertAccounts: ` ON DUPLICATE KEY UPDATE debits_posted = VALUES(debits_posted), credits_posted = VALUES(credits_posted),` +
				` debits_pending = VALUES(debits_pending), credits_pending = VALUES(credits_pending)`,
			upsertPending: ` ON DUPLICATE KEY UPDATE state = VALUES(state), expires_us = VALUES(expires_us)`,
			maxParams:     60000,
		}
	}
	return dialect{
		name: d,
		upsertAccounts: ` ON CONFLICT (id) DO UPDATE SET debits_posted = excluded.debits_posted, credits_posted = excluded.credits_posted,` +
			` debits_pending = excluded.debits_pending, credits_pending = excluded.credits_pending`,
		upsertPending: ` ON CONFLICT (id) DO UPDATE SET state = excluded.state, expires_us = excluded.expires_us`,
		maxParams:     30000,
	}
}
