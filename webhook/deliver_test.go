package webhook_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/webhook"
	"github.com/cashless-dev/cashless/webhook/sqlstore"
)

func TestFanOutExactlyOnce(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		all, _ := b.endpoint(t, "mch_a", "http://localhost/all")
		paid, _ := b.endpoint(t, "mch_a", "http://localhost/paid", merchant.EventPaymentSucceeded)
		off, _ := b.endpoint(t, "mch_a", "http://localhost/off")
		_, err := b.svc.SetEnabled(b.ctx, "mch_a", merchant.Test, off.ID, false)
		require.NoError(t, err)
		other, _ := b.endpoint(t, "mch_b", "http://localhost/b")
		_, _, err = b.svc.CreateEndpoint(b.ctx, webhook.EndpointParams{MerchantID: "mch_a", Mode: merchant.Live,
			URL: "https://127.0.0.1/", Events: []string{"*"}})
		require.Error(t, err)

		const n = 120 // more than one dispatch batch
		var succeeded int
		for i := range n {
			typ := merchant.EventRefundSucceeded
			if i%3 == 0 {
				typ, succeeded = merchant.EventPaymentSucceeded, succeeded+1
			}
			b.event(t, "mch_a", merchant.Test, typ)
		}
		b.event(t, "mch_b", merchant.Test, merchant.EventPayoutPaid)
		b.event(t, "mch_a", merchant.Live, merchant.EventPayoutPaid) // no live endpoint

		// Two dispatchers on their own connections race over the outbox.
		db2, err := sqldb.Open(b.ctx, url)
		require.NoError(t, err)
		defer db2.Close()
		stores := []webhook.Outbox{b.store, sqlstore.New(db2)}
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for _, s := range stores {
			wg.Go(func() {
				for {
					k, err := s.Dispatch(b.ctx, b.clock.Now(), 7)
					require.NoError(t, err)
					mu.Lock()
					total += k
					mu.Unlock()
					if k == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		require.Equal(t, n+2, total, "every event dispatched once")
		var undispatched int
		require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT COUNT(*) FROM merchant_events WHERE dispatched = 0`).Scan(&undispatched))
		require.Zero(t, undispatched)

		count := func(endpointID string) int {
			var c int
			require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ?`, endpointID).Scan(&c))
			return c
		}
		require.Equal(t, n, count(all.ID))
		require.Equal(t, succeeded, count(paid.ID))
		require.Zero(t, count(off.ID))
		require.Equal(t, 1, count(other.ID))

		// Dispatching again finds nothing to do.
		k, err := b.store.Dispatch(b.ctx, b.clock.Now(), 100)
		require.NoError(t, err)
		require.Zero(t, k)
	})
}

func TestDeliveryRetriesOnSchedule(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		r := newReceiver(t, 500, 503, 204)
		ep, secret := b.endpoint(t, "mch_a", r.URL+"/hook")
		evt := b.event(t, "mch_a", merchant.Test, merchant.EventPaymentSucceeded)

		d, a := b.pass(t)
		require.Equal(t, 1, d)
		require.Equal(t, 1, a, "the first attempt goes at once")
		_, a = b.pass(t)
		require.Zero(t, a, "nothing is due before the schedule says")

		b.clock.Advance(4 * time.Second)
		_, a = b.pass(t)
		require.Zero(t, a)
		b.clock.Advance(time.Second) // 5 s after the first
		_, a = b.pass(t)
		require.Equal(t, 1, a)

		b.clock.Advance(5*time.Minute - time.Second)
		_, a = b.pass(t)
		require.Zero(t, a)
		b.clock.Advance(time.Second)
		_, a = b.pass(t)
		require.Equal(t, 1, a)
		b.clock.Advance(time.Hour)
		_, a = b.pass(t)
		require.Zero(t, a, "a delivered event is not sent again")

		got := r.requests()
		require.Len(t, got, 3)
		for i, g := range got {
			require.Equal(t, evt.ID, g.header.Get("webhook-id"), "every attempt carries the event id")
			require.Equal(t, "application/json", g.header.Get("Content-Type"))
			sent, err := strconv.ParseInt(g.header.Get("webhook-timestamp"), 10, 64)
			require.NoError(t, err)
			require.NoError(t, webhook.Verify([]string{secret}, g.header, g.body, time.Unix(sent, 0), 0), "attempt %d", i+1)
		}
		require.Equal(t, t0.Unix(), mustUnix(t, got[0]), "the timestamp is the attempt's")
		require.Equal(t, t0.Add(5*time.Second+5*time.Minute).Unix(), mustUnix(t, got[2]))
		body := decode(t, got[0].body)
		require.Equal(t, evt.ID, body["id"])
		require.Equal(t, "event", body["object"])
		require.Equal(t, merchant.EventPaymentSucceeded, body["type"])
		require.Equal(t, float64(evt.Created.Unix()), body["created"])
		require.Equal(t, false, body["livemode"])
		require.Equal(t, map[string]any{"object": map[string]any{"id": "pay_1", "object": "payment", "amount": float64(1250)}}, body["data"])

		log, err := b.svc.Attempts(b.ctx, "mch_a", merchant.Test, evt.ID, ep.ID)
		require.NoError(t, err)
		require.Len(t, log, 3)
		for i, want := range []int{500, 503, 204} {
			require.Equal(t, i+1, log[i].N)
			require.Equal(t, want, log[i].StatusCode)
			require.GreaterOrEqual(t, log[i].Latency, time.Duration(0))
		}
		require.Equal(t, "http_status", log[0].Error)
		require.Equal(t, `{"ok":false}`, log[0].Response)
		require.Empty(t, log[2].Error)
		require.Equal(t, t0.Add(5*time.Second), log[1].At)
		_, err = b.svc.Attempts(b.ctx, "mch_b", merchant.Test, evt.ID, ep.ID)
		require.Equal(t, webhook.EDeliveryNotFound, cashless.ErrorCode(err))

		ds, _, err := b.svc.Deliveries(b.ctx, webhook.DeliveryFilter{MerchantID: "mch_a", Mode: merchant.Test, EndpointID: ep.ID}, cashless.Page{})
		require.NoError(t, err)
		require.Len(t, ds, 1)
		require.Equal(t, webhook.StatusSucceeded, ds[0].Status)
		require.Equal(t, 3, ds[0].Attempts)
		require.Equal(t, 204, ds[0].LastCode)
		require.Equal(t, t0, ds[0].FirstTry)
	})
}

func mustUnix(t *testing.T, r received) int64 {
	t.Helper()
	v, err := strconv.ParseInt(r.header.Get("webhook-timestamp"), 10, 64)
	require.NoError(t, err)
	return v
}

func TestDeliveryGivesUpAfterWindow(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldbtest.URL(t, sqldb.SQLite), func(o *webhook.Options) {
		o.Schedule = []time.Duration{0, time.Hour}
		o.Window = 3 * time.Hour
	})
	r := newReceiver(t, 500)
	ep, _ := b.endpoint(t, "mch_a", r.URL)
	evt := b.event(t, "mch_a", merchant.Test, merchant.EventPayoutPaid)
	for range 10 {
		b.pass(t)
		b.clock.Advance(time.Hour)
	}
	require.Len(t, r.requests(), 4, "at 0, 1 h, 2 h and 3 h; 4 h is past the window")
	ds, _, err := b.svc.Deliveries(b.ctx, webhook.DeliveryFilter{MerchantID: "mch_a", Mode: merchant.Test, EventID: evt.ID}, cashless.Page{})
	require.NoError(t, err)
	require.Len(t, ds, 1)
	require.Equal(t, ep.ID, ds[0].EndpointID)
	require.Equal(t, webhook.StatusFailed, ds[0].Status)
	require.True(t, ds[0].NextTry.IsZero())
}

func TestDefaultScheduleSpansThreeDays(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldbtest.URL(t, sqldb.SQLite))
	r := newReceiver(t, 500)
	ep, _ := b.endpoint(t, "mch_a", r.URL)
	b.event(t, "mch_a", merchant.Test, merchant.EventPayoutPaid)
	var at []time.Duration
	for range 4 * 24 * 60 / 5 { // 4 days in 5-minute steps, 5 s steps first
		if _, a := b.pass(t); a > 0 {
			at = append(at, b.clock.Now().Sub(t0))
		}
		if b.clock.Now().Sub(t0) < time.Minute {
			b.clock.Advance(5 * time.Second)
		} else {
			b.clock.Advance(5 * time.Minute)
		}
	}
	require.Equal(t, []time.Duration{0, 5 * time.Second}, at[:2])
	// 0, 5 s, ~5 min, ~30 min, ~2 h, ~5 h, then every 10 h: the 13th
	// attempt would fall past the 3 days.
	require.Len(t, at, 12, "%v", at)
	require.Equal(t, 67*time.Hour+36*time.Minute, at[11])
	ds, _, err := b.svc.Deliveries(b.ctx, webhook.DeliveryFilter{MerchantID: "mch_a", Mode: merchant.Test, EndpointID: ep.ID}, cashless.Page{})
	require.NoError(t, err)
	require.Equal(t, webhook.StatusFailed, ds[0].Status)
}
