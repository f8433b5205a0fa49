// Package sqlqueue implements intent.Queue over a service's own table of
// intents, on SQLite and MySQL alike. The table keeps its intents' lease
// and tries in four columns of its own:
//
//	lease_token    VARCHAR(40)  NOT NULL DEFAULT ''
//	lease_until_us BIGINT       NOT NULL DEFAULT 0   -- microseconds, UTC
//	tries          INTEGER      NOT NULL DEFAULT 0
//	parked         VARCHAR(255) NOT NULL DEFAULT ''  -- the reason; '' when not parked
//
// with an index on (status, lease_until_us) for Due and one on parked for
// Parked.
package sqlqueue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/sqldb"
)

// maxReason bounds the parked reason kept on a row.
const maxReason = 255

// Queue is an intent.Queue over one table.
type Queue struct {
	db    *sqldb.DB
	group *sqldb.Group
	table string
	open  string // the status of an unfinished intent
}

var _ intent.Queue = (*Queue)(nil)

// New returns the queue of the intents in table whose status column is
// open (such as "processing"). Writes go through group, reads through
// db.Read.
func New(db *sqldb.DB, group *sqldb.Group, table, open string) *Queue {
	return &Queue{db: db, group: group, table: table, open: open}
}

// Due implements intent.Queue.
func (q *Queue) Due(ctx context.Context, now time.Time, limit int) ([]intent.Due, error) {
	rows, err := q.db.Read.QueryContext(ctx, `SELECT id, tries FROM `+q.table+
		` WHERE status = ? AND lease_until_us < ? AND parked = '' ORDER BY lease_until_us LIMIT ?`,
		q.open, sqldb.Micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("find due intents: %w", err)
	}
	defer rows.Close()
	var out []intent.Due
	for rows.Next() {
		var d intent.Due
		if err := rows.Scan(&d.ID, &d.Tries); err != nil {
			return nil, fmt.Errorf("find due intents: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Claim implements intent.Queue.
func (q *Queue) Claim(ctx context.Context, id string, l intent.Lease, now time.Time) (bool, error) {
	var n int64
	err := q.group.Do(ctx, func(tx *sql.Tx) error {
		n = 0
		res, err := tx.ExecContext(ctx, `UPDATE `+q.table+` SET lease_token = ?, lease_until_us = ?
			WHERE id = ? AND status = ? AND parked = '' AND (lease_until_us < ? OR lease_token = ?)`,
			l.Token, sqldb.Micros(l.Until), id, q.open, sqldb.Micros(now), l.Token)
		if err != nil {
			return fmt.Errorf("claim intent: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		// No row changed: another holds it, or (MySQL counts only rows
		// whose values change) this very lease is stored already, as
		// after a commit that was retried.
		var token string
		var until int64
		err = tx.QueryRowContext(ctx, `SELECT lease_token, lease_until_us FROM `+q.table+` WHERE id = ? AND status = ? AND parked = ''`, id, q.open).Scan(&token, &until)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err == nil && token == l.Token && until == sqldb.Micros(l.Until) {
			n = 1
		}
		return err
	})
	return n == 1, err
}

// Tried implements intent.Queue.
func (q *Queue) Tried(ctx context.Context, id string, l intent.Lease, retry time.Time, parkAt int, reason string) (bool, error) {
	// Cut to the column, and to valid UTF-8: MySQL refuses a broken
	// sequence (a multibyte character cut in two), and the intent could
	// then never be parked.
	if len(reason) > maxReason {
		reason = reason[:maxReason]
	}
	reason = strings.ToValidUTF8(reason, "")
	var parked string
	err := q.group.Do(ctx, func(tx *sql.Tx) error {
		parked = ""
		// parked is set first: MySQL evaluates SET left to right with the
		// values already assigned, SQLite with the old ones; this order
		// reads the old tries in both. The try ends the lease (its token
		// is cleared), so a run again after an ambiguous commit finds no
		// row of l's and counts the try once.
		if _, err := tx.ExecContext(ctx, `UPDATE `+q.table+`
			SET parked = CASE WHEN tries + 1 >= ? THEN ? ELSE parked END, tries = tries + 1, lease_until_us = ?, lease_token = ''
			WHERE id = ? AND lease_token = ? AND status = ?`,
			parkAt, reason, sqldb.Micros(retry), id, l.Token, q.open); err != nil {
			return fmt.Errorf("record a failed try: %w", err)
		}
		return tx.QueryRowContext(ctx, `SELECT parked FROM `+q.table+` WHERE id = ?`, id).Scan(&parked)
	})
	return parked != "", err
}

// Parked implements intent.Queue.
func (q *Queue) Parked(ctx context.Context) (int, error) {
	var n int
	if err := q.db.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+q.table+` WHERE parked <> ''`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count parked intents: %w", err)
	}
	return n, nil
}
