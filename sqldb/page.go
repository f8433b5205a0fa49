package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/cashless-dev/cashless"
)

// Page reads one page of rows newest first, for tables whose ids sort by
// creation (package id). query is a SELECT with a WHERE clause, which
// Page extends with the cursor (id < starting_after, or id >
// ending_before read oldest first and turned round), the order and the
// limit; what names the rows in errors.
func Page[T any](ctx context.Context, db *sql.DB, what, query string, args []any, p cashless.Page, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, bool, error) {
	order := " ORDER BY id DESC"
	switch {
	case p.StartingAfter != "":
		query += " AND id < ?"
		args = append(args, p.StartingAfter)
	case p.EndingBefore != "":
		query, order = query+" AND id > ?", " ORDER BY id ASC"
		args = append(args, p.EndingBefore)
	}
	n := p.Size()
	rows, err := db.QueryContext(ctx, query+order+fmt.Sprintf(" LIMIT %d", n+1), args...)
	if err != nil {
		return nil, false, fmt.Errorf("list %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, false, fmt.Errorf("list %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list %s: %w", what, err)
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
