package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/wallet"
)

// The limits on payments: caps reserved per window, and the TOTP step-up's
// rolling sum.

// checkStepUp refuses, with identity's ETOTPRequired, a payment that would
// take what the user sent, paid merchants and withdrew in the rolling window past the
// step-up limit. The sums are locking reads on MySQL, so a concurrent
// payment of the same user waits for this one and then counts it.
func (s *Store) checkStepUp(ctx context.Context, tx *sql.Tx, userID string, amount money.Amount, now time.Time, c wallet.StepUpCheck) error {
	since := sqldb.Micros(now.Add(-c.Window))
	var sent, withdrawn int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM wallet_transfers
		WHERE sender_id = ? AND created_us > ? AND currency = ? AND status <> ?`+s.db.Dialect.ForUpdate(),
		userID, since, amount.Currency, wallet.StatusFailed).Scan(&sent); err != nil {
		return fmt.Errorf("sum recent sends: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM wallet_fundings
		WHERE user_id = ? AND created_us > ? AND kind = ? AND currency = ? AND status <> ?`+s.db.Dialect.ForUpdate(),
		userID, since, wallet.KindWithdrawal, amount.Currency, wallet.StatusFailed).Scan(&withdrawn); err != nil {
		return fmt.Errorf("sum recent withdrawals: %w", err)
	}
	var spent int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM wallet_spends
		WHERE user_id = ? AND created_us > ? AND currency = ? AND released = 0`+s.db.Dialect.ForUpdate(),
		userID, since, amount.Currency).Scan(&spent); err != nil {
		return fmt.Errorf("sum recent merchant payments: %w", err)
	}
	if sent+withdrawn+spent+amount.Minor > c.Limit {
		return &cashless.Error{Code: identity.ETOTPRequired,
			Message: "Together with your other payments of the last hours this needs a one-time code from your authenticator app."}
	}
	return nil
}

// reserve adds amount to the user's use of a window only if it stays within
// the cap: ELimitExceeded otherwise. The conditional UPDATE is atomic, so
// concurrent sends (on any number of instances) can never overshoot.
func (s *Store) reserve(ctx context.Context, tx *sql.Tx, userID string, amount money.Amount, c wallet.Reservation) error {
	exceeded := &cashless.Error{Code: wallet.ELimitExceeded, Param: c.Period,
		Message: fmt.Sprintf("This transfer would pass your %s limit.", map[string]string{"day": "daily", "month": "monthly", "year": "yearly"}[c.Period])}
	if amount.Minor > c.Cap {
		return exceeded
	}
	n, err := execAffected(ctx, tx, s.reserveUpsert(), userID, c.Window, amount.Currency, amount.Minor, c.Cap)
	if err != nil {
		return fmt.Errorf("reserve limit: %w", err)
	}
	if n == 0 {
		return exceeded
	}
	return nil
}

// reserveUpsert adds an amount to a window's use in one statement: it
// starts the row at the amount (already checked against the cap), or adds
// to it only while the sum stays within the cap; no row changes otherwise.
// Arguments: user, window, currency, amount, cap.
func (s *Store) reserveUpsert() string {
	if s.db.Dialect == sqldb.MySQL {
		// Affected rows: 1 inserted, 2 updated, 0 unchanged (over the cap).
		// VALUES() rather than a row alias: MariaDB and TiDB lack the alias.
		return `INSERT INTO wallet_limit_usage (user_id, window_key, currency, used) VALUES (?, ?, ?, ?)
			ON DUPLICATE KEY UPDATE used = IF(used + VALUES(used) <= ?, used + VALUES(used), used)`
	}
	return `INSERT INTO wallet_limit_usage (user_id, window_key, currency, used) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, window_key, currency) DO UPDATE SET used = used + excluded.used
		WHERE wallet_limit_usage.used + excluded.used <= ?`
}

// release gives an intent's reservation back. Usage is only ever added
// by reserve, under the cap; nothing adds it back without that check.
func (s *Store) release(ctx context.Context, tx *sql.Tx, userID string, windows []string, amount money.Amount) error {
	// The rows exist: the intent's reservation created them in the same
	// transaction as the intent, and usage rows are never deleted.
	for _, win := range windows {
		if _, err := tx.ExecContext(ctx, `UPDATE wallet_limit_usage SET used = used - ? WHERE user_id = ? AND window_key = ? AND currency = ?`,
			amount.Minor, userID, win, amount.Currency); err != nil {
			return fmt.Errorf("release limit usage: %w", err)
		}
	}
	return nil
}

// LimitUsage implements wallet.MoneyStore.
func (s *Store) LimitUsage(ctx context.Context, userID, currency string, windows []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(windows) == 0 {
		return out, nil
	}
	args := []any{userID, currency}
	for _, w := range windows {
		args = append(args, w)
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT window_key, used FROM wallet_limit_usage WHERE user_id = ? AND currency = ? AND window_key IN (`+sqldb.Marks(len(windows))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read limit usage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var used int64
		if err := rows.Scan(&k, &used); err != nil {
			return nil, fmt.Errorf("read limit usage: %w", err)
		}
		out[k] = used
	}
	return out, rows.Err()
}
