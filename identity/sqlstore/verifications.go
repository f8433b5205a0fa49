package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb"
)

// UpdateVerification implements identity.Store. The row is created empty
// first when missing (INSERT IGNORE), so that it can always be locked: two
// instances sending a user's first code then queue on the row instead of
// both inserting it.
//
// When fn confirms a value, the user is made its one holder in the same
// transaction (claim), so a confirmation that loses to another user's
// writes nothing: not even its try, which was the right code.
//
// A rerun would read the state its earlier run wrote (a code just sent, a
// try counted), so the call records its attempt (firstRun): a run that
// finds it stored writes nothing, and fn's last run is the one that
// committed.
func (s *Store) UpdateVerification(ctx context.Context, userID, channel string, fn func(v *identity.VerificationRecord) bool) error {
	attempt := newAttempt()
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		if first, err := s.firstRun(ctx, tx, attempt); err != nil || !first {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.db.Dialect.InsertIgnore()+` INTO identity_verifications (user_id, channel) VALUES (?,?)`,
			userID, channel); err != nil {
			return fmt.Errorf("create verification: %w", err)
		}
		var v identity.VerificationRecord
		var expires, windowStart, lastSent, verified int64
		err := tx.QueryRowContext(ctx, `SELECT value_index, code_hash, tries, expires_us, sends, window_start_us, last_sent_us, verified_us`+
			` FROM identity_verifications WHERE user_id = ? AND channel = ?`+s.db.Dialect.ForUpdate(), userID, channel).
			Scan(&v.ValueIndex, &v.CodeHash, &v.Tries, &expires, &v.Sends, &windowStart, &lastSent, &verified)
		if err != nil {
			return fmt.Errorf("read verification: %w", err)
		}
		v.Expires, v.WindowStart = sqldb.FromMicros(expires), sqldb.FromMicros(windowStart)
		v.LastSent, v.Verified = sqldb.FromMicros(lastSent), sqldb.FromMicros(verified)
		before := v
		if !fn(&v) {
			return nil
		}
		if !v.Verified.IsZero() && (before.Verified.IsZero() || !bytes.Equal(before.ValueIndex, v.ValueIndex)) {
			if err := s.claim(ctx, tx, userID, channel, v.ValueIndex, v.Verified); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE identity_verifications SET value_index = ?, code_hash = ?, tries = ?, expires_us = ?,`+
			` sends = ?, window_start_us = ?, last_sent_us = ?, verified_us = ? WHERE user_id = ? AND channel = ?`,
			nullBytes(v.ValueIndex), nullBytes(v.CodeHash), v.Tries, sqldb.Micros(v.Expires), v.Sends,
			sqldb.Micros(v.WindowStart), sqldb.Micros(v.LastSent), sqldb.Micros(v.Verified), userID, channel)
		if err != nil {
			return fmt.Errorf("write verification: %w", err)
		}
		return nil
	})
	return wrap("update verification", err)
}
