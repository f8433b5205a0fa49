package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
	"github.com/cashless-dev/cashless/wallet/sqlstore"
)

// socialStore runs fn in parallel on a fresh, migrated store of every
// dialect.
func socialStore(t *testing.T, fn func(t *testing.T, ctx context.Context, db *sqldb.DB, s *sqlstore.Store)) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		ctx := context.Background()
		db, err := sqldb.Open(ctx, url)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		require.NoError(t, sqlstore.Migrate(ctx, db))
		s := sqlstore.New(db)
		t.Cleanup(s.Close)
		fn(t, ctx, db, s)
	})
}

// socialT0 has a microsecond part so that lost precision shows.
var socialT0 = time.Date(2026, 5, 6, 7, 8, 9, 123_456_000, time.UTC)

func contact(userID, contactID, source string, at time.Time) *wallet.Contact {
	return &wallet.Contact{ID: id.New(id.Contact), UserID: userID, Contact: wallet.Party{UserID: contactID}, Source: source, Created: at}
}

// A contact is stored once per pair: later writes never change its id or
// time, a payment never downgrades an added contact, and an added one
// upgrades a payment contact.
func TestStoreContactSources(t *testing.T) {
	socialStore(t, func(t *testing.T, ctx context.Context, _ *sqldb.DB, s *sqlstore.Store) {
		ann, bob, cat := id.New(id.User), id.New(id.User), id.New(id.User)
		first, err := s.AddContact(ctx, contact(ann, bob, wallet.SourceAdded, socialT0))
		require.NoError(t, err)
		require.Equal(t, socialT0, first.Created)

		again, err := s.AddContact(ctx, contact(ann, bob, wallet.SourcePayment, socialT0.Add(time.Hour)))
		require.NoError(t, err)
		require.Equal(t, first, again)

		require.NoError(t, s.AddPaymentContacts(ctx))
		require.NoError(t, s.AddPaymentContacts(ctx, contact(ann, cat, wallet.SourcePayment, socialT0), contact(ann, bob, wallet.SourcePayment, socialT0)))
		upgraded, err := s.AddContact(ctx, contact(ann, cat, wallet.SourceAdded, socialT0.Add(time.Hour)))
		require.NoError(t, err)
		require.Equal(t, wallet.SourceAdded, upgraded.Source)
		require.Equal(t, socialT0, upgraded.Created)

		cs, more, err := s.Contacts(ctx, ann, cashless.Page{})
		require.NoError(t, err)
		require.False(t, more)
		require.Equal(t, []*wallet.Contact{upgraded, first}, cs)
	})
}

// A transfer whose visibility the store does not know counts as private:
// its parties see it, marked private; their friends do not.
func TestStoreFeedUnknownVisibility(t *testing.T) {
	socialStore(t, func(t *testing.T, ctx context.Context, db *sqldb.DB, s *sqlstore.Store) {
		ann, bob, cat := id.New(id.User), id.New(id.User), id.New(id.User)
		for _, u := range []string{ann, bob} {
			require.NoError(t, s.SetFeedVisibility(ctx, u, wallet.Public, socialT0))
		}
		require.NoError(t, s.AddPaymentContacts(ctx,
			contact(ann, bob, wallet.SourcePayment, socialT0), contact(bob, ann, wallet.SourcePayment, socialT0),
			contact(cat, ann, wallet.SourcePayment, socialT0), contact(ann, cat, wallet.SourcePayment, socialT0)))
		tid := id.New(id.Transfer)
		_, err := db.Write.ExecContext(ctx, `INSERT INTO wallet_transfers
			(id, sender_id, recipient_id, currency, amount, message, visibility, status, failure_code, request_id, idem_key, limit_windows, created_us, updated_us)
			VALUES (?, ?, ?, 'HKD', 100, 'lunch', 'everyone', 'succeeded', '', '', ?, '', ?, ?)`, tid, ann, bob, tid, socialT0.UnixMicro(), socialT0.UnixMicro())
		require.NoError(t, err)

		items, more, err := s.Feed(ctx, bob, cashless.Page{})
		require.NoError(t, err)
		require.False(t, more)
		require.Equal(t, []*wallet.FeedItem{{ID: tid, From: wallet.Party{UserID: ann}, To: wallet.Party{UserID: bob}, Message: "lunch", Visibility: wallet.Private, Created: socialT0}}, items)

		items, _, err = s.Feed(ctx, cat, cashless.Page{})
		require.NoError(t, err)
		require.Empty(t, items)
	})
}
