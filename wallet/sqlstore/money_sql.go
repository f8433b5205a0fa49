package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/cashless-dev/cashless"
)

// The few places where the money tables' SQL differs between dialects.

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// pageStream is one index range a list reads: a WHERE clause on the
// table's rows and its arguments.
type pageStream struct {
	where string
	args  []any
}

// listPage reads one page of a list, newest first, from one or more
// streams (such as the transfers a user sent and those they received),
// each a walk of an index ending in id. Each stream returns at most one
// page past the cursor and the pages are merged here, so a page costs a
// few index probes however long the history is.
func listPage[T any](ctx context.Context, db *sql.DB, query string, streams []pageStream, p cashless.Page,
	scan func(rowScanner) (T, error), idOf func(T) string) ([]T, bool, error) {
	limit := p.Size()
	cursor, order := "", "DESC"
	switch {
	case p.StartingAfter != "":
		cursor = " AND id < ?"
	case p.EndingBefore != "":
		cursor, order = " AND id > ?", "ASC"
	}
	var all []T
	for _, st := range streams {
		args := slices.Clone(st.args)
		if cursor != "" {
			args = append(args, p.StartingAfter+p.EndingBefore)
		}
		args = append(args, limit+1)
		rows, err := db.QueryContext(ctx, query+" WHERE "+st.where+cursor+" ORDER BY id "+order+" LIMIT ?", args...)
		if err != nil {
			return nil, false, err
		}
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				rows.Close()
				return nil, false, err
			}
			all = append(all, v)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, false, err
		}
	}
	slices.SortFunc(all, func(a, b T) int {
		if order == "ASC" {
			return strings.Compare(idOf(a), idOf(b))
		}
		return strings.Compare(idOf(b), idOf(a))
	})
	more := len(all) > limit
	if more {
		all = all[:limit]
	}
	if order == "ASC" {
		slices.Reverse(all)
	}
	return all, more, nil
}

// queryAll runs a query and scans every row it returns.
func queryAll[T any](ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// execAffected runs a statement and returns how many rows it changed.
func execAffected(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
