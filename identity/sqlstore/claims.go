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

// A phone or email is held by any number of users (up to
// identity.UnconfirmedHolders) while none has confirmed it, and by one once
// confirmed. identity_confirmed_values, keyed by channel and blind index,
// names that one holder: its primary key is what keeps two users from
// confirming one value, on every engine and under any concurrency. The
// other holders' claims are released (<channel>_released_us) in the
// confirming transaction, so they count no more and never confirm.

// columns returns the columns of identity_users that hold a channel's blind
// index and the time its claim was released.
func columns(channel string) (index, released string, err error) {
	switch channel {
	case identity.ChannelPhone:
		return "phone_index", "phone_released_us", nil
	case identity.ChannelEmail:
		return "email_index", "email_released_us", nil
	}
	return "", "", fmt.Errorf("unknown channel %q", channel)
}

// claimable fails with the channel's taken code unless a new user may hold
// the value whose blind index is index: no one confirmed it, and fewer than
// identity.UnconfirmedHolders users hold it unconfirmed. Both reads lock on
// MySQL, so that a concurrent signup or confirmation of the same value
// waits for this transaction or deadlocks with it (and runs again, see
// sqldb.Group.Do) rather than passing the same check.
func (s *Store) claimable(ctx context.Context, tx *sql.Tx, channel string, index []byte) error {
	indexCol, releasedCol, err := columns(channel)
	if err != nil {
		return err
	}
	var holder string
	err = tx.QueryRowContext(ctx, `SELECT user_id FROM identity_confirmed_values WHERE channel = ? AND value_index = ?`+s.db.Dialect.ForUpdate(),
		channel, index).Scan(&holder)
	switch {
	case err == nil:
		return taken(channel, "Another user has this %s.")
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("read confirmed %s: %w", channel, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id FROM identity_users WHERE `+indexCol+` = ? AND `+releasedCol+` = 0`+s.db.Dialect.ForUpdate(), index)
	if err != nil {
		return fmt.Errorf("read holders of %s: %w", channel, err)
	}
	defer rows.Close()
	holders := 0
	for rows.Next() {
		holders++
	}
	// A deadlock may end the read between rows and roll the transaction
	// back; going on would write outside it.
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read holders of %s: %w", channel, err)
	}
	if holders >= identity.UnconfirmedHolders {
		return taken(channel, "Another user has this %s.")
	}
	return nil
}

// claim makes userID the one holder of the value of the channel whose blind
// index is index, confirmed at now, and releases every other user's claim
// on it. It fails with the channel's taken code when another user confirmed
// the value first, or when the user's own claim was released or is not the
// user's value. The insert comes first: of two users confirming one value
// at once, the second waits on the first's key before it locks anything
// the first needs, and then finds the value confirmed.
func (s *Store) claim(ctx context.Context, tx *sql.Tx, userID, channel string, index []byte, now time.Time) error {
	indexCol, releasedCol, err := columns(channel)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO identity_confirmed_values (channel, value_index, user_id, confirmed_us) VALUES (?,?,?,?)`,
		channel, index, userID, sqldb.Micros(now))
	if err != nil && !sqldb.IsDuplicate(err) {
		return fmt.Errorf("confirm %s: %w", channel, err)
	}
	if err != nil {
		var holder string
		if err := tx.QueryRowContext(ctx, `SELECT user_id FROM identity_confirmed_values WHERE channel = ? AND value_index = ?`+s.db.Dialect.ForUpdate(),
			channel, index).Scan(&holder); err != nil {
			return fmt.Errorf("read confirmed %s: %w", channel, err)
		}
		if holder != userID {
			return taken(channel, "Another account has confirmed this %s.")
		}
	}
	var mine int
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM identity_users WHERE id = ? AND `+indexCol+` = ? AND `+releasedCol+` = 0`+s.db.Dialect.ForUpdate(),
		userID, index).Scan(&mine)
	if err != nil {
		return fmt.Errorf("read user: %w", err)
	}
	if mine == 0 {
		return taken(channel, "Another account has confirmed this %s.")
	}
	_, err = tx.ExecContext(ctx, `UPDATE identity_users SET `+releasedCol+` = ? WHERE `+indexCol+` = ? AND id <> ? AND `+releasedCol+` = 0`,
		sqldb.Micros(now), index, userID)
	if err != nil {
		return fmt.Errorf("release other claims on %s: %w", channel, err)
	}
	return nil
}

// taken returns the taken code of channel with message, whose verb is
// given the channel's name as users know it.
func taken(channel, message string) error {
	if channel == identity.ChannelEmail {
		return &cashless.Error{Code: identity.EEmailTaken, Param: "email", Message: fmt.Sprintf(message, "email address")}
	}
	return &cashless.Error{Code: identity.EPhoneTaken, Param: "phone", Message: fmt.Sprintf(message, "phone number")}
}
