package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb"
)

// insertSession stores a session and its first refresh token. Both keys
// are made before the call (a new id, the hash of a new random token), so a
// rerun that finds them stored finds its own rows (insertOnce).
func (s *Store) insertSession(ctx context.Context, tx *sql.Tx, ses *identity.SessionRecord) error {
	err := s.insertOnce(ctx, tx, "identity_sessions", "id", ses.ID, `INSERT INTO identity_sessions (id, user_id, created_us, last_used_us, expires_us, revoked_us, ip_sealed, user_agent)`+
		` VALUES (?,?,?,?,?,0,?,?)`, ses.ID, ses.UserID, sqldb.Micros(ses.Created), sqldb.Micros(ses.LastUsed), sqldb.Micros(ses.Expires), nullBytes(ses.IPSealed), ses.UserAgent)
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	err = s.insertOnce(ctx, tx, "identity_refresh_tokens", "hash", ses.RefreshHash,
		`INSERT INTO identity_refresh_tokens (hash, session_id, created_us, used_us) VALUES (?,?,?,0)`, ses.RefreshHash, ses.ID, sqldb.Micros(ses.Created))
	if err != nil {
		return fmt.Errorf("insert refresh token: %w", err)
	}
	return nil
}

// CreateSession implements identity.Store.
func (s *Store) CreateSession(ctx context.Context, ses *identity.SessionRecord) error {
	return wrap("create session", s.group.Do(ctx, func(tx *sql.Tx) error { return s.insertSession(ctx, tx, ses) }))
}

// RotateRefresh implements identity.Store. Spending the token is one
// conditional UPDATE (used_us = 0), so under concurrency exactly one caller
// changes the row; the others see it spent and revoke the session. A
// revocation is a successful write that reports EInvalidToken, so the
// group function returns nil and the outcome travels in a variable.
//
// The successor's hash is made before the call, so a run that finds the
// token spent and the successor stored for the session finds the rotation
// of its own earlier run, which committed: it reports that rotation again
// rather than taking it for a reuse and logging the user out.
func (s *Store) RotateRefresh(ctx context.Context, r identity.Rotation) (string, error) {
	var userID string
	var ok bool
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		userID, ok = "", false // the function may run more than once
		now := sqldb.Micros(r.Now)
		n, err := affected(tx.ExecContext(ctx, `UPDATE identity_refresh_tokens SET used_us = ? WHERE hash = ? AND session_id = ? AND used_us = 0`,
			now, r.OldHash, r.SessionID))
		if err != nil {
			return fmt.Errorf("spend refresh token: %w", err)
		}
		var rotated int
		if n == 0 {
			err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM identity_refresh_tokens WHERE hash = ? AND session_id = ?`+s.db.Dialect.ForUpdate(),
				r.NewHash, r.SessionID).Scan(&rotated)
			if err != nil {
				return fmt.Errorf("read refresh token: %w", err)
			}
			if rotated == 0 {
				return revokeIfReused(ctx, tx, r)
			}
		}
		err = tx.QueryRowContext(ctx, `SELECT user_id FROM identity_sessions WHERE id = ? AND revoked_us = 0 AND expires_us > ?`,
			r.SessionID, now).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // revoked or expired: the spent token changes nothing
		}
		if err != nil {
			return fmt.Errorf("read session: %w", err)
		}
		if rotated > 0 {
			ok = true // the earlier run stored the successor and extended the session
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO identity_refresh_tokens (hash, session_id, created_us, used_us) VALUES (?,?,?,0)`,
			r.NewHash, r.SessionID, now); err != nil {
			return fmt.Errorf("insert refresh token: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE identity_sessions SET last_used_us = ?, expires_us = ? WHERE id = ?`,
			now, sqldb.Micros(r.Expires), r.SessionID); err != nil {
			return fmt.Errorf("extend session: %w", err)
		}
		ok = true
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("rotate refresh token: %w", err)
	}
	if !ok {
		return "", cashless.Errorf(identity.EInvalidToken, "The token is invalid, expired or revoked.")
	}
	return userID, nil
}

// revokeIfReused revokes the session when the token exists but was spent:
// someone holds a copy of it. An unknown token (forged, or of a session
// whose tokens were purged) changes nothing.
func revokeIfReused(ctx context.Context, tx *sql.Tx, r identity.Rotation) error {
	var used int64
	err := tx.QueryRowContext(ctx, `SELECT used_us FROM identity_refresh_tokens WHERE hash = ? AND session_id = ?`,
		r.OldHash, r.SessionID).Scan(&used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read refresh token: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE identity_sessions SET revoked_us = ? WHERE id = ? AND revoked_us = 0`,
		sqldb.Micros(r.Now), r.SessionID); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// SessionLive implements identity.Store with one primary-key read.
func (s *Store) SessionLive(ctx context.Context, userID, sessionID string, now time.Time) (bool, error) {
	var n int
	err := s.db.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM identity_sessions WHERE id = ? AND user_id = ? AND revoked_us = 0 AND expires_us > ?`,
		sessionID, userID, sqldb.Micros(now)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read session: %w", err)
	}
	return n > 0, nil
}

// Sessions implements identity.Store.
func (s *Store) Sessions(ctx context.Context, userID string, now time.Time) ([]*identity.SessionRecord, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id, user_id, created_us, last_used_us, expires_us, ip_sealed, user_agent`+
		` FROM identity_sessions WHERE user_id = ? AND revoked_us = 0 AND expires_us > ? ORDER BY created_us DESC, id DESC`,
		userID, sqldb.Micros(now))
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []*identity.SessionRecord
	for rows.Next() {
		var r identity.SessionRecord
		var created, lastUsed, expires int64
		if err := rows.Scan(&r.ID, &r.UserID, &created, &lastUsed, &expires, &r.IPSealed, &r.UserAgent); err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
		r.Created, r.LastUsed, r.Expires = sqldb.FromMicros(created), sqldb.FromMicros(lastUsed), sqldb.FromMicros(expires)
		out = append(out, &r)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// RevokeSession implements identity.Store. A rerun would find the session
// revoked by its earlier run and report it not found, so the call records
// its attempt (firstRun).
func (s *Store) RevokeSession(ctx context.Context, userID, sessionID string, now time.Time) error {
	attempt := newAttempt()
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		if first, err := s.firstRun(ctx, tx, attempt); err != nil || !first {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `UPDATE identity_sessions SET revoked_us = ? WHERE id = ? AND user_id = ? AND revoked_us = 0 AND expires_us > ?`,
			sqldb.Micros(now), sessionID, userID, sqldb.Micros(now)))
		if err == nil && n == 0 {
			return errNoRow
		}
		return err
	})
	if errors.Is(err, errNoRow) {
		return cashless.Errorf(identity.ESessionNotFound, "No such session.")
	}
	return wrap("revoke session", err)
}
