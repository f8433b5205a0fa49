package webhook_test

import (
	"encoding/json"
	"log/slog"
	"net"
	"strconv"
	"strings"
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

func TestRedeliverKeepsWebhookID(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		r := newReceiver(t, 200, 500, 200)
		ep, _ := b.endpoint(t, "mch_a", r.URL)
		evt := b.event(t, "mch_a", merchant.Test, merchant.EventPaymentSucceeded)
		b.pass(t)

		b.clock.Advance(time.Minute)
		a, err := b.svc.Redeliver(b.ctx, "mch_a", merchant.Test, evt.ID, ep.ID)
		require.NoError(t, err)
		require.Equal(t, 2, a.N)
		require.Equal(t, 500, a.StatusCode)
		require.True(t, a.Manual)
		a, err = b.svc.Redeliver(b.ctx, "mch_a", merchant.Test, evt.ID, ep.ID)
		require.NoError(t, err)
		require.Equal(t, 3, a.N)
		require.Equal(t, 200, a.StatusCode)

		got := r.requests()
		require.Len(t, got, 3)
		for _, g := range got {
			require.Equal(t, evt.ID, g.header.Get("webhook-id"))
		}
		require.Equal(t, t0.Add(time.Minute).Unix(), mustUnix(t, got[1]), "a redelivery is signed at its own time")
		_, a2 := b.pass(t)
		require.Zero(t, a2, "a failed manual attempt schedules nothing new")
		ds, _, err := b.svc.Deliveries(b.ctx, webhook.DeliveryFilter{MerchantID: "mch_a", Mode: merchant.Test, EventID: evt.ID}, cashless.Page{})
		require.NoError(t, err)
		require.Equal(t, webhook.StatusSucceeded, ds[0].Status)
		log, err := b.svc.Attempts(b.ctx, "mch_a", merchant.Test, evt.ID, ep.ID)
		require.NoError(t, err)
		require.Len(t, log, 3)
		require.Equal(t, []bool{false, true, true}, []bool{log[0].Manual, log[1].Manual, log[2].Manual})

		_, err = b.svc.Redeliver(b.ctx, "mch_b", merchant.Test, evt.ID, ep.ID)
		require.Equal(t, webhook.EEndpointNotFound, cashless.ErrorCode(err), "another merchant cannot redeliver")
		_, err = b.svc.Redeliver(b.ctx, "mch_a", merchant.Test, "evt_nope", ep.ID)
		require.Equal(t, webhook.EDeliveryNotFound, cashless.ErrorCode(err))
	})
}

func TestRotationOverlap(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		r := newReceiver(t, 200)
		ep, old := b.endpoint(t, "mch_a", r.URL)
		fresh, err := b.svc.RotateSecret(b.ctx, "mch_a", merchant.Test, ep.ID, 2*time.Hour)
		require.NoError(t, err)
		require.NotEqual(t, old, fresh)

		b.event(t, "mch_a", merchant.Test, merchant.EventPaymentSucceeded)
		b.pass(t)
		b.clock.Advance(2*time.Hour + time.Second)
		b.event(t, "mch_a", merchant.Test, merchant.EventRefundSucceeded)
		b.pass(t)

		got := r.requests()
		require.Len(t, got, 2)
		during, after := got[0], got[1]
		at := func(g received) time.Time { return time.Unix(mustUnix(t, g), 0) }
		require.Len(t, strings.Fields(during.header.Get("webhook-signature")), 2, "both secrets sign during the overlap")
		require.NoError(t, webhook.Verify([]string{old}, during.header, during.body, at(during), 0))
		require.NoError(t, webhook.Verify([]string{fresh}, during.header, during.body, at(during), 0))
		require.Len(t, strings.Fields(after.header.Get("webhook-signature")), 1, "the old secret has expired")
		require.NoError(t, webhook.Verify([]string{fresh}, after.header, after.body, at(after), 0))
		require.Equal(t, webhook.EInvalidSignature, cashless.ErrorCode(webhook.Verify([]string{old}, after.header, after.body, at(after), 0)))
	})
}

func TestDisableAfterFailingSpan(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, func(o *webhook.Options) {
			o.Schedule = []time.Duration{0, time.Hour}
			o.Window = 100 * time.Hour
			o.DisableAfter = 5 * time.Hour
		})
		bad := newReceiver(t, 500)
		good := newReceiver(t, 200)
		ep, _ := b.endpoint(t, "mch_a", bad.URL)
		b.endpoint(t, "mch_a", good.URL, webhook.EventEndpointDisabled)
		b.event(t, "mch_a", merchant.Test, merchant.EventPaymentSucceeded)
		for range 5 {
			b.pass(t)
			b.clock.Advance(time.Hour)
		}
		got, err := b.svc.Endpoint(b.ctx, "mch_a", merchant.Test, ep.ID)
		require.NoError(t, err)
		require.True(t, got.Enabled, "4 h of failures is not yet 5")
		require.Equal(t, t0, got.FailingSince)

		b.pass(t) // the attempt at 5 h
		got, err = b.svc.Endpoint(b.ctx, "mch_a", merchant.Test, ep.ID)
		require.NoError(t, err)
		require.False(t, got.Enabled)
		b.mu.Lock()
		require.Len(t, b.off, 1)
		require.Equal(t, ep.ID, b.off[0].ID)
		b.mu.Unlock()

		var typ string
		var data []byte
		require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT type, data FROM merchant_events WHERE type = ?`,
			webhook.EventEndpointDisabled).Scan(&typ, &data))
		var obj map[string]any
		require.NoError(t, json.Unmarshal(data, &obj))
		require.Equal(t, ep.ID, obj["id"])

		b.clock.Advance(time.Hour)
		b.pass(t)
		require.Len(t, bad.requests(), 6, "a disabled endpoint gets nothing more")
		require.Len(t, good.requests(), 1, "the merchant's other endpoint hears of it")
		require.Equal(t, webhook.EventEndpointDisabled, decode(t, good.requests()[0].body)["type"])

		// Enabling it again gives it a fresh span.
		on, err := b.svc.SetEnabled(b.ctx, "mch_a", merchant.Test, ep.ID, true)
		require.NoError(t, err)
		require.True(t, on.FailingSince.IsZero())
	})
}

func TestSuccessResetsFailingSpan(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldbtest.URL(t, sqldb.SQLite))
	r := newReceiver(t, 500, 200)
	ep, _ := b.endpoint(t, "mch_a", r.URL)
	b.event(t, "mch_a", merchant.Test, merchant.EventPaymentSucceeded)
	b.pass(t)
	got, err := b.svc.Endpoint(b.ctx, "mch_a", merchant.Test, ep.ID)
	require.NoError(t, err)
	require.Equal(t, t0, got.FailingSince)
	b.clock.Advance(5 * time.Second)
	b.pass(t)
	got, err = b.svc.Endpoint(b.ctx, "mch_a", merchant.Test, ep.ID)
	require.NoError(t, err)
	require.True(t, got.FailingSince.IsZero())
}

func TestRebindingRefusedAtDelivery(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldbtest.URL(t, sqldb.SQLite))
	r := newReceiver(t, 200)
	_, p, err := net.SplitHostPort(r.Listener.Addr().String())
	require.NoError(t, err)

	// A live endpoint whose name resolves to a public address when it is
	// created, and to loopback when it is dialed.
	b.setResolver("93.184.216.34")
	live, _, err := b.svc.CreateEndpoint(b.ctx, webhook.EndpointParams{MerchantID: "mch_a", Mode: merchant.Live,
		URL: "https://rebind.example:" + p + "/hook", Events: []string{"*"}})
	require.NoError(t, err)
	// A test endpoint whose name turns into the metadata address.
	test, _, err := b.svc.CreateEndpoint(b.ctx, webhook.EndpointParams{MerchantID: "mch_a", Mode: merchant.Test,
		URL: "http://rebind.example:" + p + "/hook", Events: []string{"*"}})
	require.NoError(t, err)

	b.setResolver("127.0.0.1")
	liveEvt := b.event(t, "mch_a", merchant.Live, merchant.EventPaymentSucceeded)
	b.pass(t)
	b.setResolver("169.254.169.254")
	testEvt := b.event(t, "mch_a", merchant.Test, merchant.EventPaymentSucceeded)
	b.pass(t)
	require.Empty(t, r.requests(), "no request reached the receiver")

	for _, c := range []struct {
		mode merchant.Mode
		evt  string
		ep   string
	}{{merchant.Live, liveEvt.ID, live.ID}, {merchant.Test, testEvt.ID, test.ID}} {
		log, err := b.svc.Attempts(b.ctx, "mch_a", c.mode, c.evt, c.ep)
		require.NoError(t, err)
		require.Len(t, log, 1)
		require.Equal(t, "address_not_allowed", log[0].Error)
		require.Zero(t, log[0].StatusCode)
	}

	// The same test endpoint on loopback is fine: local development.
	b.setResolver("127.0.0.1")
	b.clock.Advance(5 * time.Second)
	b.pass(t)
	require.Len(t, r.requests(), 1)
}

func TestNoRedirects(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldbtest.URL(t, sqldb.SQLite))
	target := newReceiver(t, 200)
	r := newReceiver(t, 200)
	r.Config.Handler = redirectTo(target.URL)
	ep, _ := b.endpoint(t, "mch_a", r.URL)
	evt := b.event(t, "mch_a", merchant.Test, merchant.EventPaymentSucceeded)
	b.pass(t)
	require.Empty(t, target.requests())
	log, err := b.svc.Attempts(b.ctx, "mch_a", merchant.Test, evt.ID, ep.ID)
	require.NoError(t, err)
	require.Equal(t, 302, log[0].StatusCode)
	require.Equal(t, "http_status", log[0].Error)
}

func TestTwoDeliverersSendOnce(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		r := newReceiver(t, 200)
		b.endpoint(t, "mch_a", r.URL)
		const n = 40
		for range n {
			b.event(t, "mch_a", merchant.Test, merchant.EventPaymentSucceeded)
		}
		db2, err := sqldb.Open(b.ctx, url)
		require.NoError(t, err)
		defer db2.Close()
		second := webhook.New(sqlstore.New(db2), b.vault, webhook.Options{Now: b.clock.Now, Logger: slog.New(slog.DiscardHandler)})
		defer second.Close()
		var wg sync.WaitGroup
		for _, s := range []*webhook.Service{b.svc, second} {
			wg.Go(func() {
				for range 3 {
					_, _, err := s.Pass(b.ctx)
					require.NoError(t, err)
				}
			})
		}
		wg.Wait()
		ids := map[string]int{}
		for _, g := range r.requests() {
			ids[g.header.Get("webhook-id")]++
		}
		require.Len(t, ids, n)
		for id, c := range ids {
			require.Equal(t, 1, c, strconv.Quote(id))
		}
	})
}
