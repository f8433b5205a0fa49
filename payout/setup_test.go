package payout_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/internal/testclock"
	"github.com/cashless-dev/cashless/ledger"
	ledgersql "github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/merchant"
	merchantsql "github.com/cashless-dev/cashless/merchant/sqlstore"
	"github.com/cashless-dev/cashless/payout"
	"github.com/cashless-dev/cashless/payout/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// sources is an in-memory merchant.SettlementSource: the merchant service
// is another package, and payouts need only these two lookups of it.
type sources struct {
	mu sync.Mutex
	m  map[string]merchant.Settlement
}

func (s *sources) set(st merchant.Settlement) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[st.MerchantID] = st
}

func (s *sources) Settlement(_ context.Context, mid string) (*merchant.Settlement, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.m[mid]
	if !ok {
		return nil, cashless.Errorf(merchant.EMerchantNotFound, "no such merchant")
	}
	return &st, nil
}

func (s *sources) SettlementMerchants(_ context.Context, after string, limit int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for mid := range s.m {
		if mid > after {
			ids = append(ids, mid)
		}
	}
	slices.Sort(ids)
	if len(ids) > limit {
		ids = ids[:limit]
	}
	return ids, nil
}

// switchBank sends orders to one of two simulated banks, chosen by the
// test (a bank that pays, one that fails), and asks both for statuses.
type switchBank struct {
	ok, bad *bank.Simulated
	failing atomic.Bool
	// refuse, while above zero, fails that many submits with a transient
	// error, as a bank that cannot be reached.
	refuse atomic.Int64
}

func (s *switchBank) Submit(ctx context.Context, o bank.Order) error {
	if s.refuse.Add(-1) >= 0 {
		return cashless.Errorf(cashless.EInternal, "bank unreachable")
	}
	if s.failing.Load() {
		return s.bad.Submit(ctx, o)
	}
	return s.ok.Submit(ctx, o)
}

func (s *switchBank) Status(ctx context.Context, ref string) (bank.Outcome, error) {
	if o, err := s.ok.Status(ctx, ref); err != nil || o.Status != bank.Unknown {
		return o, err
	}
	return s.bad.Status(ctx, ref)
}

type setupOptions struct {
	bad        bank.SimOptions // the failing bank's options (FailureRate 1 when zero)
	dropNotify bool            // lose every bank notification
	reconcile  bool            // run the background reconciler
}

// bundle is a payout service on a merchant database of its own, a real
// ledger, and simulated banks per mode.
type bundle struct {
	ctx        context.Context
	db         *sqldb.DB
	store      *sqlstore.Store
	ledger     *ledger.Engine
	lstore     *ledgersql.Store
	live, test *switchBank
	src        *sources
	clock      *testclock.Clock
	svc        *payout.Service
	notify     func(bank.Outcome)
}

var start = time.Date(2026, 12, 4, 4, 0, 0, 0, time.UTC)

func setup(t *testing.T, d sqldb.Dialect, so setupOptions) *bundle {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t, d)
	require.NoError(t, merchantsql.Migrate(ctx, db))
	require.NoError(t, sqlstore.Migrate(ctx, db))
	store := sqlstore.New(db)
	ldb := sqldbtest.Open(t, d)
	require.NoError(t, ledgersql.Migrate(ctx, ldb))
	lstore := ledgersql.New(ldb)
	eng := ledger.NewEngine(lstore, ledger.Options{ExpiryInterval: time.Hour})
	b := &bundle{ctx: ctx, db: db, store: store, ledger: eng, lstore: lstore, clock: testclock.New(start),
		src: &sources{m: map[string]merchant.Settlement{}}}
	var ready sync.WaitGroup
	ready.Add(1)
	notify := func(o bank.Outcome) {
		ready.Wait()
		if !so.dropNotify {
			b.svc.BankOutcome(o)
		}
	}
	b.notify = notify
	if so.bad.FailureRate == 0 && so.bad.DeclineRate == 0 {
		so.bad.FailureRate = 1
	}
	newBank := func() *switchBank {
		sb := &switchBank{ok: bank.NewSimulated(bank.SimOptions{}, notify), bad: bank.NewSimulated(so.bad, notify)}
		t.Cleanup(sb.ok.Close)
		t.Cleanup(sb.bad.Close)
		return sb
	}
	b.live, b.test = newBank(), newBank()
	opts := payout.Options{Now: b.clock.Now, Interval: -1}
	if so.reconcile {
		opts.Interval = 10 * time.Millisecond
	}
	var err error
	b.svc, err = payout.New(store, eng, b.live, b.test, b.src, opts)
	require.NoError(t, err)
	ready.Done()
	t.Cleanup(func() {
		b.svc.Close()
		store.Close()
		require.NoError(t, eng.Close(ctx))
	})
	return b
}

// each runs fn once per dialect the run covers.
func each(t *testing.T, fn func(t *testing.T, d sqldb.Dialect)) {
	for _, d := range sqldbtest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

const srcAccount = "sys.testsrc.HKD"

// merchant registers a merchant with a settlement account and opens its
// ledger accounts in both modes.
func (b *bundle) merchant(t *testing.T, tz, cutoff string) string {
	t.Helper()
	mid := id.New(id.Merchant)
	b.src.set(merchant.Settlement{MerchantID: mid, BankAccount: "123456789012", BankAccountLast4: "9012", TimeZone: tz, Cutoff: cutoff})
	res, err := b.ledger.CreateAccounts(b.ctx, []ledger.Account{
		{ID: srcAccount, Currency: "HKD", Code: "test"},
		{ID: merchant.FeeAccountID(merchant.Live, "HKD"), Currency: "HKD", Code: "fees"},
		{ID: merchant.AccountID(mid, merchant.Live, "HKD"), Currency: "HKD", Code: "merchant", Flags: ledger.DebitsMustNotExceedCredits},
		{ID: merchant.AccountID(mid, merchant.Test, "HKD"), Currency: "HKD", Code: "merchant", Flags: ledger.DebitsMustNotExceedCredits},
	})
	require.NoError(t, err)
	for _, r := range res {
		require.NoError(t, r.Err)
	}
	return mid
}

// move commits one transfer and requires it to succeed.
func (b *bundle) move(t *testing.T, tid, from, to string, amount int64) {
	t.Helper()
	res, err := b.ledger.CreateTransfers(b.ctx, []ledger.Transfer{{ID: tid, DebitAccountID: from, CreditAccountID: to, Amount: amount, Currency: "HKD", Code: "test"}})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
}

// pay credits a merchant with a payment and debits its fee; it returns the
// payment id.
func (b *bundle) pay(t *testing.T, mid string, mode merchant.Mode, amount, fee int64) string {
	t.Helper()
	pid := id.New(id.Payment)
	b.move(t, pid, srcAccount, merchant.AccountID(mid, mode, "HKD"), amount)
	if fee > 0 {
		b.move(t, pid+".fee", merchant.AccountID(mid, mode, "HKD"), merchant.FeeAccountID(merchant.Live, "HKD"), fee)
	}
	return pid
}

// refund debits a merchant with a refund; it returns the refund id.
func (b *bundle) refund(t *testing.T, mid string, amount int64) string {
	t.Helper()
	rid := id.New(id.Refund)
	b.move(t, rid, merchant.AccountID(mid, merchant.Live, "HKD"), srcAccount, amount)
	return rid
}

func (b *bundle) available(t *testing.T, mid string, mode merchant.Mode) int64 {
	t.Helper()
	bal, err := b.ledger.BalanceAt(b.ctx, merchant.AccountID(mid, mode, "HKD"), time.Time{})
	require.NoError(t, err)
	return bal.Available()
}

// wait waits until a payout is no longer pending.
func (b *bundle) wait(t *testing.T, mid string, mode merchant.Mode, pid string) *merchant.Payout {
	t.Helper()
	var p *merchant.Payout
	require.Eventually(t, func() bool {
		var err error
		p, err = b.svc.Payout(b.ctx, mid, mode, pid)
		require.NoError(t, err)
		return p.Status != payout.StatusPending
	}, 5*time.Second, 2*time.Millisecond)
	return p
}

// events returns the types of a merchant's events, oldest first.
func (b *bundle) events(t *testing.T, mid string) []merchant.Event {
	t.Helper()
	rows, err := b.db.Read.QueryContext(b.ctx, `SELECT id, type, data FROM merchant_events WHERE merchant_id = ? ORDER BY id`, mid)
	require.NoError(t, err)
	defer rows.Close()
	var out []merchant.Event
	for rows.Next() {
		var e merchant.Event
		require.NoError(t, rows.Scan(&e.ID, &e.Type, &e.Data))
		out = append(out, e)
	}
	require.NoError(t, rows.Err())
	return out
}

// verify checks every ledger invariant.
func (b *bundle) verify(t *testing.T) {
	t.Helper()
	rep, err := ledger.Verify(b.ctx, b.lstore)
	require.NoError(t, err)
	require.True(t, rep.OK(), "ledger verify: %+v", rep)
}

func code(err error) string { return cashless.ErrorCode(err) }

func cashlessPage(n int) cashless.Page { return cashless.Page{Limit: n} }
