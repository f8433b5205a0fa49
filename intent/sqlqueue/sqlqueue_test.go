package sqlqueue_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/intent/sqlqueue"
	"github.com/cashless-dev/cashless/intent/sqlqueue/sqlqueuetest"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// t0 is the time the tests start at; leases are set around it.
var t0 = time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC)

// queueBundle is a queue over a table of its own: the four columns the
// package documents, plus an id and a status.
type queueBundle struct {
	ctx   context.Context
	db    *sqldb.DB
	queue *sqlqueue.Queue
}

func setup(t *testing.T, url string) *queueBundle {
	t.Helper()
	db, _, queue := sqlqueuetest.New(t, url)
	return &queueBundle{ctx: context.Background(), db: db, queue: queue}
}

// add stores an intent with a status and the end of its last lease.
func (b *queueBundle) add(t *testing.T, id, status string, until time.Time) {
	t.Helper()
	_, err := b.db.Write.ExecContext(b.ctx, `INSERT INTO intents (id, status, lease_until_us) VALUES (?, ?, ?)`,
		id, status, sqldb.Micros(until))
	require.NoError(t, err)
}

// row is an intent's queue columns as stored.
type row struct {
	Token  string
	Until  time.Time
	Tries  int
	Parked string
}

func (b *queueBundle) row(t *testing.T, id string) row {
	t.Helper()
	var r row
	var until int64
	require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT lease_token, lease_until_us, tries, parked FROM intents WHERE id = ?`, id).
		Scan(&r.Token, &until, &r.Tries, &r.Parked))
	r.Until = sqldb.FromMicros(until)
	return r
}

func (b *queueBundle) claim(t *testing.T, id string, l intent.Lease, now time.Time) bool {
	t.Helper()
	ok, err := b.queue.Claim(b.ctx, id, l, now)
	require.NoError(t, err)
	return ok
}

func dueIDs(t *testing.T, due []intent.Due) []string {
	t.Helper()
	ids := make([]string, len(due))
	for i, d := range due {
		ids[i] = d.ID
	}
	return ids
}

func TestDue(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		b.add(t, "late", "open", t0.Add(-time.Second))
		b.add(t, "later", "open", t0.Add(-time.Millisecond))
		b.add(t, "latest", "open", t0.Add(-time.Hour))
		b.add(t, "held", "open", t0.Add(time.Second))
		b.add(t, "edge", "open", t0) // a lease ending now has not ended before now
		b.add(t, "done", "done", time.Time{})
		b.add(t, "parked", "open", time.Time{})
		require.True(t, b.claim(t, "parked", intent.NewLease(t0), t0))
		parked, err := b.queue.Tried(b.ctx, "parked", b.leaseOf(t, "parked"), t0.Add(-time.Minute), 1, "stuck")
		require.NoError(t, err)
		require.True(t, parked)

		due, err := b.queue.Due(b.ctx, t0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"latest", "late", "later"}, dueIDs(t, due), "the longest-lapsed first; not held, finished or parked")
		require.Zero(t, due[0].Tries)

		due, err = b.queue.Due(b.ctx, t0, 2)
		require.NoError(t, err)
		require.Equal(t, []string{"latest", "late"}, dueIDs(t, due), "limit bounds the answer")

		n, err := b.queue.Parked(b.ctx)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})
}

// leaseOf returns the lease stored on an intent.
func (b *queueBundle) leaseOf(t *testing.T, id string) intent.Lease {
	t.Helper()
	r := b.row(t, id)
	return intent.Lease{Token: r.Token, Until: r.Until}
}

func TestClaim(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		b.add(t, "it", "open", time.Time{})

		one := intent.NewLease(t0.Add(2 * time.Second))
		require.True(t, b.claim(t, "it", one, t0))
		require.Equal(t, row{Token: one.Token, Until: one.Until}, b.row(t, "it"))

		two := intent.NewLease(t0.Add(time.Hour))
		require.False(t, b.claim(t, "it", two, t0.Add(time.Second)), "held by another driver")
		require.False(t, b.claim(t, "it", two, one.Until), "held up to its end")
		require.Equal(t, one.Token, b.row(t, "it").Token)

		renewed := intent.Lease{Token: one.Token, Until: t0.Add(5 * time.Second)}
		require.True(t, b.claim(t, "it", renewed, t0.Add(time.Second)), "the holder renews its lease")
		require.Equal(t, renewed.Until, b.row(t, "it").Until)
		require.False(t, b.claim(t, "it", two, one.Until.Add(time.Microsecond)), "the renewal holds past the old end")

		require.True(t, b.claim(t, "it", two, renewed.Until.Add(time.Microsecond)), "a lapsed lease passes to another driver")
		require.Equal(t, two.Token, b.row(t, "it").Token)
		stale := intent.Lease{Token: one.Token, Until: t0.Add(time.Hour)}
		require.False(t, b.claim(t, "it", stale, renewed.Until.Add(time.Second)), "the old holder cannot take it back while the new lease runs")
		require.Equal(t, row{Token: two.Token, Until: two.Until}, b.row(t, "it"))

		b.add(t, "done", "done", time.Time{})
		require.False(t, b.claim(t, "done", intent.NewLease(t0.Add(time.Second)), t0), "a finished intent")
		require.False(t, b.claim(t, "missing", intent.NewLease(t0.Add(time.Second)), t0), "no such intent")
	})
}

func TestTried(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		b.add(t, "it", "open", time.Time{})
		lost := intent.NewLease(t0.Add(time.Second))
		require.True(t, b.claim(t, "it", lost, t0))
		holder := intent.NewLease(t0.Add(time.Hour))
		require.True(t, b.claim(t, "it", holder, t0.Add(2*time.Second)))

		t.Run("a lease that lost the intent changes nothing", func(t *testing.T) {
			parked, err := b.queue.Tried(b.ctx, "it", lost, t0.Add(time.Minute), 1, "late driver")
			require.NoError(t, err)
			require.False(t, parked)
			require.Equal(t, row{Token: holder.Token, Until: holder.Until}, b.row(t, "it"))
		})

		t.Run("the holder's tries count up to parking", func(t *testing.T) {
			retry := t0.Add(time.Minute)
			parked, err := b.queue.Tried(b.ctx, "it", holder, retry, 2, "first")
			require.NoError(t, err)
			require.False(t, parked)
			require.Equal(t, row{Until: retry, Tries: 1}, b.row(t, "it"), "the try ends the lease")
			parked, err = b.queue.Tried(b.ctx, "it", holder, retry, 2, "again")
			require.NoError(t, err)
			require.False(t, parked)
			require.Equal(t, row{Until: retry, Tries: 1}, b.row(t, "it"), "one try per lease: a run again counts once")

			next := intent.NewLease(retry.Add(time.Hour))
			require.False(t, b.claim(t, "it", next, retry.Add(-time.Second)), "it waits until retry")
			require.True(t, b.claim(t, "it", next, retry.Add(time.Second)))
			parked, err = b.queue.Tried(b.ctx, "it", next, retry.Add(time.Minute), 2, "second")
			require.NoError(t, err)
			require.True(t, parked)
			require.Equal(t, row{Until: retry.Add(time.Minute), Tries: 2, Parked: "second"}, b.row(t, "it"))

			require.False(t, b.claim(t, "it", intent.NewLease(t0.Add(time.Hour)), t0.Add(time.Hour)), "a parked intent is never claimed")
			require.False(t, b.claim(t, "it", next, t0), "not even by the lease that parked it")
			n, err := b.queue.Parked(b.ctx)
			require.NoError(t, err)
			require.Equal(t, 1, n)
		})

		t.Run("a finished intent is not tried", func(t *testing.T) {
			b.add(t, "done", "open", time.Time{})
			l := intent.NewLease(t0.Add(time.Second))
			require.True(t, b.claim(t, "done", l, t0))
			_, err := b.db.Write.ExecContext(b.ctx, `UPDATE intents SET status = 'done' WHERE id = ?`, "done")
			require.NoError(t, err)
			parked, err := b.queue.Tried(b.ctx, "done", l, t0.Add(time.Minute), 1, "too late")
			require.NoError(t, err)
			require.False(t, parked)
			require.Equal(t, row{Token: l.Token, Until: l.Until}, b.row(t, "done"))
		})
	})
}

// A reason longer than the column is cut to fit, on a character boundary,
// so that MySQL stores it and the intent is parked.
func TestTriedLongReason(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		for name, reason := range map[string]string{
			"ascii":     "move money: " + strings.Repeat("x", 300),
			"multibyte": "move money: é帳戶" + strings.Repeat("不可用", 200),
		} {
			b.add(t, name, "open", time.Time{})
			l := intent.NewLease(t0.Add(time.Second))
			require.True(t, b.claim(t, name, l, t0))
			parked, err := b.queue.Tried(b.ctx, name, l, t0.Add(time.Minute), 1, reason)
			require.NoError(t, err, name)
			require.True(t, parked, name)
			got := b.row(t, name).Parked
			require.True(t, utf8.ValidString(got), name)
			require.LessOrEqual(t, len(got), 255, name)
			require.Greater(t, len(got), 250, name)
			require.True(t, strings.HasPrefix(reason, got), name)
		}
	})
}
