package sqlstore_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/idempotency"
	"github.com/cashless-dev/cashless/idempotency/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// testBundle is a migrated store on a fresh database with a clock the test
// moves by hand.
type testBundle struct {
	ctx   context.Context
	db    *sqldb.DB
	store *sqlstore.Store
	now   atomic.Int64 // unix microseconds
}

func (tb *testBundle) advance(d time.Duration) { tb.now.Add(d.Microseconds()) }

func setup(t *testing.T, url string) *testBundle {
	t.Helper()
	tb := &testBundle{ctx: context.Background()}
	tb.now.Store(time.Date(2026, 3, 4, 5, 6, 7, 123_456_000, time.UTC).UnixMicro())
	db, err := sqldb.Open(tb.ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, sqlstore.Migrate(tb.ctx, db))
	require.NoError(t, sqlstore.Migrate(tb.ctx, db), "migrations run twice")
	tb.db = db
	tb.store = sqlstore.New(db, sqlstore.Options{
		Now:   func() time.Time { return time.UnixMicro(tb.now.Load()) },
		Lease: 30 * time.Second,
		TTL:   24 * time.Hour,
	})
	t.Cleanup(tb.store.Close)
	return tb
}

func eachDialect(t *testing.T, fn func(t *testing.T, tb *testBundle)) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		fn(t, setup(t, url))
	})
}

func request(key, body string) idempotency.Request {
	return idempotency.Request{Scope: "usr_01", Key: key, Fingerprint: idempotency.Fingerprint("POST", "/v1/transfers", []byte(body))}
}

func TestBeginCompleteReplay(t *testing.T) {
	eachDialect(t, func(t *testing.T, tb *testBundle) {
		req := request("k1", `{"amount":1}`)
		b, err := tb.store.Begin(tb.ctx, req)
		require.NoError(t, err)
		require.NotEmpty(t, b.Token)
		require.Nil(t, b.Replay)

		require.NoError(t, tb.store.Complete(tb.ctx, req, b.Token, idempotency.Response{Status: 201, Body: []byte(`{"id":"tr_1","message":"🍜 點心"}`)}))

		again, err := tb.store.Begin(tb.ctx, req)
		require.NoError(t, err)
		require.Empty(t, again.Token)
		require.Equal(t, &idempotency.Response{Status: 201, Body: []byte(`{"id":"tr_1","message":"🍜 點心"}`)}, again.Replay)

		// The same key with another body, or a completed attempt finished
		// twice, is refused.
		_, err = tb.store.Begin(tb.ctx, request("k1", `{"amount":2}`))
		require.Equal(t, idempotency.EKeyReused, cashless.ErrorCode(err))
		require.ErrorIs(t, tb.store.Complete(tb.ctx, req, b.Token, idempotency.Response{Status: 200}), idempotency.ErrLeaseLost)

		// Keys are case-sensitive and scoped to the caller.
		other, err := tb.store.Begin(tb.ctx, request("K1", `{"amount":1}`))
		require.NoError(t, err)
		require.NotEmpty(t, other.Token)
		scoped := req
		scoped.Scope = "usr_02"
		other, err = tb.store.Begin(tb.ctx, scoped)
		require.NoError(t, err)
		require.NotEmpty(t, other.Token)
	})
}

func TestInFlightLease(t *testing.T) {
	eachDialect(t, func(t *testing.T, tb *testBundle) {
		req := request("k", `{}`)
		first, err := tb.store.Begin(tb.ctx, req)
		require.NoError(t, err)

		_, err = tb.store.Begin(tb.ctx, req)
		require.Equal(t, idempotency.EKeyInUse, cashless.ErrorCode(err))
		_, err = tb.store.Begin(tb.ctx, request("k", `{"other":1}`))
		require.Equal(t, idempotency.EKeyReused, cashless.ErrorCode(err), "a different body is reused even while in flight")

		// The first attempt's process dies: after the lease, a retry of the
		// same request takes over, and the first can no longer complete.
		tb.advance(30 * time.Second)
		_, err = tb.store.Begin(tb.ctx, request("k", `{"other":1}`))
		require.Equal(t, idempotency.EKeyReused, cashless.ErrorCode(err))
		second, err := tb.store.Begin(tb.ctx, req)
		require.NoError(t, err)
		require.NotEqual(t, first.Token, second.Token)
		require.ErrorIs(t, tb.store.Complete(tb.ctx, req, first.Token, idempotency.Response{Status: 201}), idempotency.ErrLeaseLost)
		require.ErrorIs(t, tb.store.Release(tb.ctx, req, first.Token), idempotency.ErrLeaseLost)
		require.NoError(t, tb.store.Complete(tb.ctx, req, second.Token, idempotency.Response{Status: 201, Body: []byte(`{}`)}))
	})
}

func TestReleaseLetsRetryRun(t *testing.T) {
	eachDialect(t, func(t *testing.T, tb *testBundle) {
		req := request("k", `{}`)
		first, err := tb.store.Begin(tb.ctx, req)
		require.NoError(t, err)
		require.NoError(t, tb.store.Release(tb.ctx, req, first.Token))

		// A released key runs again, even with a corrected body (a step-up
		// retry adds its TOTP code).
		fixed := request("k", `{"totp_code":"123456"}`)
		second, err := tb.store.Begin(tb.ctx, fixed)
		require.NoError(t, err)
		require.NotEmpty(t, second.Token)
		require.NoError(t, tb.store.Complete(tb.ctx, fixed, second.Token, idempotency.Response{Status: 402, Body: []byte(`{"e":1}`)}))
		got, err := tb.store.Begin(tb.ctx, fixed)
		require.NoError(t, err)
		require.Equal(t, 402, got.Replay.Status)
		require.Equal(t, `{"e":1}`, string(got.Replay.Body))
	})
}

func TestExpiryAndPurge(t *testing.T) {
	eachDialect(t, func(t *testing.T, tb *testBundle) {
		for _, k := range []string{"a", "b", "c"} {
			b, err := tb.store.Begin(tb.ctx, request(k, k))
			require.NoError(t, err)
			require.NoError(t, tb.store.Complete(tb.ctx, request(k, k), b.Token, idempotency.Response{Status: 200, Body: []byte(k)}))
			tb.advance(time.Hour)
		}
		// After 24 h the first record is expired: a new request with its key
		// runs, before or without a purge.
		tb.advance(22 * time.Hour)
		fresh, err := tb.store.Begin(tb.ctx, request("a", "new body"))
		require.NoError(t, err)
		require.NotEmpty(t, fresh.Token)

		tb.advance(30 * time.Minute) // "b" expires too, "c" not yet
		n, err := tb.store.Purge(tb.ctx, 10)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		var left int
		require.NoError(t, tb.db.Read.QueryRowContext(tb.ctx, `SELECT COUNT(*) FROM api_idempotency`).Scan(&left))
		require.Equal(t, 2, left)

		tb.advance(48 * time.Hour)
		n, err = tb.store.Purge(tb.ctx, 1)
		require.NoError(t, err)
		require.Equal(t, 1, n, "the limit bounds one purge")
		n, err = tb.store.Purge(tb.ctx, 10)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
}

// TestConcurrentBegin fires many Begins of one key at once: exactly one
// runs; the others are told the key is in use.
func TestConcurrentBegin(t *testing.T) {
	eachDialect(t, func(t *testing.T, tb *testBundle) {
		req := request("same", `{"amount":100}`)
		const n = 24
		var wg sync.WaitGroup
		var started, inUse atomic.Int32
		var token atomic.Value
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := tb.store.Begin(tb.ctx, req)
				switch {
				case err == nil && b.Token != "":
					started.Add(1)
					token.Store(b.Token)
				case cashless.ErrorCode(err) == idempotency.EKeyInUse:
					inUse.Add(1)
				default:
					t.Errorf("unexpected outcome %+v, %v", b, err)
				}
			}()
		}
		wg.Wait()
		require.EqualValues(t, 1, started.Load())
		require.EqualValues(t, n-1, inUse.Load())
		require.NoError(t, tb.store.Complete(tb.ctx, req, token.Load().(string), idempotency.Response{Status: 201, Body: []byte("ok")}))
	})
}

// TestScopeChecked refuses an empty scope and one wider than the column,
// as an internal error, before writing anything.
func TestScopeChecked(t *testing.T) {
	eachDialect(t, func(t *testing.T, tb *testBundle) {
		for _, tc := range []struct {
			scope, want string
		}{
			{"", "scope of 0 bytes"},
			{strings.Repeat("u", 65), "scope of 65 bytes"},
		} {
			req := request("k", "")
			req.Scope = tc.scope
			_, err := tb.store.Begin(tb.ctx, req)
			require.ErrorContains(t, err, tc.want)
			require.Equal(t, cashless.EInternal, cashless.ErrorCode(err))
		}
		var rows int
		require.NoError(t, tb.db.Read.QueryRowContext(tb.ctx, `SELECT COUNT(*) FROM api_idempotency`).Scan(&rows))
		require.Zero(t, rows)

		// The widest scope the column holds is taken.
		req := request("k", "")
		req.Scope = strings.Repeat("u", 64)
		b, err := tb.store.Begin(tb.ctx, req)
		require.NoError(t, err)
		require.NotEmpty(t, b.Token)
	})
}
