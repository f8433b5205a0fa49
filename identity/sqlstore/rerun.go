package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"time"

	"github.com/cashless-dev/cashless/sqldb"
)

// The group committer may run a write more than once (sqldb.Group.Do): when
// its shared transaction fails, and after a commit that reported an error
// although it committed, so a rerun may find its own earlier work. The
// helpers here let a write recognise that work as its own.
//
// A row whose id was made before the call, outside the group's function, is
// the call's own when a rerun finds it stored: insertOnce. Some writes leave
// no such trace in their own rows: a failed login adds one to a counter, a
// TOTP code is spent by raising the last step, a logout sets a revocation
// time, a verification code's send or try updates its counts, and a rerun could not tell its earlier run's change from another
// call's. Those record the id of their call in identity_attempts in the
// same transaction: firstRun.

// insertOnce runs query, an INSERT of a row whose key column holds key, made
// before the call. A duplicate key with a row of that key stored is the
// insert of an earlier run of the same call and counts as done; any other
// duplicate returns the driver's error, for the caller to name. The read is
// a locking one on MySQL, so that it sees a row committed after the
// transaction's snapshot was taken.
func (s *Store) insertOnce(ctx context.Context, tx *sql.Tx, table, column string, key any, query string, args ...any) error {
	_, err := tx.ExecContext(ctx, query, args...)
	if err == nil || !sqldb.IsDuplicate(err) {
		return err
	}
	var n int
	if rerr := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE `+column+` = ?`+s.db.Dialect.ForUpdate(), key).Scan(&n); rerr != nil {
		return fmt.Errorf("read %s: %w", table, rerr)
	}
	if n == 0 {
		return err
	}
	return nil
}

// attemptKeep is how long a call's id is kept in identity_attempts: far
// longer than any call waits in Group.Do, reruns included.
const attemptKeep = time.Hour

// newAttempt returns the id of one call. It starts with the time in
// fixed-width hex, so that ids sort by age and the old ones are one
// primary-key range.
func newAttempt() string { return attemptPrefix(time.Now()) + rand.Text() }

func attemptPrefix(t time.Time) string { return fmt.Sprintf("%016x", t.UnixMicro()) }

// firstRun records the call's id and reports whether this run is the first
// to do so; false means that an earlier run of the call committed. It also
// deletes the ids older than attemptKeep. It inserts before it deletes, so
// that on MySQL the range the delete locks ends at a recent id, this call's
// at the latest, rather than running on into the gap where other calls
// insert theirs.
func (s *Store) firstRun(ctx context.Context, tx *sql.Tx, attempt string) (bool, error) {
	n, err := affected(tx.ExecContext(ctx, s.db.Dialect.InsertIgnore()+` INTO identity_attempts (id) VALUES (?)`, attempt))
	if err != nil {
		return false, fmt.Errorf("record attempt: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM identity_attempts WHERE id < ?`, attemptPrefix(time.Now().Add(-attemptKeep))); err != nil {
		return false, fmt.Errorf("delete old attempts: %w", err)
	}
	return true, nil
}
