package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/idempotency/sqlstore"
	"github.com/cashless-dev/cashless/internal/syncbuf"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// testBundle is a server over the fakes and a real idempotency store on
// SQLite, with a hand-moved clock and a captured log.
type testBundle struct {
	srv    *Server
	ids    *fakeIdentity
	wallet *fakeWallet
	mch    *fakeMerchants
	keys   *fakeKeys
	idem   *sqlstore.Store
	logs   *syncbuf.Buffer
	now    atomic.Int64 // unix microseconds
}

func (tb *testBundle) advance(d time.Duration) { tb.now.Add(d.Microseconds()) }

type option func(*Options)

func setup(t *testing.T, opts ...option) *testBundle {
	t.Helper()
	return setupOn(t, sqldbtest.URL(t, sqldb.SQLite), opts...)
}

func setupOn(t *testing.T, url string, opts ...option) *testBundle {
	t.Helper()
	ctx := context.Background()
	tb := &testBundle{ids: newFakeIdentity(), logs: &syncbuf.Buffer{}, mch: newFakeMerchants(), keys: newFakeKeys()}
	tb.now.Store(t0.UnixMicro())
	tb.wallet = newFakeWallet(tb.ids)
	now := func() time.Time { return time.UnixMicro(tb.now.Load()).UTC() }
	db, err := sqldb.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, sqlstore.Migrate(ctx, db))
	tb.idem = sqlstore.New(db, sqlstore.Options{Now: now})
	t.Cleanup(tb.idem.Close)
	o := Options{
		Identity:    tb.ids,
		Wallet:      tb.wallet,
		Idempotency: tb.idem,
		Merchants:   tb.mch,
		APIKeys:     tb.keys,
		Logger:      slog.New(slog.NewJSONHandler(tb.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:         now,
		BaseURL:     "https://pay.example.com/",
	}
	for _, f := range opts {
		f(&o)
	}
	tb.srv, err = New(o)
	require.NoError(t, err)
	return tb
}

// req is one request to send.
type req struct {
	method, path string
	body         string
	token        string // "" sends no Authorization; "-" neither
	key          string
	header       map[string]string
}

// do sends a request as Alice unless the token says otherwise.
func (tb *testBundle) do(t *testing.T, r req) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = bytes.NewBufferString(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	hr.RemoteAddr = "192.0.2.1:40000"
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	switch r.token {
	case "":
		hr.Header.Set("Authorization", "Bearer tok-usr_alice")
	case "-":
	default:
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.key != "" {
		hr.Header.Set("Idempotency-Key", r.key)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	tb.srv.ServeHTTP(w, hr)
	return w
}

// errorOf decodes an error response.
func errorOf(t *testing.T, w *httptest.ResponseRecorder) ErrorBody {
	t.Helper()
	var e ErrorResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e), w.Body.String())
	require.NotEmpty(t, e.Error.Code, w.Body.String())
	return e.Error
}

// requireError checks an error response's status, code and param.
func requireError(t *testing.T, w *httptest.ResponseRecorder, status int, code, param string) {
	t.Helper()
	require.Equal(t, status, w.Code, w.Body.String())
	e := errorOf(t, w)
	require.Equal(t, code, e.Code, w.Body.String())
	if param != "" {
		require.Equal(t, param, e.Param, w.Body.String())
	}
	require.Equal(t, "application/json", w.Header().Get("Content-Type"))
}

func withRateLimit(rl RateLimit) option { return func(o *Options) { o.RateLimit = rl } }

var _ http.Handler = (*Server)(nil)

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
