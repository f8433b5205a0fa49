package intent_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/intent/sqlqueue"
	"github.com/cashless-dev/cashless/intent/sqlqueue/sqlqueuetest"
	"github.com/cashless-dev/cashless/internal/syncbuf"
	"github.com/cashless-dev/cashless/internal/testclock"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// driverBundle is a table of intents as a service keeps them (an id, a
// status and the four columns package sqlqueue documents), its queue, a
// test clock and a log the drivers write to.
type driverBundle struct {
	ctx   context.Context
	db    *sqldb.DB
	group *sqldb.Group
	queue *sqlqueue.Queue
	clock *testclock.Clock
	log   *syncbuf.Buffer

	mu     sync.Mutex
	drives map[string]int // drive calls per intent
}

func setup(t *testing.T, url string) *driverBundle {
	t.Helper()
	db, group, queue := sqlqueuetest.New(t, url)
	return &driverBundle{ctx: context.Background(), db: db, group: group, queue: queue,
		clock: testclock.New(time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC)), log: &syncbuf.Buffer{}, drives: map[string]int{}}
}

// add stores open intents whose last lease ended before the clock's now,
// each a microsecond after the one before, so they are due in order.
func (b *driverBundle) add(t *testing.T, ids ...string) {
	t.Helper()
	for i, id := range ids {
		_, err := b.db.Write.ExecContext(b.ctx, `INSERT INTO intents (id, status, lease_until_us) VALUES (?, 'open', ?)`,
			id, sqldb.Micros(b.clock.Now().Add(-time.Second+time.Duration(i)*time.Microsecond)))
		require.NoError(t, err)
	}
}

// driver returns a driver whose drive counts its calls and fails the
// intents in failing with errUnreachable; it finishes every other intent
// as a service would, conditional on the lease.
func (b *driverBundle) driver(opts intent.Options, failing ...string) *intent.Driver {
	opts.Now = b.clock.Now
	opts.Logger = slog.New(slog.NewTextHandler(b.log, nil))
	bad := map[string]bool{}
	for _, id := range failing {
		bad[id] = true
	}
	return intent.NewDriver("test", b.queue, func(ctx context.Context, id string, l intent.Lease) error {
		b.mu.Lock()
		b.drives[id]++
		b.mu.Unlock()
		if bad[id] {
			return fmt.Errorf("move money: %w", errUnreachable)
		}
		return b.finish(ctx, id, l)
	}, opts)
}

var errUnreachable = errors.New("the ledger is unreachable")

// finish is a service's deciding write: the intent is done only while l
// holds it.
func (b *driverBundle) finish(ctx context.Context, id string, l intent.Lease) error {
	return b.group.Do(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE intents SET status = 'done' WHERE id = ? AND lease_token = ?`, id, l.Token)
		return err
	})
}

func (b *driverBundle) calls(id string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.drives[id]
}

// row is an intent as stored.
type row struct {
	Status string
	Until  time.Time
	Tries  int
	Parked string
}

func (b *driverBundle) row(t *testing.T, id string) row {
	t.Helper()
	var r row
	var until int64
	require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT status, lease_until_us, tries, parked FROM intents WHERE id = ?`, id).
		Scan(&r.Status, &until, &r.Tries, &r.Parked))
	r.Until = sqldb.FromMicros(until)
	return r
}

func (b *driverBundle) pass(t *testing.T, d *intent.Driver) {
	t.Helper()
	require.NoError(t, d.Pass(b.ctx))
}

func TestPassGoesOnPastAFailingIntent(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		b.add(t, "bad", "a", "c") // the failing one is due first
		d := b.driver(intent.Options{LeaseFor: time.Second}, "bad")

		b.pass(t, d)
		require.Equal(t, "done", b.row(t, "a").Status)
		require.Equal(t, "done", b.row(t, "c").Status)
		require.Equal(t, row{Status: "open", Until: b.clock.Now().Add(time.Second), Tries: 1}, b.row(t, "bad"),
			"still open, one try counted, waiting a pause")
		require.Equal(t, intent.Stats{Kind: "test", Driven: 2, Errors: 1}, d.Stats())
		require.Contains(t, b.log.String(), "intent=bad")
		require.Contains(t, b.log.String(), errUnreachable.Error())

		b.pass(t, d)
		require.Equal(t, 1, b.calls("bad"), "not due again before its pause ends")
		require.Equal(t, 1, b.calls("a"), "a finished intent is not driven again")
	})
}

func TestIntentParkedAfterMaxTries(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		b.add(t, "bad", "good")
		d := b.driver(intent.Options{LeaseFor: time.Second, MaxTries: 3}, "bad")

		for try := 1; try <= 3; try++ {
			b.pass(t, d)
			require.Equal(t, try, b.calls("bad"))
			require.Equal(t, try, b.row(t, "bad").Tries)
			if try < 3 {
				require.Empty(t, b.row(t, "bad").Parked)
				require.Zero(t, d.Stats().Parked)
			}
			b.clock.Advance(time.Hour) // past any pause
		}
		got := b.row(t, "bad")
		require.Equal(t, "open", got.Status, "a parked intent keeps its state")
		require.Equal(t, "move money: "+errUnreachable.Error(), got.Parked, "with its reason")
		require.Equal(t, intent.Stats{Kind: "test", Driven: 1, Errors: 3, Parked: 1}, d.Stats())
		require.Contains(t, b.log.String(), "parked an intent")
		require.Equal(t, "done", b.row(t, "good").Status)

		due, err := b.queue.Due(b.ctx, b.clock.Now().Add(24*time.Hour), 10)
		require.NoError(t, err)
		require.Empty(t, due, "Due skips a parked intent")
		b.pass(t, d)
		require.Equal(t, 3, b.calls("bad"), "the driver leaves it alone")
		require.EqualValues(t, 1, d.Stats().Parked)

		other := b.driver(intent.Options{}, "bad")
		b.pass(t, other)
		require.EqualValues(t, 1, other.Stats().Parked, "a pass counts the parked intents in the queue")
	})
}

func TestPauseDoublesAndIsCapped(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		b.add(t, "bad")
		d := b.driver(intent.Options{LeaseFor: time.Second, MaxPause: 5 * time.Second, MaxTries: 100}, "bad")

		for i, pause := range []time.Duration{1, 2, 4, 5, 5, 5} {
			b.pass(t, d)
			require.Equal(t, i+1, b.calls("bad"))
			until := b.clock.Now().Add(pause * time.Second)
			require.Equal(t, until, b.row(t, "bad").Until, "pause after try %d", i+1)

			b.clock.Set(until) // a lease ending now has not ended yet
			b.pass(t, d)
			require.Equal(t, i+1, b.calls("bad"), "not due before the pause is over")
			b.clock.Advance(time.Microsecond)
		}
	})
}

// Two drivers (two instances of a service) reconciling the same queue at
// once never drive one intent at the same time, and each intent is driven
// once.
func TestTwoDriversNeverShareAnIntent(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		ids := make([]string, 30)
		for i := range ids {
			ids[i] = fmt.Sprintf("it%02d", i)
		}
		b.add(t, ids...)

		var mu sync.Mutex
		inFlight := map[string]bool{}
		var overlaps []string
		slow := func(ctx context.Context, id string, l intent.Lease) error {
			mu.Lock()
			if inFlight[id] {
				overlaps = append(overlaps, id)
			}
			inFlight[id] = true
			mu.Unlock()
			b.mu.Lock()
			b.drives[id]++
			b.mu.Unlock()
			time.Sleep(2 * time.Millisecond) // long enough for the other driver to try the same intent
			err := b.finish(ctx, id, l)
			mu.Lock()
			inFlight[id] = false
			mu.Unlock()
			return err
		}
		opts := intent.Options{Now: b.clock.Now, Batch: 4}
		one := intent.NewDriver("test", b.queue, slow, opts)
		two := intent.NewDriver("test", sqlqueue.New(b.db, b.group, "intents", "open"), slow, opts)
		var wg sync.WaitGroup
		for _, d := range []*intent.Driver{one, two} {
			wg.Go(func() { require.NoError(t, d.Pass(b.ctx)) })
		}
		wg.Wait()
		require.Empty(t, overlaps)
		for _, id := range ids {
			require.Equal(t, 1, b.calls(id), id)
			require.Equal(t, "done", b.row(t, id).Status, id)
		}
		require.EqualValues(t, len(ids), one.Stats().Driven+two.Stats().Driven)
	})
}

// Pass fails only when the queue itself cannot be read.
func TestPassFailsOnAnUnreadableQueue(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		d := intent.NewDriver("test", sqlqueue.New(b.db, b.group, "no_such_table", "open"),
			func(context.Context, string, intent.Lease) error { return nil }, intent.Options{Now: b.clock.Now})
		require.ErrorContains(t, d.Pass(b.ctx), "find due test intents")
	})
}
