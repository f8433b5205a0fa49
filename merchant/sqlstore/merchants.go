package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
)

var _ merchant.Store = (*Store)(nil)

const merchantColumns = `id, name, mcc, city, country, time_zone, fee_bps, cashier_refund_limit, settlement_cutoff, bank_last4, created_us`

func scanMerchant(r interface{ Scan(...any) error }) (*merchant.Merchant, error) {
	var m merchant.Merchant
	var created int64
	if err := r.Scan(&m.ID, &m.Name, &m.MCC, &m.City, &m.Country, &m.TimeZone, &m.FeeBasisPoints,
		&m.CashierRefundLimit, &m.SettlementCutoff, &m.BankAccountLast4, &created); err != nil {
		return nil, err
	}
	m.Created = sqldb.FromMicros(created)
	return &m, nil
}

// CreateMerchant implements merchant.Store.
func (s *Store) CreateMerchant(ctx context.Context, m *merchant.Merchant, sealedBank []byte, owner *merchant.Staff) error {
	return s.group.Do(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.db.Dialect.InsertIgnore()+` INTO merchants (`+merchantColumns+`, bank_sealed)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.Name, m.MCC, m.City, m.Country, m.TimeZone,
			m.FeeBasisPoints, m.CashierRefundLimit, m.SettlementCutoff, m.BankAccountLast4, sqldb.Micros(m.Created), sealedBank); err != nil {
			return fmt.Errorf("insert merchant: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.db.Dialect.InsertIgnore()+` INTO merchant_staff (merchant_id, user_id, role, created_us)
			VALUES (?, ?, ?, ?)`, owner.MerchantID, owner.UserID, string(owner.Role), sqldb.Micros(owner.Created)); err != nil {
			return fmt.Errorf("insert owner: %w", err)
		}
		return nil
	})
}

// Merchant implements merchant.Store.
func (s *Store) Merchant(ctx context.Context, id string) (*merchant.Merchant, error) {
	m, err := scanMerchant(s.db.Read.QueryRowContext(ctx, `SELECT `+merchantColumns+` FROM merchants WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cashless.Errorf(merchant.EMerchantNotFound, "No such merchant: %s.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read merchant: %w", err)
	}
	return m, nil
}

// SealedBankAccount implements merchant.Store.
func (s *Store) SealedBankAccount(ctx context.Context, merchantID string) ([]byte, error) {
	var b []byte
	err := s.db.Read.QueryRowContext(ctx, `SELECT bank_sealed FROM merchants WHERE id = ?`, merchantID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cashless.Errorf(merchant.EMerchantNotFound, "No such merchant: %s.", merchantID)
	}
	if err != nil {
		return nil, fmt.Errorf("read bank account: %w", err)
	}
	return b, nil
}

// UpdateMerchant implements merchant.Store.
func (s *Store) UpdateMerchant(ctx context.Context, m *merchant.Merchant, sealedBank []byte) error {
	return s.group.Do(ctx, func(tx *sql.Tx) error {
		q := `UPDATE merchants SET name = ?, mcc = ?, city = ?, time_zone = ?, cashier_refund_limit = ?, settlement_cutoff = ?, bank_last4 = ?`
		args := []any{m.Name, m.MCC, m.City, m.TimeZone, m.CashierRefundLimit, m.SettlementCutoff, m.BankAccountLast4}
		if sealedBank != nil {
			q += `, bank_sealed = ?`
			args = append(args, sealedBank)
		}
		_, err := tx.ExecContext(ctx, q+` WHERE id = ?`, append(args, m.ID)...)
		if err != nil {
			return fmt.Errorf("update merchant: %w", err)
		}
		return nil
	})
}

// MerchantIDs implements merchant.Store.
func (s *Store) MerchantIDs(ctx context.Context, after string, limit int) ([]string, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id FROM merchants WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list merchants: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list merchants: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const staffColumns = `merchant_id, user_id, role, created_us`

func scanStaff(r interface{ Scan(...any) error }) (*merchant.Staff, error) {
	var st merchant.Staff
	var role string
	var created int64
	if err := r.Scan(&st.MerchantID, &st.UserID, &role, &created); err != nil {
		return nil, err
	}
	st.Role, st.Created = merchant.Role(role), sqldb.FromMicros(created)
	return &st, nil
}

// AddStaff implements merchant.Store.
func (s *Store) AddStaff(ctx context.Context, st *merchant.Staff) error {
	return s.group.Do(ctx, func(tx *sql.Tx) error {
		var role string
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT role, created_us FROM merchant_staff WHERE merchant_id = ? AND user_id = ?`, st.MerchantID, st.UserID).Scan(&role, &created)
		if err == nil {
			if role == string(st.Role) && created == sqldb.Micros(st.Created) {
				return nil // this very call, run again
			}
			return cashless.Errorf(merchant.EStaffExists, "That user is staff of this merchant already.")
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read staff: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO merchant_staff (`+staffColumns+`) VALUES (?, ?, ?, ?)`,
			st.MerchantID, st.UserID, string(st.Role), sqldb.Micros(st.Created)); err != nil {
			if sqldb.IsDuplicate(err) {
				return cashless.Errorf(merchant.EStaffExists, "That user is staff of this merchant already.")
			}
			return fmt.Errorf("insert staff: %w", err)
		}
		return nil
	})
}

// StaffMember implements merchant.Store.
func (s *Store) StaffMember(ctx context.Context, merchantID, userID string) (*merchant.Staff, error) {
	st, err := scanStaff(s.db.Read.QueryRowContext(ctx, `SELECT `+staffColumns+` FROM merchant_staff WHERE merchant_id = ? AND user_id = ?`, merchantID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cashless.Errorf(merchant.EStaffNotFound, "No such staff member.")
	}
	if err != nil {
		return nil, fmt.Errorf("read staff: %w", err)
	}
	return st, nil
}

func (s *Store) staffWhere(ctx context.Context, where string, arg string) ([]*merchant.Staff, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+staffColumns+` FROM merchant_staff WHERE `+where+` = ? ORDER BY created_us, merchant_id, user_id`, arg)
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	defer rows.Close()
	var out []*merchant.Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, fmt.Errorf("list staff: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// StaffOf implements merchant.Store.
func (s *Store) StaffOf(ctx context.Context, merchantID string) ([]*merchant.Staff, error) {
	return s.staffWhere(ctx, "merchant_id", merchantID)
}

// Memberships implements merchant.Store.
func (s *Store) Memberships(ctx context.Context, userID string) ([]*merchant.Staff, error) {
	return s.staffWhere(ctx, "user_id", userID)
}

// RemoveStaff implements merchant.Store.
func (s *Store) RemoveStaff(ctx context.Context, merchantID, userID string) error {
	var n int64
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM merchant_staff WHERE merchant_id = ? AND user_id = ? AND role <> ?`, merchantID, userID, string(merchant.Owner))
		if err != nil {
			return fmt.Errorf("remove staff: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	if err == nil && n == 0 {
		if _, err := s.StaffMember(ctx, merchantID, userID); err != nil {
			return err
		}
		// Only the owner is left standing (or a rerun removed the row).
	}
	return err
}
