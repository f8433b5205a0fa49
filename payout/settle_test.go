package payout_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/payout"
	"github.com/cashless-dev/cashless/payout/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
)

// payouts lists a merchant's payouts in a mode, waiting until none is
// pending.
func (b *bundle) payouts(t *testing.T, mid string, mode merchant.Mode) []*merchant.Payout {
	t.Helper()
	var list []*merchant.Payout
	require.Eventually(t, func() bool {
		var err error
		list, _, err = b.svc.Payouts(b.ctx, mid, mode, cashlessPage(100))
		require.NoError(t, err)
		for _, p := range list {
			if p.Status == payout.StatusPending {
				return false
			}
		}
		return true
	}, 5*time.Second, 2*time.Millisecond)
	return list
}

func TestDailySettlementOncePerLocalDay(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, d sqldb.Dialect) {
		b := setup(t, d, setupOptions{})
		hk := b.merchant(t, "Asia/Hong_Kong", "17:00")
		ny := b.merchant(t, "America/New_York", "17:00")
		empty := b.merchant(t, "Asia/Hong_Kong", "17:00")
		noAcct := b.merchant(t, "Asia/Hong_Kong", "17:00")
		b.src.set(merchant.Settlement{MerchantID: noAcct, TimeZone: "Asia/Hong_Kong", Cutoff: "17:00"})
		b.pay(t, hk, merchant.Live, 10000, 120)
		b.pay(t, hk, merchant.Test, 700, 0)
		b.pay(t, ny, merchant.Live, 5000, 60)
		b.pay(t, noAcct, merchant.Live, 5000, 0)

		// A second instance on its own store over the same database.
		store2 := sqlstore.New(b.db)
		t.Cleanup(store2.Close)
		svc2, err := payout.New(store2, b.ledger, b.live, b.test, b.src, payout.Options{Now: b.clock.Now, Interval: -1})
		require.NoError(t, err)
		t.Cleanup(svc2.Close)
		both := func() {
			var wg sync.WaitGroup
			for _, s := range []*payout.Service{b.svc, svc2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					require.NoError(t, s.Reconcile(b.ctx))
				}()
			}
			wg.Wait()
		}

		// 16:00 in Hong Kong, 03:00 in New York: before both cut-offs.
		b.clock.Set(time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC))
		both()
		require.Empty(t, b.payouts(t, hk, merchant.Live))
		require.Empty(t, b.payouts(t, ny, merchant.Live))

		// 17:30 in Hong Kong: its day is settled, in both modes, once.
		b.clock.Set(time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC))
		both()
		both()
		list := b.payouts(t, hk, merchant.Live)
		require.Len(t, list, 1)
		require.True(t, list[0].Automatic)
		require.Equal(t, payout.StatusPaid, list[0].Status)
		require.Equal(t, int64(9880), list[0].Amount.Minor)
		tl := b.payouts(t, hk, merchant.Test)
		require.Len(t, tl, 1)
		require.Equal(t, int64(700), tl[0].Amount.Minor)
		require.Empty(t, b.payouts(t, ny, merchant.Live))
		require.Empty(t, b.payouts(t, empty, merchant.Live))
		require.Empty(t, b.payouts(t, noAcct, merchant.Live))
		stored, err := b.store.PayoutByKey(b.ctx, hk, merchant.Live, payout.SettlementKey("2026-12-04", "HKD"))
		require.NoError(t, err)
		require.Equal(t, list[0].ID, stored.ID)

		// More money the same local day waits for the next day.
		b.pay(t, hk, merchant.Live, 3000, 36)
		b.clock.Set(time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)) // 23:00 in Hong Kong
		both()
		require.Len(t, b.payouts(t, hk, merchant.Live), 1)

		// 17:30 in New York (06:30 on the 5th in Hong Kong).
		b.clock.Set(time.Date(2026, 12, 4, 22, 30, 0, 0, time.UTC))
		both()
		nl := b.payouts(t, ny, merchant.Live)
		require.Len(t, nl, 1)
		require.Equal(t, int64(4940), nl[0].Amount.Minor)
		require.Len(t, b.payouts(t, hk, merchant.Live), 1)

		// The next day in Hong Kong.
		b.clock.Set(time.Date(2026, 12, 5, 9, 1, 0, 0, time.UTC))
		both()
		list = b.payouts(t, hk, merchant.Live)
		require.Len(t, list, 2)
		require.Equal(t, int64(2964), list[0].Amount.Minor)
		require.Len(t, b.payouts(t, ny, merchant.Live), 1)
		require.Zero(t, b.available(t, hk, merchant.Live))
		b.verify(t)
	})
}
