package sqlstore

import (
	"context"
	"database/sql"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
)

// list reads one page of a merchant's objects in a mode, newest first.
func list[T any](ctx context.Context, db *sql.DB, table, columns, merchantID string, mode merchant.Mode, p cashless.Page, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, bool, error) {
	return sqldb.Page(ctx, db, table, `SELECT `+columns+` FROM `+table+` WHERE merchant_id = ? AND mode = ?`,
		[]any{merchantID, string(mode)}, p, scan)
}

// nullKey stores an empty idempotency key as NULL, which unique indexes
// never compare equal.
func nullKey(k string) any {
	if k == "" {
		return nil
	}
	return k
}
