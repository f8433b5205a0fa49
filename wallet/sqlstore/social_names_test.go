package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/wallet"
	"github.com/cashless-dev/cashless/wallet/sqlstore"
)

// storeTransfer stores a transfer between two users with a status.
func storeTransfer(t *testing.T, ctx context.Context, db *sqldb.DB, from, to, status string) {
	t.Helper()
	tid := id.New(id.Transfer)
	_, err := db.Write.ExecContext(ctx, `INSERT INTO wallet_transfers
		(id, sender_id, recipient_id, currency, amount, message, visibility, status, failure_code, request_id, idem_key, limit_windows, created_us, updated_us)
		VALUES (?, ?, ?, 'HKD', 100, '', 'private', ?, '', '', ?, '', ?, ?)`, tid, from, to, status, tid, socialT0.UnixMicro(), socialT0.UnixMicro())
	require.NoError(t, err)
}

// Who shows a viewer their full name: those who paid the viewer
// successfully, and those who added the viewer by hand when the viewer
// added them by hand too. Nothing else counts, and the answer is per
// viewer.
func TestStoreAcquainted(t *testing.T) {
	socialStore(t, func(t *testing.T, ctx context.Context, db *sqldb.DB, s *sqlstore.Store) {
		v := id.New(id.User)
		payer, payee, failed, processing := id.New(id.User), id.New(id.User), id.New(id.User), id.New(id.User)
		mutual, follower, followed, byPayment, stranger := id.New(id.User), id.New(id.User), id.New(id.User), id.New(id.User), id.New(id.User)

		storeTransfer(t, ctx, db, payer, v, wallet.StatusSucceeded)
		storeTransfer(t, ctx, db, payer, v, wallet.StatusSucceeded)
		storeTransfer(t, ctx, db, v, payee, wallet.StatusSucceeded)
		storeTransfer(t, ctx, db, failed, v, wallet.StatusFailed)
		storeTransfer(t, ctx, db, processing, v, wallet.StatusProcessing)
		storeTransfer(t, ctx, db, stranger, payee, wallet.StatusSucceeded)
		for _, c := range []*wallet.Contact{
			contact(v, mutual, wallet.SourceAdded, socialT0), contact(mutual, v, wallet.SourceAdded, socialT0),
			contact(follower, v, wallet.SourceAdded, socialT0),
			contact(v, followed, wallet.SourceAdded, socialT0),
			contact(v, byPayment, wallet.SourceAdded, socialT0),
		} {
			_, err := s.AddContact(ctx, c)
			require.NoError(t, err)
		}
		require.NoError(t, s.AddPaymentContacts(ctx, contact(byPayment, v, wallet.SourcePayment, socialT0),
			contact(v, payee, wallet.SourcePayment, socialT0), contact(payee, v, wallet.SourcePayment, socialT0)))

		all := []string{payer, payee, failed, processing, mutual, follower, followed, byPayment, stranger, payer}
		known, err := s.Acquainted(ctx, v, all)
		require.NoError(t, err)
		require.Equal(t, map[string]bool{payer: true, mutual: true}, known)

		// The other way round: the payee was paid by v, the payer was not.
		known, err = s.Acquainted(ctx, payee, []string{v, payer, stranger})
		require.NoError(t, err)
		require.Equal(t, map[string]bool{v: true, stranger: true}, known)
		known, err = s.Acquainted(ctx, payer, []string{v})
		require.NoError(t, err)
		require.Empty(t, known)

		known, err = s.Acquainted(ctx, v, nil)
		require.NoError(t, err)
		require.Empty(t, known)
	})
}

// The index the acquaintance query needs comes with a migration that runs
// again safely, as after a crash between creating the index and recording
// the migration.
func TestStoreNamesMigrationReruns(t *testing.T) {
	socialStore(t, func(t *testing.T, ctx context.Context, db *sqldb.DB, _ *sqlstore.Store) {
		_, err := db.Write.ExecContext(ctx, `DELETE FROM wallet_schema_migrations WHERE version = '003_names'`)
		require.NoError(t, err)
		require.NoError(t, sqlstore.Migrate(ctx, db))
		var n int
		require.NoError(t, db.Write.QueryRowContext(ctx, `SELECT COUNT(*) FROM wallet_schema_migrations WHERE version = '003_names'`).Scan(&n))
		require.Equal(t, 1, n)
	})
}
