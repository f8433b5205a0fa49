package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/internal/testclock"
	"github.com/cashless-dev/cashless/merchant"
	merchantstore "github.com/cashless-dev/cashless/merchant/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/vault"
	vaultstore "github.com/cashless-dev/cashless/vault/sqlstore"
	"github.com/cashless-dev/cashless/webhook"
	"github.com/cashless-dev/cashless/webhook/sqlstore"
)

// t0 has a microsecond part so that lost precision shows.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 123_456_000, time.UTC)

type testBundle struct {
	ctx   context.Context
	url   string
	db    *sqldb.DB
	store *sqlstore.Store
	vault *vault.Vault
	clock *testclock.Clock
	svc   *webhook.Service
	// resolve answers the service's host lookups; tests swap it.
	resolve atomic.Pointer[webhook.Resolver]
	mu      sync.Mutex
	off     []*webhook.Endpoint // told by OnDisabled
}

func setup(t *testing.T, url string, opts ...func(*webhook.Options)) *testBundle {
	t.Helper()
	ctx := t.Context()
	db, err := sqldb.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, merchantstore.Migrate(ctx, db))
	require.NoError(t, sqlstore.Migrate(ctx, db))
	require.NoError(t, vaultstore.Migrate(ctx, db, "webhook"))
	keeper, err := vault.LocalKeyFile(filepath.Join(t.TempDir(), "keys"))
	require.NoError(t, err)
	v, err := vault.Open(ctx, keeper, vaultstore.New(db, "webhook"))
	require.NoError(t, err)
	t.Cleanup(func() { v.Close() })
	b := &testBundle{ctx: ctx, url: url, db: db, store: sqlstore.New(db), vault: v, clock: testclock.New(t0)}
	var sys webhook.Resolver = func(ctx context.Context, host string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	b.resolve.Store(&sys)
	o := webhook.Options{
		Now:    b.clock.Now,
		Logger: slog.New(slog.DiscardHandler),
		Resolve: func(ctx context.Context, host string) ([]netip.Addr, error) {
			return (*b.resolve.Load())(ctx, host)
		},
		OnDisabled: func(_ context.Context, e *webhook.Endpoint) {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.off = append(b.off, e)
		},
	}
	for _, f := range opts {
		f(&o)
	}
	b.svc = webhook.New(b.store, v, o)
	t.Cleanup(b.svc.Close)
	return b
}

// setResolver makes every host resolve to addr.
func (b *testBundle) setResolver(addr string) {
	var r webhook.Resolver = func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr(addr)}, nil
	}
	b.resolve.Store(&r)
}

// event writes an event into the merchant outbox, as the merchant
// service does, and returns it.
func (b *testBundle) event(t *testing.T, merchantID string, mode merchant.Mode, typ string) merchant.Event {
	t.Helper()
	e := merchant.Event{ID: id.New(id.Event), MerchantID: merchantID, Mode: mode, Type: typ,
		Data: []byte(`{"id":"pay_1","object":"payment","amount":1250}`), Created: b.clock.Now()}
	_, err := b.db.Write.ExecContext(b.ctx, `INSERT INTO merchant_events (id, merchant_id, mode, type, data, created_us) VALUES (?, ?, ?, ?, ?, ?)`,
		e.ID, e.MerchantID, string(e.Mode), e.Type, e.Data, sqldb.Micros(e.Created))
	require.NoError(t, err)
	return e
}

func (b *testBundle) endpoint(t *testing.T, merchantID, url string, events ...string) (*webhook.Endpoint, string) {
	t.Helper()
	if len(events) == 0 {
		events = []string{"*"}
	}
	e, secret, err := b.svc.CreateEndpoint(b.ctx, webhook.EndpointParams{MerchantID: merchantID, Mode: merchant.Test, URL: url, Events: events})
	require.NoError(t, err)
	return e, secret
}

func (b *testBundle) pass(t *testing.T) (int, int) {
	t.Helper()
	d, a, err := b.svc.Pass(b.ctx)
	require.NoError(t, err)
	return d, a
}

// received is one request a receiver got.
type received struct {
	header http.Header
	body   []byte
}

// receiver is a local HTTP server that answers with the codes in turn
// (the last one repeating) and keeps what it received.
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	codes []int
	got   []received
}

func newReceiver(t *testing.T, codes ...int) *receiver {
	r := &receiver{codes: codes}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), body})
		code := r.codes[min(len(r.got), len(r.codes))-1]
		r.mu.Unlock()
		w.WriteHeader(code)
		w.Write([]byte(`{"ok":` + map[bool]string{true: "true", false: "false"}[code < 300] + `}`))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m))
	return m
}

// redirectTo answers every request with a redirect to url.
func redirectTo(url string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, url, http.StatusFound)
	})
}
