package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/wallet"
)

func readSpend(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, key string) (*wallet.Spend, error) {
	var s wallet.Spend
	var windows string
	var created int64
	err := q.QueryRowContext(ctx, `SELECT spend_key, user_id, currency, amount, limit_windows, created_us FROM wallet_spends WHERE spend_key = ?`, key).
		Scan(&s.Key, &s.UserID, &s.Amount.Currency, &s.Amount.Minor, &windows, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read spend: %w", err)
	}
	if windows != "" {
		s.Windows = strings.Split(windows, ",")
	}
	s.Created = sqldb.FromMicros(created)
	return &s, nil
}

// CreateSpend implements wallet.SpendStore.
func (s *Store) CreateSpend(ctx context.Context, sp *wallet.Spend, caps []wallet.Reservation, stepUp *wallet.StepUpCheck) (*wallet.Spend, bool, error) {
	var stored *wallet.Spend
	var created bool
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		stored, created = nil, false
		prev, err := readSpend(ctx, tx, sp.Key)
		if err != nil {
			return err
		}
		if prev != nil {
			stored = prev
			return nil
		}
		if stepUp != nil {
			if err := s.checkStepUp(ctx, tx, sp.UserID, sp.Amount, sp.Created, *stepUp); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO wallet_spends (spend_key, user_id, currency, amount, limit_windows, created_us) VALUES (?, ?, ?, ?, ?, ?)`,
			sp.Key, sp.UserID, sp.Amount.Currency, sp.Amount.Minor, strings.Join(sp.Windows, ","), sqldb.Micros(sp.Created)); err != nil {
			return fmt.Errorf("insert spend: %w", err)
		}
		for _, c := range caps {
			if err := s.reserve(ctx, tx, sp.UserID, sp.Amount, c); err != nil {
				return err
			}
		}
		cp := *sp
		stored, created = &cp, true
		return nil
	})
	if err != nil && sqldb.IsDuplicate(err) {
		prev, rerr := s.SpendByKey(ctx, sp.Key)
		return prev, false, rerr
	}
	return stored, created, err
}

// SpendByKey implements wallet.SpendStore.
func (s *Store) SpendByKey(ctx context.Context, key string) (*wallet.Spend, error) {
	return readSpend(ctx, s.db.Read, key)
}

// ReleaseSpend implements wallet.SpendStore.
func (s *Store) ReleaseSpend(ctx context.Context, key string) error {
	return s.group.Do(ctx, func(tx *sql.Tx) error {
		sp, err := readSpend(ctx, tx, key)
		if err != nil || sp == nil {
			return err
		}
		n, err := execAffected(ctx, tx, `UPDATE wallet_spends SET released = 1 WHERE spend_key = ? AND released = 0`, key)
		if err != nil || n == 0 {
			return err
		}
		return s.release(ctx, tx, sp.UserID, sp.Windows, money.Amount{Minor: sp.Amount.Minor, Currency: sp.Amount.Currency})
	})
}
