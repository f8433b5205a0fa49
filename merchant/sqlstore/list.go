package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
)

// list reads one page of a merchant's objects in a mode, newest first
// (ids sort by creation), as Events does.
func list[T any](ctx context.Context, db *sql.DB, table, columns, merchantID string, mode merchant.Mode, p cashless.Page, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, bool, error) {
	q := `SELECT ` + columns + ` FROM ` + table + ` WHERE merchant_id = ? AND mode = ?`
	args := []any{merchantID, string(mode)}
	order := " ORDER BY id DESC"
	switch {
	case p.StartingAfter != "":
		q += " AND id < ?"
		args = append(args, p.StartingAfter)
	case p.EndingBefore != "":
		q, order = q+" AND id > ?", " ORDER BY id ASC"
		args = append(args, p.EndingBefore)
	}
	n := p.Size()
	rows, err := db.QueryContext(ctx, q+order+fmt.Sprintf(" LIMIT %d", n+1), args...)
	if err != nil {
		return nil, false, fmt.Errorf("list %s: %w", table, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, false, fmt.Errorf("list %s: %w", table, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list %s: %w", table, err)
	}
	more := len(out) > n
	if more {
		out = out[:n]
	}
	if p.EndingBefore != "" {
		slices.Reverse(out)
	}
	return out, more, nil
}

// nullKey stores an empty idempotency key as NULL, which unique indexes
// never compare equal.
func nullKey(k string) any {
	if k == "" {
		return nil
	}
	return k
}
