package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb"
)

const userColumns = `id, phone_index, email_index, username, phone_sealed, email_sealed, name_sealed,` +
	` password_hash, kyc_tier, totp_secret, totp_enabled, totp_last_step, created_us`

// selectUsers reads users (as u) with the times their phone and email were
// released and confirmed, 0 while not. A user's phone or email counts as
// confirmed when identity_confirmed_values names the user as the holder of
// the user's current value, so a changed phone or email would need
// confirming again.
var selectUsers = `SELECT ` + qualified("u", userColumns) + `, u.phone_released_us, u.email_released_us,` +
	` COALESCE(cp.confirmed_us, 0), COALESCE(ce.confirmed_us, 0)` +
	` FROM identity_users u` +
	` LEFT JOIN identity_confirmed_values cp ON cp.channel = '` + identity.ChannelPhone + `' AND cp.value_index = u.phone_index AND cp.user_id = u.id` +
	` LEFT JOIN identity_confirmed_values ce ON ce.channel = '` + identity.ChannelEmail + `' AND ce.value_index = u.email_index AND ce.user_id = u.id`

// qualified prefixes every column of a comma-separated list with table.
func qualified(table, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = table + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// maxIDs bounds the ids of one IN list.
const maxIDs = 500

// CreateUser implements identity.Store. The user's id is made before the
// call, so a user of that id already stored is this call's, committed by an
// earlier run of it: the run then only makes sure of the session, rather
// than counting its own user as a holder of the phone.
func (s *Store) CreateUser(ctx context.Context, u *identity.UserRecord, ses *identity.SessionRecord) error {
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		var stored int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM identity_users WHERE id = ?`, u.ID).Scan(&stored); err != nil {
			return fmt.Errorf("read user: %w", err)
		}
		if stored == 0 {
			if err := s.claimable(ctx, tx, identity.ChannelPhone, u.PhoneIndex); err != nil {
				return err
			}
			if u.EmailIndex != nil {
				if err := s.claimable(ctx, tx, identity.ChannelEmail, u.EmailIndex); err != nil {
					return err
				}
			}
			err := s.insertOnce(ctx, tx, "identity_users", "id", u.ID, `INSERT INTO identity_users (`+userColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				u.ID, u.PhoneIndex, nullBytes(u.EmailIndex), nullString(u.Username), u.PhoneSealed, nullBytes(u.EmailSealed),
				u.NameSealed, u.PasswordHash, u.KYCTier, nullBytes(u.TOTPSecret), u.TOTPEnabled, u.TOTPLastStep, sqldb.Micros(u.Created))
			if err != nil {
				return takenError(err)
			}
		}
		return s.insertSession(ctx, tx, ses)
	})
	return wrap("create user", err)
}

// takenError turns a duplicate key on identity_users into the identity
// code of the key; the driver's error, which quotes the value, is dropped.
// Phones and emails have no unique key there: claimable and claim decide.
func takenError(err error) error {
	switch duplicateKey(err) {
	case "":
		return err
	case "username":
		return &cashless.Error{Code: identity.EUsernameTaken, Param: "username", Message: "Another user has this username."}
	}
	return errors.New("insert user: duplicate key")
}

// User implements identity.Store.
func (s *Store) User(ctx context.Context, id string) (*identity.UserRecord, error) {
	return s.oneUser(ctx, `u.id = ?`, id)
}

// FindUser implements identity.Store.
func (s *Store) FindUser(ctx context.Context, k identity.UserKey) (*identity.UserRecord, error) {
	switch {
	case k.PhoneIndex != nil:
		return s.oneUser(ctx, `u.phone_index = ? AND cp.user_id IS NOT NULL`, k.PhoneIndex)
	case k.EmailIndex != nil:
		return s.oneUser(ctx, `u.email_index = ? AND ce.user_id IS NOT NULL`, k.EmailIndex)
	case k.Username != "":
		return s.oneUser(ctx, `u.username = ?`, k.Username)
	}
	return nil, errUserNotFound()
}

// Claimants implements identity.Store.
func (s *Store) Claimants(ctx context.Context, k identity.UserKey) ([]*identity.UserRecord, error) {
	var where string
	var arg []byte
	switch {
	case k.PhoneIndex != nil:
		where, arg = `u.phone_index = ? AND u.phone_released_us = 0 AND cp.user_id IS NULL`, k.PhoneIndex
	case k.EmailIndex != nil:
		where, arg = `u.email_index = ? AND u.email_released_us = 0 AND ce.user_id IS NULL`, k.EmailIndex
	default:
		return nil, nil
	}
	rows, err := s.db.Read.QueryContext(ctx, selectUsers+` WHERE `+where+` ORDER BY u.created_us, u.id LIMIT `+
		strconv.Itoa(identity.UnconfirmedHolders), arg)
	if err != nil {
		return nil, fmt.Errorf("read claimants: %w", err)
	}
	defer rows.Close()
	var out []*identity.UserRecord
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("read claimants: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read claimants: %w", err)
	}
	return out, nil
}

func errUserNotFound() error {
	return cashless.Errorf(identity.EUserNotFound, "No such user.")
}

func (s *Store) oneUser(ctx context.Context, where string, arg any) (*identity.UserRecord, error) {
	rows, err := s.db.Read.QueryContext(ctx, selectUsers+` WHERE `+where, arg)
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read user: %w", err)
		}
		return nil, errUserNotFound()
	}
	u, err := scanUser(rows)
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	return u, rows.Close()
}

// Users implements identity.Store.
func (s *Store) Users(ctx context.Context, ids []string) (map[string]*identity.UserRecord, error) {
	out := make(map[string]*identity.UserRecord, len(ids))
	for len(ids) > 0 {
		part := ids[:min(len(ids), maxIDs)]
		ids = ids[len(part):]
		rows, err := s.db.Read.QueryContext(ctx, selectUsers+` WHERE u.id IN (`+sqldb.Marks(len(part))+`)`, sqldb.Args(part)...)
		if err != nil {
			return nil, fmt.Errorf("read users: %w", err)
		}
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("read users: %w", err)
			}
			out[u.ID] = u
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read users: %w", err)
		}
	}
	return out, nil
}

func scanUser(rows *sql.Rows) (*identity.UserRecord, error) {
	var u identity.UserRecord
	var username sql.NullString
	var created, phoneReleased, emailReleased, phoneVerified, emailVerified int64
	err := rows.Scan(&u.ID, &u.PhoneIndex, &u.EmailIndex, &username, &u.PhoneSealed, &u.EmailSealed, &u.NameSealed,
		&u.PasswordHash, &u.KYCTier, &u.TOTPSecret, &u.TOTPEnabled, &u.TOTPLastStep, &created,
		&phoneReleased, &emailReleased, &phoneVerified, &emailVerified)
	if err != nil {
		return nil, err
	}
	u.PhoneReleased, u.EmailReleased = phoneReleased > 0, emailReleased > 0
	u.PhoneVerified, u.EmailVerified = phoneVerified > 0, emailVerified > 0
	u.Username = username.String
	u.Created = sqldb.FromMicros(created)
	return &u, nil
}

// SetTOTPSecret implements identity.Store.
func (s *Store) SetTOTPSecret(ctx context.Context, userID string, sealed []byte) error {
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		n, err := affected(tx.ExecContext(ctx, `UPDATE identity_users SET totp_secret = ? WHERE id = ? AND totp_enabled = 0`, sealed, userID))
		if err != nil || n == 1 {
			return err
		}
		// MySQL counts changed rows: a rerun whose earlier run stored this
		// secret changes none. A sealed secret is unique (random nonce), so
		// finding it pending is finding this call's work.
		var pending int
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM identity_users WHERE id = ? AND totp_enabled = 0 AND totp_secret = ?`,
			userID, sealed).Scan(&pending)
		if err == nil && pending == 0 {
			return errNoRow
		}
		return err
	})
	if errors.Is(err, errNoRow) {
		return cashless.Errorf(identity.ETOTPAlreadyEnabled, "TOTP is already enabled.")
	}
	return wrap("store TOTP secret", err)
}

// UseTOTPStep implements identity.Store. The conditions sit in the UPDATE
// itself, so of two concurrent uses of one code only one changes the row.
// A rerun would find the step spent and could not tell its earlier run
// from another use of the code, so the call records its attempt (firstRun).
func (s *Store) UseTOTPStep(ctx context.Context, userID string, sealed []byte, step int64, enable bool) error {
	query := `UPDATE identity_users SET totp_last_step = ? WHERE id = ? AND totp_secret = ? AND totp_last_step < ? AND totp_enabled = 1`
	if enable {
		query = `UPDATE identity_users SET totp_last_step = ?, totp_enabled = 1 WHERE id = ? AND totp_secret = ? AND totp_last_step < ? AND totp_enabled = 0`
	}
	attempt := newAttempt()
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		if first, err := s.firstRun(ctx, tx, attempt); err != nil || !first {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, query, step, userID, sealed, step))
		if err == nil && n == 0 {
			return errNoRow
		}
		return err
	})
	if errors.Is(err, errNoRow) {
		return &cashless.Error{Code: identity.EInvalidTOTP, Param: "totp_code", Message: "The TOTP code is wrong, expired or already used."}
	}
	return wrap("spend TOTP step", err)
}
