package sqlstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/idempotency"
	"github.com/cashless-dev/cashless/idempotency/sqlstore"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// ambiguousBundle is a store whose group commits through an
// sqldbtest.Ambiguous, so that a test can make a shared commit report an
// error after it committed and every call of it run again.
type ambiguousBundle struct {
	*testBundle
	amb *sqldbtest.Ambiguous
}

func eachDialectAmbiguous(t *testing.T, fn func(t *testing.T, b *ambiguousBundle)) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		tb := setup(t, url)
		// A second store on the same database, made after the hook.
		amb := sqldbtest.NewAmbiguous(tb.db)
		tb.store = sqlstore.New(tb.db, sqlstore.Options{
			Now:   func() time.Time { return time.UnixMicro(tb.now.Load()) },
			Lease: 30 * time.Second,
			TTL:   24 * time.Hour,
		})
		t.Cleanup(tb.store.Close)
		fn(t, &ambiguousBundle{testBundle: tb, amb: amb})
	})
}

// run runs op in a shared transaction whose commit reports an error after
// committing, so that op's call runs again alone, and returns op's error.
func (b *ambiguousBundle) run(t *testing.T, op func() error) error {
	t.Helper()
	purge := func() error { _, err := b.store.Purge(b.ctx, 1); return err }
	return b.amb.Run(t, purge, op)[0]
}

// A Begin run again after its commit was lost finds its own record in
// flight and takes it, rather than refusing its own key as in use.
func TestBeginAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		req := request("k", `{"amount":1}`)
		var begun idempotency.Begun
		require.NoError(t, b.run(t, func() (err error) { begun, err = b.store.Begin(b.ctx, req); return err }))
		require.NotEmpty(t, begun.Token)
		require.Nil(t, begun.Replay)

		// The key stays this attempt's: another Begin is refused, and the
		// attempt completes with its token.
		_, err := b.store.Begin(b.ctx, req)
		require.ErrorContains(t, err, "still in progress")
		require.NoError(t, b.store.Complete(b.ctx, req, begun.Token, idempotency.Response{Status: 201, Body: []byte(`{"id":"tr_1"}`)}))
		again, err := b.store.Begin(b.ctx, req)
		require.NoError(t, err)
		require.Equal(t, &idempotency.Response{Status: 201, Body: []byte(`{"id":"tr_1"}`)}, again.Replay)
	})
}

// A Begin that takes over a released record, run again after its commit
// was lost, also finds the record its own.
func TestBeginTakeOverAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		req := request("k", `{}`)
		first, err := b.store.Begin(b.ctx, req)
		require.NoError(t, err)
		require.NoError(t, b.store.Release(b.ctx, req, first.Token))

		var second idempotency.Begun
		require.NoError(t, b.run(t, func() (err error) { second, err = b.store.Begin(b.ctx, req); return err }))
		require.NotEmpty(t, second.Token)
		require.NotEqual(t, first.Token, second.Token)
		require.NoError(t, b.store.Complete(b.ctx, req, second.Token, idempotency.Response{Status: 200}))
	})
}

// Complete and Release run again after their commit was lost find the
// record already as they left it and succeed, rather than reporting a
// lost lease; the stored answer is the one given.
func TestFinishAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		req := request("done", `{}`)
		begun, err := b.store.Begin(b.ctx, req)
		require.NoError(t, err)
		res := idempotency.Response{Status: 201, Body: []byte(`{"id":"tr_2"}`)}
		require.NoError(t, b.run(t, func() error { return b.store.Complete(b.ctx, req, begun.Token, res) }))
		replay, err := b.store.Begin(b.ctx, req)
		require.NoError(t, err)
		require.Equal(t, &res, replay.Replay)
		require.ErrorIs(t, b.store.Complete(b.ctx, req, begun.Token, idempotency.Response{Status: 500}), idempotency.ErrLeaseLost,
			"another answer for a completed attempt is still refused")

		empty := request("empty", `{}`)
		begun, err = b.store.Begin(b.ctx, empty)
		require.NoError(t, err)
		require.NoError(t, b.run(t, func() error { return b.store.Complete(b.ctx, empty, begun.Token, idempotency.Response{Status: 204}) }))

		rel := request("released", `{}`)
		begun, err = b.store.Begin(b.ctx, rel)
		require.NoError(t, err)
		require.NoError(t, b.run(t, func() error { return b.store.Release(b.ctx, rel, begun.Token) }))
		next, err := b.store.Begin(b.ctx, rel)
		require.NoError(t, err)
		require.NotEmpty(t, next.Token, "the released key runs again")
	})
}
