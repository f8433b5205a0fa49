package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// testBundle is a migrated store on a fresh database.
type testBundle struct {
	ctx   context.Context
	db    *sqldb.DB
	store *sqlstore.Store
}

func setup(t *testing.T, url string) *testBundle {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, sqlstore.Migrate(ctx, db))
	return &testBundle{ctx: ctx, db: db, store: sqlstore.New(db)}
}

// eachDialect runs fn in parallel on a fresh store of every dialect.
func eachDialect(t *testing.T, fn func(t *testing.T, tb *testBundle)) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		fn(t, setup(t, url))
	})
}

// t0 has a microsecond part so that lost precision shows.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 123_456_000, time.UTC)

// at is t0 plus n microseconds; us is the same in unix microseconds.
func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Microsecond) }
func us(n int) int64     { return at(n).UnixMicro() }

func account(id string, flags ledger.AccountFlags) ledger.Account {
	return ledger.Account{ID: id, Currency: "HKD", Code: "wallet", Flags: flags, Created: t0.Add(-time.Hour)}
}

// row is a committed transfer at t0+n µs; its balances-after are made up,
// since the store neither checks nor derives them.
func row(seq int64, n int, id, dr, cr string, amount int64) ledger.StoredTransfer {
	s := ledger.StoredTransfer{
		Transfer:    ledger.Transfer{ID: id, DebitAccountID: dr, CreditAccountID: cr, Amount: amount, Currency: "HKD", Code: "p2p", Timestamp: at(n)},
		BatchSeq:    seq,
		DebitAfter:  ledger.Balances{DebitsPosted: amount * 3, CreditsPosted: int64(n), DebitsPending: 7, CreditsPending: 11},
		CreditAfter: ledger.Balances{DebitsPosted: 13, CreditsPosted: amount * 5, DebitsPending: int64(n) * 2, CreditsPending: 17},
	}
	return seal(s)
}

// seal sets the row hash after the fields were changed.
func seal(s ledger.StoredTransfer) ledger.StoredTransfer {
	s.RowHash = ledger.TransferHash(&s)
	return s
}

// batch is batch number seq holding rows; its hash is any 32 bytes that
// differ per batch.
func batch(seq int64, rows ...ledger.StoredTransfer) *ledger.Batch {
	hash := func(seq int64) []byte {
		if seq == 0 {
			return nil
		}
		h := sha256.Sum256(fmt.Appendf(nil, "batch %d", seq))
		return h[:]
	}
	b := &ledger.Batch{PrevHash: hash(seq - 1), Transfers: rows, Created: t0, Head: ledger.Head{Seq: seq, Hash: hash(seq)}}
	if len(rows) > 0 {
		b.Head.LastMicros = rows[len(rows)-1].Timestamp.UnixMicro()
	}
	return b
}

// write commits b the way the engine does: head first, then the accounts.
func (tb *testBundle) write(t *testing.T, b *ledger.Batch) {
	t.Helper()
	require.NoError(t, tb.store.WriteBatch(tb.ctx, func(tx ledger.BatchTx) error {
		if _, err := tx.LockHead(tb.ctx); err != nil {
			return err
		}
		if _, err := tx.LockAccounts(tb.ctx, accountIDs(b)); err != nil {
			return err
		}
		return tx.Write(tb.ctx, b)
	}))
}

func accountIDs(b *ledger.Batch) []string {
	var ids []string
	for _, a := range b.Accounts {
		ids = append(ids, a.ID)
	}
	for _, s := range b.Transfers {
		ids = append(ids, s.DebitAccountID, s.CreditAccountID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// read runs fn in a write transaction that commits nothing, to reach the
// BatchTx readers.
func (tb *testBundle) read(t *testing.T, fn func(tx ledger.BatchTx)) {
	t.Helper()
	errDone := errors.New("done reading")
	err := tb.store.WriteBatch(tb.ctx, func(tx ledger.BatchTx) error { fn(tx); return errDone })
	require.ErrorIs(t, err, errDone)
}

func (tb *testBundle) head(t *testing.T) ledger.Head {
	t.Helper()
	var h ledger.Head
	tb.read(t, func(tx ledger.BatchTx) {
		var err error
		h, err = tx.LockHead(tb.ctx)
		require.NoError(t, err)
	})
	return h
}

// createAccounts returns the stored accounts and the sorted ids it created.
func (tb *testBundle) createAccounts(t *testing.T, accounts ...ledger.Account) (map[string]ledger.Account, []string) {
	t.Helper()
	got, created, err := tb.store.CreateAccounts(tb.ctx, accounts)
	require.NoError(t, err)
	var ids []string
	for id, ok := range created {
		if ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return got, ids
}

func (tb *testBundle) transfers(t *testing.T, ids ...string) map[string]ledger.StoredTransfer {
	t.Helper()
	got, err := tb.store.Transfers(tb.ctx, ids)
	require.NoError(t, err)
	return got
}

func (tb *testBundle) accounts(t *testing.T, ids ...string) map[string]ledger.Account {
	t.Helper()
	got, err := tb.store.Accounts(tb.ctx, ids)
	require.NoError(t, err)
	return got
}

func byID[T any](items []T, id func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		m[id(it)] = it
	}
	return m
}

func transferID(s ledger.StoredTransfer) string { return s.ID }
func accountID(a ledger.Account) string         { return a.ID }
