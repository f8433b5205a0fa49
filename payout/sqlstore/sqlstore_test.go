package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/merchant"
	merchantsql "github.com/cashless-dev/cashless/merchant/sqlstore"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/payout"
	"github.com/cashless-dev/cashless/payout/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

type bundle struct {
	ctx   context.Context
	db    *sqldb.DB
	store *sqlstore.Store
	amb   *sqldbtest.Ambiguous
}

// each runs fn once per dialect on a fresh merchant database whose group
// commits through an sqldbtest.Ambiguous.
func each(t *testing.T, fn func(t *testing.T, b *bundle)) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		ctx := t.Context()
		db, err := sqldb.Open(ctx, url)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		require.NoError(t, merchantsql.Migrate(ctx, db))
		require.NoError(t, sqlstore.Migrate(ctx, db))
		require.NoError(t, sqlstore.Migrate(ctx, db), "migrating twice changes nothing")
		amb := sqldbtest.NewAmbiguous(db)
		s := sqlstore.New(db)
		t.Cleanup(s.Close)
		fn(t, &bundle{ctx: ctx, db: db, store: s, amb: amb})
	})
}

var at = time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC)

func record(mid, key string) *payout.Record {
	return &payout.Record{
		Payout: merchant.Payout{ID: id.New(id.Payout), MerchantID: mid, Mode: merchant.Live,
			Amount: money.Amount{Minor: 1234, Currency: "HKD"}, Status: payout.StatusPending, BankAccountLast4: "9012", Created: at},
		IdempotencyKey: key, Lease: intent.NewLease(at.Add(2 * time.Second)),
	}
}

// run runs op in a shared transaction whose commit reports an error after
// committing, so that op runs again alone, and returns op's error.
func (b *bundle) run(t *testing.T, op func() error) error {
	t.Helper()
	filler := func() error {
		_, _, err := b.store.CreatePayout(b.ctx, record("mch_filler", id.New("key")))
		return err
	}
	return b.amb.Run(t, filler, op)[0]
}

func (b *bundle) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.Read.QueryRowContext(b.ctx, q, args...).Scan(&n))
	return n
}

func TestCreateAfterLostCommit(t *testing.T) {
	each(t, func(t *testing.T, b *bundle) {
		r := record("mch_a", "k")
		var created bool
		require.NoError(t, b.run(t, func() error {
			var err error
			_, created, err = b.store.CreatePayout(b.ctx, r)
			return err
		}))
		require.True(t, created, "a run again finds its own payout")
		got, err := b.store.Payout(b.ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, r, got)

		other := record("mch_a", "k")
		stored, created, err := b.store.CreatePayout(b.ctx, other)
		require.NoError(t, err)
		require.False(t, created)
		require.Equal(t, r.ID, stored.ID)
		_, err = b.store.Payout(b.ctx, other.ID)
		require.Equal(t, merchant.EPayoutNotFound, cashless.ErrorCode(err))
	})
}

func TestFinishAfterLostCommitWritesOneEvent(t *testing.T) {
	each(t, func(t *testing.T, b *bundle) {
		r := record("mch_a", "k")
		_, _, err := b.store.CreatePayout(b.ctx, r)
		require.NoError(t, err)
		require.NoError(t, b.run(t, func() error {
			_, err := b.store.RecordBankOutcome(b.ctx, r.ID, "failed", payout.EBankFailed)
			return err
		}))
		got, err := b.store.RecordBankOutcome(b.ctx, r.ID, "succeeded", "")
		require.NoError(t, err)
		require.Equal(t, "failed", got.BankOutcome, "the first outcome stays")
		ev := merchant.Event{ID: id.New(id.Event), MerchantID: "mch_a", Mode: merchant.Live, Type: merchant.EventPayoutFailed, Data: []byte(`{}`), Created: at}
		require.NoError(t, b.run(t, func() error {
			_, err := b.store.FinishPayout(b.ctx, r.ID, payout.StatusFailed, payout.EBankFailed, at, ev)
			return err
		}))
		ev2 := ev
		ev2.ID = id.New(id.Event)
		got, err = b.store.FinishPayout(b.ctx, r.ID, payout.StatusPaid, "", at, ev2)
		require.NoError(t, err)
		require.Equal(t, payout.StatusFailed, got.Status, "failed is final")
		require.Equal(t, at, got.Completed)
		require.Equal(t, 1, b.count(t, `SELECT COUNT(*) FROM merchant_events WHERE merchant_id = ?`, "mch_a"))
		due, err := b.store.Queue().Due(b.ctx, at.Add(time.Hour), 10)
		require.NoError(t, err)
		for _, d := range due {
			require.NotEqual(t, r.ID, d.ID, "a finished payout is not due")
		}
	})
}

func TestPreviousPaidAndList(t *testing.T) {
	each(t, func(t *testing.T, b *bundle) {
		var ids []string
		for i := range 4 {
			r := record("mch_a", id.New("key"))
			_, _, err := b.store.CreatePayout(b.ctx, r)
			require.NoError(t, err)
			if i != 2 {
				_, err = b.store.FinishPayout(b.ctx, r.ID, payout.StatusPaid, "", at, merchant.Event{ID: id.New(id.Event), MerchantID: "mch_a", Mode: merchant.Live, Type: merchant.EventPayoutPaid, Data: []byte(`{}`), Created: at})
				require.NoError(t, err)
			}
			ids = append(ids, r.ID)
		}
		prev, err := b.store.PreviousPaid(b.ctx, "mch_a", merchant.Live, "HKD", ids[3])
		require.NoError(t, err)
		require.Equal(t, ids[1], prev.ID, "the unpaid one is skipped")
		_, err = b.store.PreviousPaid(b.ctx, "mch_a", merchant.Live, "HKD", ids[0])
		require.Equal(t, merchant.EPayoutNotFound, cashless.ErrorCode(err))

		page, more, err := b.store.Payouts(b.ctx, "mch_a", merchant.Live, cashless.Page{Limit: 3})
		require.NoError(t, err)
		require.True(t, more)
		require.Equal(t, []string{ids[3], ids[2], ids[1]}, []string{page[0].ID, page[1].ID, page[2].ID})
		page, more, err = b.store.Payouts(b.ctx, "mch_a", merchant.Live, cashless.Page{Limit: 3, StartingAfter: ids[1]})
		require.NoError(t, err)
		require.False(t, more)
		require.Len(t, page, 1)
		page, _, err = b.store.Payouts(b.ctx, "mch_a", merchant.Live, cashless.Page{Limit: 2, EndingBefore: ids[1]})
		require.NoError(t, err)
		require.Equal(t, []string{ids[3], ids[2]}, []string{page[0].ID, page[1].ID})
		none, _, err := b.store.Payouts(b.ctx, "mch_a", merchant.Test, cashless.Page{})
		require.NoError(t, err)
		require.Empty(t, none)
	})
}
