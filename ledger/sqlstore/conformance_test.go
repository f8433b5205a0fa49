package sqlstore_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// TestConformance is the one suite every ledger.Store dialect must pass. It
// drives the store directly, the way the engine does, so a difference
// between SQLite and MySQL shows up here rather than as a wrong balance.
func TestConformance(t *testing.T) {
	t.Parallel()
	t.Run("MigrateIsIdempotent", func(t *testing.T) { eachDialect(t, testMigrate) })
	t.Run("CreateAccounts", func(t *testing.T) { eachDialect(t, testCreateAccounts) })
	t.Run("ManyIDs", func(t *testing.T) { eachDialect(t, testManyIDs) })
	t.Run("ManyPending", func(t *testing.T) { eachDialect(t, testManyPending) })
	t.Run("WriteBatchRoundTrip", func(t *testing.T) { eachDialect(t, testRoundTrip) })
	t.Run("WriteBatchRollsBack", func(t *testing.T) { eachDialect(t, testRollback) })
	t.Run("DuplicateKeyIsConflict", func(t *testing.T) { eachDialect(t, testDuplicateKey) })
	t.Run("Refusals", func(t *testing.T) { eachDialect(t, testRefusals) })
	t.Run("RefusalRollsBack", func(t *testing.T) { eachDialect(t, testRefusalRollsBack) })
	t.Run("LatestEntry", func(t *testing.T) { eachDialect(t, testLatestEntry) })
	t.Run("Entries", func(t *testing.T) { eachDialect(t, testEntries) })
	t.Run("DuePending", func(t *testing.T) { eachDialect(t, testDuePending) })
	t.Run("Scan", func(t *testing.T) { eachDialect(t, testScan) })
	t.Run("SameOnEveryDialect", testSameOnEveryDialect)
}

func testMigrate(t *testing.T, tb *testBundle) {
	tb.createAccounts(t, account("alice", 0))
	tb.write(t, batch(1, row(1, 1, "t1", "alice", "bob", 5)))
	require.NoError(t, sqlstore.Migrate(tb.ctx, tb.db))
	require.NoError(t, sqlstore.Migrate(tb.ctx, tb.db))

	// Nothing was reset: the head, the data and the one head row remain.
	require.Equal(t, int64(1), tb.head(t).Seq)
	require.Len(t, tb.accounts(t, "alice"), 1)
	require.Len(t, tb.transfers(t, "t1"), 1)
	var heads int
	require.NoError(t, tb.db.Read.QueryRowContext(tb.ctx, `SELECT COUNT(*) FROM ledger_head`).Scan(&heads))
	require.Equal(t, 1, heads)

	// Two instances starting at once on a fresh database both succeed.
	url := sqldbtest.URL(t, tb.db.Dialect)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		db, err := sqldb.Open(tb.ctx, url)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		wg.Go(func() { errs[i] = sqlstore.Migrate(tb.ctx, db) })
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	head := setup(t, url).head(t)
	require.Zero(t, head.Seq)
	require.Empty(t, head.Hash)
	require.Zero(t, head.LastMicros)
}

func testCreateAccounts(t *testing.T, tb *testBundle) {
	alice, bob := account("alice", ledger.DebitsMustNotExceedCredits), account("bob", 0)
	stored, created := tb.createAccounts(t, alice)
	require.Equal(t, map[string]ledger.Account{"alice": alice}, stored)
	require.Equal(t, []string{"alice"}, created)

	// Give alice balances, then create her again with other fields: the
	// stored account comes back untouched. bob is new, once, although the
	// call names him twice.
	funded := alice
	funded.Balances = ledger.Balances{DebitsPosted: 1, CreditsPosted: 2, DebitsPending: 3, CreditsPending: 4}
	b := batch(1, row(1, 1, "t1", "alice", "bob", 1))
	b.Accounts = []ledger.Account{funded}
	tb.write(t, b)

	other := account("alice", ledger.CreditsMustNotExceedDebits)
	other.Currency, other.Code, other.Created = "USD", "merchant", t0
	stored, created = tb.createAccounts(t, other, bob, bob)
	require.Equal(t, map[string]ledger.Account{"alice": funded, "bob": bob}, stored)
	require.Equal(t, []string{"bob"}, created)
	require.Equal(t, stored, tb.accounts(t, "alice", "bob", "carol"))
}

// manyIDs is more ids than one statement of either dialect takes, so every
// multi-id call must split them.
const manyIDs = 70_000

func testManyIDs(t *testing.T, tb *testBundle) {
	// Enough accounts and transfers that the multi-row INSERTs split too.
	var accounts []ledger.Account
	for i := range 7_000 {
		accounts = append(accounts, account(fmt.Sprintf("acct%05d", i), 0))
	}
	stored, created := tb.createAccounts(t, accounts...)
	require.Len(t, stored, len(accounts))
	require.Len(t, created, len(accounts))
	var rows []ledger.StoredTransfer
	for i := range 3_000 {
		rows = append(rows, row(1, i+1, fmt.Sprintf("tr%05d", i), accounts[2*i].ID, accounts[2*i+1].ID, int64(i+1)))
	}
	b := batch(1, rows...)
	for i, a := range accounts {
		a.CreditsPosted = int64(i)
		b.Accounts = append(b.Accounts, a)
	}
	tb.write(t, b)

	// Ask for the existing ids among many unknown ones, spread out so that
	// each part of the split finds some.
	ids := make([]string, 0, manyIDs)
	for i := range manyIDs / 2 {
		ids = append(ids, fmt.Sprintf("tr%05d", i), fmt.Sprintf("acct%05d", i))
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	require.Equal(t, byID(rows, transferID), tb.transfers(t, ids...))
	require.Equal(t, byID(b.Accounts, accountID), tb.accounts(t, ids...))
	tb.read(t, func(tx ledger.BatchTx) {
		sorted := slices.Sorted(slices.Values(ids))
		locked, err := tx.LockAccounts(tb.ctx, sorted)
		require.NoError(t, err)
		require.Equal(t, byID(b.Accounts, accountID), locked)
	})
	require.Empty(t, tb.accounts(t))
	require.Empty(t, tb.transfers(t))
}

// testManyPending writes more pending records in one batch than one
// statement with 7 values a row takes on SQLite (32,766 placeholders), as an
// engine batch of 8,190 pending transfers or expiry voids does.
func testManyPending(t *testing.T, tb *testBundle) {
	const n = 5_000
	b := batch(1)
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("p%05d", i)
		b.Pending = append(b.Pending, ledger.PendingTransfer{ID: ids[i], DebitAccountID: "a", CreditAccountID: "b", Amount: int64(i + 1),
			Currency: "HKD", ExpiresMicros: us(i + 1), State: ledger.StatePending})
	}
	tb.write(t, b)
	due, err := tb.store.DuePending(tb.ctx, us(n), 2*n)
	require.NoError(t, err)
	require.Equal(t, b.Pending, due)
	tb.read(t, func(tx ledger.BatchTx) {
		got, err := tx.Pending(tb.ctx, ids)
		require.NoError(t, err)
		require.Len(t, got, n)
	})
}

func testRoundTrip(t *testing.T, tb *testBundle) {
	alice, bob, bank := account("alice", ledger.DebitsMustNotExceedCredits), account("bob", ledger.DebitsMustNotExceedCredits), account("bank", 0)
	tb.createAccounts(t, alice, bob, bank)

	// Batch 1: a top-up with unicode metadata, and two holds, one of which
	// expires.
	fund := ledger.StoredTransfer{
		Transfer: ledger.Transfer{ID: "fund", DebitAccountID: "bank", CreditAccountID: "alice", Amount: 10_000, Currency: "HKD", Code: "topup",
			Metadata: `{"note":"午餐 🍜 café — ünïcödé","who":"👩‍👩‍👧"}`, Timestamp: at(1)},
		BatchSeq: 1, DebitAfter: ledger.Balances{DebitsPosted: 10_000}, CreditAfter: ledger.Balances{CreditsPosted: 10_000},
	}
	hold := ledger.StoredTransfer{
		Transfer: ledger.Transfer{ID: "hold", DebitAccountID: "alice", CreditAccountID: "bob", Amount: 2_500, Currency: "HKD", Code: "payment",
			Flags: ledger.Pending | ledger.Linked, Timeout: 90 * time.Second, Timestamp: at(2)},
		BatchSeq: 1, DebitAfter: ledger.Balances{CreditsPosted: 10_000, DebitsPending: 2_500}, CreditAfter: ledger.Balances{CreditsPending: 2_500},
	}
	hold2 := ledger.StoredTransfer{
		Transfer: ledger.Transfer{ID: "hold2", DebitAccountID: "alice", CreditAccountID: "bob", Amount: 1_000, Currency: "HKD", Code: "payment",
			Flags: ledger.Pending, Timestamp: at(3)},
		BatchSeq: 1, DebitAfter: ledger.Balances{CreditsPosted: 10_000, DebitsPending: 3_500}, CreditAfter: ledger.Balances{CreditsPending: 3_500},
	}
	fund, hold, hold2 = seal(fund), seal(hold), seal(hold2)
	expires := us(2) + (90 * time.Second).Microseconds()
	holdRec := ledger.PendingTransfer{ID: "hold", DebitAccountID: "alice", CreditAccountID: "bob", Amount: 2_500, Currency: "HKD", ExpiresMicros: expires, State: ledger.StatePending}
	hold2Rec := ledger.PendingTransfer{ID: "hold2", DebitAccountID: "alice", CreditAccountID: "bob", Amount: 1_000, Currency: "HKD", State: ledger.StatePending}
	b1 := batch(1, fund, hold, hold2)
	b1.Accounts = []ledger.Account{alice, bank, bob}
	b1.Accounts[0].Balances = hold2.DebitAfter
	b1.Accounts[1].Balances = fund.DebitAfter
	b1.Accounts[2].Balances = hold2.CreditAfter
	b1.Pending = []ledger.PendingTransfer{hold2Rec, holdRec}

	require.NoError(t, tb.store.WriteBatch(tb.ctx, func(tx ledger.BatchTx) error {
		head, err := tx.LockHead(tb.ctx)
		require.NoError(t, err)
		require.Equal(t, int64(0), head.Seq)
		require.Empty(t, head.Hash)
		require.Equal(t, int64(0), head.LastMicros)
		locked, err := tx.LockAccounts(tb.ctx, []string{"alice", "bank", "bob", "ghost"})
		require.NoError(t, err)
		require.Equal(t, map[string]ledger.Account{"alice": alice, "bank": bank, "bob": bob}, locked)
		found, err := tx.Transfers(tb.ctx, []string{"fund", "hold"})
		require.NoError(t, err)
		require.Empty(t, found)
		pend, err := tx.Pending(tb.ctx, []string{"hold"})
		require.NoError(t, err)
		require.Empty(t, pend)
		return tx.Write(tb.ctx, b1)
	}))
	require.Equal(t, byID(b1.Transfers, transferID), tb.transfers(t, "fund", "hold", "hold2", "ghost"))
	require.Equal(t, byID(b1.Accounts, accountID), tb.accounts(t, "alice", "bank", "bob"))
	require.Equal(t, b1.Head, tb.head(t))
	due, err := tb.store.DuePending(tb.ctx, expires, 10)
	require.NoError(t, err)
	require.Equal(t, []ledger.PendingTransfer{holdRec}, due)

	// Batch 2 posts part of one hold and voids the other. The records come
	// in as the engine hands them over, expiry still set.
	post := ledger.StoredTransfer{
		Transfer: ledger.Transfer{ID: "post", DebitAccountID: "alice", CreditAccountID: "bob", Amount: 2_000, Currency: "HKD", Code: "payment",
			Flags: ledger.PostPending, PendingID: "hold", Timestamp: at(4)},
		BatchSeq: 2, DebitAfter: ledger.Balances{CreditsPosted: 10_000, DebitsPosted: 2_000, DebitsPending: 1_000}, CreditAfter: ledger.Balances{CreditsPosted: 2_000, CreditsPending: 1_000},
	}
	void := ledger.StoredTransfer{
		Transfer: ledger.Transfer{ID: "void", DebitAccountID: "alice", CreditAccountID: "bob", Amount: 1_000, Currency: "HKD",
			Flags: ledger.VoidPending, PendingID: "hold2", Timestamp: at(5)},
		BatchSeq: 2, DebitAfter: ledger.Balances{CreditsPosted: 10_000, DebitsPosted: 2_000}, CreditAfter: ledger.Balances{CreditsPosted: 2_000},
	}
	post, void = seal(post), seal(void)
	posted, voided := holdRec, hold2Rec
	posted.State, voided.State = ledger.StatePosted, ledger.StateVoided
	b2 := batch(2, post, void)
	b2.Accounts = []ledger.Account{b1.Accounts[0], b1.Accounts[2]}
	b2.Accounts[0].Balances, b2.Accounts[1].Balances = void.DebitAfter, void.CreditAfter
	b2.Pending = []ledger.PendingTransfer{voided, posted}
	require.NoError(t, tb.store.WriteBatch(tb.ctx, func(tx ledger.BatchTx) error {
		head, err := tx.LockHead(tb.ctx)
		require.NoError(t, err)
		require.Equal(t, b1.Head, head)
		pend, err := tx.Pending(tb.ctx, []string{"ghost", "hold", "hold2"})
		require.NoError(t, err)
		require.Equal(t, map[string]ledger.PendingTransfer{"hold": holdRec, "hold2": hold2Rec}, pend)
		found, err := tx.Transfers(tb.ctx, []string{"hold", "hold2", "post", "void"})
		require.NoError(t, err)
		require.Equal(t, map[string]ledger.StoredTransfer{"hold": hold, "hold2": hold2}, found)
		if _, err := tx.LockAccounts(tb.ctx, []string{"alice", "bob"}); err != nil {
			return err
		}
		return tx.Write(tb.ctx, b2)
	}))

	require.Equal(t, b2.Head, tb.head(t))
	require.Equal(t, byID(append(b1.Transfers, b2.Transfers...), transferID), tb.transfers(t, "fund", "hold", "hold2", "post", "void"))
	require.Equal(t, map[string]ledger.Account{"alice": b2.Accounts[0], "bank": b1.Accounts[1], "bob": b2.Accounts[1]}, tb.accounts(t, "alice", "bank", "bob"))
	// Resolved records keep no expiry, so nothing is due any more.
	due, err = tb.store.DuePending(tb.ctx, expires+1_000_000_000, 10)
	require.NoError(t, err)
	require.Empty(t, due)
	posted.ExpiresMicros = 0
	tb.read(t, func(tx ledger.BatchTx) {
		pend, err := tx.Pending(tb.ctx, []string{"hold", "hold2"})
		require.NoError(t, err)
		require.Equal(t, map[string]ledger.PendingTransfer{"hold": posted, "hold2": voided}, pend)
	})
}

func testRollback(t *testing.T, tb *testBundle) {
	tb.createAccounts(t, account("a", 0), account("b", 0))
	b1 := batch(1, row(1, 1, "t1", "a", "b", 10))
	b1.Pending = []ledger.PendingTransfer{{ID: "p1", DebitAccountID: "a", CreditAccountID: "b", Amount: 1, Currency: "HKD", ExpiresMicros: us(100), State: ledger.StatePending}}
	tb.write(t, b1)
	before := tb.accounts(t, "a", "b")

	b2 := batch(2, row(2, 2, "t2", "a", "b", 20))
	b2.Accounts = []ledger.Account{account("a", 0), account("b", 0), account("c", 0)}
	b2.Accounts[0].DebitsPosted = 20
	b2.Pending = []ledger.PendingTransfer{{ID: "p1", DebitAccountID: "a", CreditAccountID: "b", Amount: 1, Currency: "HKD", State: ledger.StatePosted},
		{ID: "p2", DebitAccountID: "a", CreditAccountID: "b", Amount: 2, Currency: "HKD", ExpiresMicros: us(50), State: ledger.StatePending}}
	// The batch record repeats batch 1's number, so Write fails on its
	// fourth statement, after the transfers, balances and pending records:
	// none of them may stay.
	b2.Head.Seq = 1
	err := tb.store.WriteBatch(tb.ctx, func(tx ledger.BatchTx) error {
		_, err := tx.LockHead(tb.ctx)
		require.NoError(t, err)
		return tx.Write(tb.ctx, b2)
	})
	require.ErrorIs(t, err, ledger.ErrConflict)

	// An error from fn itself before Write rolls back too.
	errBoom := errors.New("boom")
	err = tb.store.WriteBatch(tb.ctx, func(tx ledger.BatchTx) error {
		_, err := tx.LockAccounts(tb.ctx, []string{"a", "b"})
		require.NoError(t, err)
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	require.NotErrorIs(t, err, ledger.ErrConflict)

	require.Equal(t, b1.Head, tb.head(t))
	require.Empty(t, tb.transfers(t, "t2"))
	require.Equal(t, before, tb.accounts(t, "a", "b", "c"))
	due, err := tb.store.DuePending(tb.ctx, us(1000), 10)
	require.NoError(t, err)
	require.Equal(t, b1.Pending, due)
	batches := 0
	require.NoError(t, tb.store.Scan(tb.ctx, ledger.ScanVisitor{
		Batch:    func(int64, []byte, []byte, int) error { batches++; return nil },
		Transfer: func(ledger.StoredTransfer) error { return nil },
		Account:  func(ledger.Account) error { return nil },
		Pending:  func(ledger.PendingTransfer) error { return nil },
	}))
	require.Equal(t, 1, batches)
}

func testDuplicateKey(t *testing.T, tb *testBundle) {
	tb.write(t, batch(1, row(1, 1, "t1", "a", "b", 10)))
	for name, dup := range map[string]ledger.StoredTransfer{
		"same id":        row(2, 3, "t1", "a", "b", 10),
		"same timestamp": row(2, 1, "t9", "a", "b", 10),
	} {
		err := tb.store.WriteBatch(tb.ctx, func(tx ledger.BatchTx) error {
			if _, err := tx.LockHead(tb.ctx); err != nil {
				return err
			}
			return tx.Write(tb.ctx, batch(2, row(2, 2, "t2", "a", "b", 1), dup))
		})
		require.ErrorIs(t, err, ledger.ErrConflict, name)
		require.Empty(t, tb.transfers(t, "t2", "t9"), name)
		require.Equal(t, int64(1), tb.head(t).Seq, name)
	}
}
