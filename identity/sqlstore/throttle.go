package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb"
)

// Throttles implements identity.Store.
func (s *Store) Throttles(ctx context.Context, keys []string) (map[string]identity.Throttle, error) {
	out, err := readThrottles(ctx, s.db.Read, keys, "")
	if err != nil {
		return nil, fmt.Errorf("read throttles: %w", err)
	}
	return out, nil
}

// UpdateThrottles implements identity.Store. The rows are locked in key
// order (MySQL), so two instances updating the same keys queue instead of
// deadlocking; a first insert that still deadlocks with another instance's
// is run again by the group committer.
//
// A rerun would read the counts its earlier run wrote and count the same
// failure twice, so the call records its attempt (firstRun): a run that
// finds it stored writes nothing, and fn's last run is the one that
// committed.
func (s *Store) UpdateThrottles(ctx context.Context, keys []string, fn func(key string, t *identity.Throttle)) error {
	keys = slices.Sorted(slices.Values(keys))
	attempt := newAttempt()
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		if first, err := s.firstRun(ctx, tx, attempt); err != nil || !first {
			return err
		}
		states, err := readThrottles(ctx, tx, keys, s.db.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		for _, k := range keys {
			t := states[k]
			fn(k, &t)
			_, err := tx.ExecContext(ctx, `INSERT INTO identity_login_throttle (throttle_key, failures, window_start_us, level, locked_until_us)`+
				` VALUES (?,?,?,?,?)`+s.d.upsertThrottle, k, t.Failures, sqldb.Micros(t.WindowStart), t.Level, sqldb.Micros(t.LockedUntil))
			if err != nil {
				return fmt.Errorf("write throttle: %w", err)
			}
		}
		return nil
	})
	return wrap("update throttles", err)
}

// ResetThrottle implements identity.Store.
func (s *Store) ResetThrottle(ctx context.Context, key string) error {
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM identity_login_throttle WHERE throttle_key = ?`, key)
		return err
	})
	return wrap("reset throttle", err)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func readThrottles(ctx context.Context, q querier, keys []string, suffix string) (map[string]identity.Throttle, error) {
	out := make(map[string]identity.Throttle, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT throttle_key, failures, window_start_us, level, locked_until_us FROM identity_login_throttle`+
		` WHERE throttle_key IN (`+sqldb.Marks(len(keys))+`) ORDER BY throttle_key`+suffix, sqldb.Args(keys)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var t identity.Throttle
		var start, until int64
		if err := rows.Scan(&k, &t.Failures, &start, &t.Level, &until); err != nil {
			return nil, err
		}
		t.WindowStart, t.LockedUntil = sqldb.FromMicros(start), sqldb.FromMicros(until)
		out[k] = t
	}
	return out, rows.Close()
}
