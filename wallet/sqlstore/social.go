package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/wallet"
)

// contactInsert returns the statement that inserts n contacts. An existing
// (user_id, contact_id) is kept; with upgrade, its source takes the new
// row's.
func (s *Store) contactInsert(n int, upgrade bool) string {
	insert := s.db.Dialect.InsertIgnore()
	if upgrade {
		insert = "INSERT"
	}
	q := insert + ` INTO wallet_contacts (id, user_id, contact_id, source, created_us) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", n), ", ")
	switch {
	case upgrade && s.db.Dialect == sqldb.MySQL:
		q += ` ON DUPLICATE KEY UPDATE source = VALUES(source)`
	case upgrade:
		q += ` ON CONFLICT (user_id, contact_id) DO UPDATE SET source = excluded.source`
	}
	return q
}

func contactArgs(c *wallet.Contact) []any {
	return []any{c.ID, c.UserID, c.Contact.UserID, c.Source, sqldb.Micros(c.Created)}
}

// AddContact implements wallet.SocialStore.
func (s *Store) AddContact(ctx context.Context, c *wallet.Contact) (*wallet.Contact, error) {
	var out *wallet.Contact
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.contactInsert(1, c.Source == wallet.SourceAdded), contactArgs(c)...); err != nil {
			return fmt.Errorf("insert contact: %w", err)
		}
		row := tx.QueryRowContext(ctx, `SELECT `+contactColumns+` FROM wallet_contacts WHERE user_id = ? AND contact_id = ?`, c.UserID, c.Contact.UserID)
		var err error
		if out, err = scanContact(row); err != nil {
			return fmt.Errorf("read contact: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddPaymentContacts implements wallet.SocialStore. Rows go in key order,
// so two transactions adding the same pair lock it in the same order.
func (s *Store) AddPaymentContacts(ctx context.Context, cs ...*wallet.Contact) error {
	query, args := s.paymentContactsInsert(cs)
	if query == "" {
		return nil
	}
	return s.group.Do(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("insert contacts: %w", err)
		}
		return nil
	})
}

// paymentContactsInsert builds the statement that adds payment contacts,
// keeping those that exist; "" when there are none. Rows are sorted so
// that two writers take their locks in the same order.
func (s *Store) paymentContactsInsert(cs []*wallet.Contact) (string, []any) {
	if len(cs) == 0 {
		return "", nil
	}
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b *wallet.Contact) int {
		return cmp.Or(strings.Compare(a.UserID, b.UserID), strings.Compare(a.Contact.UserID, b.Contact.UserID))
	})
	args := make([]any, 0, 5*len(cs))
	for _, c := range cs {
		args = append(args, contactArgs(c)...)
	}
	return s.contactInsert(len(cs), false), args
}

const contactColumns = `id, user_id, contact_id, source, created_us`

func scanContact(r rowScanner) (*wallet.Contact, error) {
	var c wallet.Contact
	var created int64
	if err := r.Scan(&c.ID, &c.UserID, &c.Contact.UserID, &c.Source, &created); err != nil {
		return nil, err
	}
	c.Created = sqldb.FromMicros(created)
	return &c, nil
}

// Contacts implements wallet.SocialStore. It walks the (user_id, id)
// index from the cursor.
func (s *Store) Contacts(ctx context.Context, userID string, p cashless.Page) ([]*wallet.Contact, bool, error) {
	out, more, err := listPage(ctx, s.db.Read, `SELECT `+contactColumns+` FROM wallet_contacts`,
		[]pageStream{{where: `user_id = ?`, args: []any{userID}}}, p, scanContact, func(c *wallet.Contact) string { return c.ID })
	if err != nil {
		return nil, false, fmt.Errorf("read contacts: %w", err)
	}
	return out, more, nil
}

// FeedVisibility implements wallet.SocialStore.
func (s *Store) FeedVisibility(ctx context.Context, userID string) (wallet.Visibility, error) {
	var v string
	err := s.db.Read.QueryRowContext(ctx, `SELECT visibility FROM wallet_feed_settings WHERE user_id = ?`, userID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return wallet.Private, nil
	}
	if err != nil {
		return "", fmt.Errorf("read feed visibility: %w", err)
	}
	return wallet.Visibility(v), nil
}

// SetFeedVisibility implements wallet.SocialStore.
func (s *Store) SetFeedVisibility(ctx context.Context, userID string, v wallet.Visibility, now time.Time) error {
	q := `INSERT INTO wallet_feed_settings (user_id, visibility, updated_us) VALUES (?, ?, ?)`
	if s.db.Dialect == sqldb.MySQL {
		q += ` ON DUPLICATE KEY UPDATE visibility = VALUES(visibility), updated_us = VALUES(updated_us)`
	} else {
		q += ` ON CONFLICT (user_id) DO UPDATE SET visibility = excluded.visibility, updated_us = excluded.updated_us`
	}
	return s.group.Do(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, q, userID, string(v), sqldb.Micros(now)); err != nil {
			return fmt.Errorf("write feed visibility: %w", err)
		}
		return nil
	})
}
