package wallet_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/limits"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

// TestModel drives the wallet's money paths through random interleavings
// of sends, request payments (with concurrent duplicate pays and
// cancellations), client retries, top-ups and withdrawals through a
// simulated bank (some slow, failing or declining), automatic top-ups,
// reconciler passes, clock moves past the reconciler's grace and the
// top-up wait, and crashes (the service is cut off mid-call and a new one
// starts over the same databases and ledger). Each step runs a few calls
// at once; in half the sequences the ledger and the database are across a
// slow network. After every step, and after a final drain, refModel holds
// the wallet to its answers and to the rules of the money path (see
// refModel.check), and a lone payment to the answer the model foretells.
//
// The sequences of a dialect share one wallet database and one ledger,
// each with users and a service of its own. The test runs 16 sequences per
// dialect unless -rapid.checks (or RAPID_CHECKS) says otherwise; -rapid.v
// logs each sequence's steps and what it reached. A failure prints the
// steps, one a line; the interleavings are real, so a replay with
// -rapid.seed draws the same steps but may not meet the same race (rapid
// then calls the failure flaky): the first failure's steps are logged on
// the test as well.
func TestModel(t *testing.T) {
	boundRapidChecks(16)
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		// One wallet database and one ledger for every sequence: each
		// sequence has users of its own and starts a service of its own
		// (restart), so that a run holds a bounded number of database
		// connections however many sequences rapid tries.
		// The reconciler runs only as the sequence's own steps, drawn
		// among the calls and run at once with them: the checks after a
		// step read several tables and need the service at rest, which a
		// background reconciler would not leave it.
		var opts wallet.Options
		b := setup(t, url, setupOptions{manualReconcile: true, limits: func(o *wallet.Options) {
			cfg := limits.Default()
			cfg.Tiers[1] = map[string][]limits.Cap{"HKD": modelCaps}
			cfg.TopupTiers[1] = map[string][]limits.Cap{"HKD": modelTopupCaps}
			o.Limits = cfg
			o.Logger = slog.New(slog.DiscardHandler)
			opts = *o
		}})
		seq, report := 0, &sync.Once{}
		rapid.Check(t, func(rt *rapid.T) {
			seq++
			newModelRun(t, rt, b, opts, seq, report).run()
		})
	})
}

// boundRapidChecks lowers rapid's number of sequences to n when neither
// -rapid.checks nor RAPID_CHECKS chose one: each sequence starts services
// and waits for banks, so rapid's default of 100 would take minutes. It
// runs before the test goes parallel, so no check reads the flag meanwhile.
func boundRapidChecks(n int) {
	set := os.Getenv("RAPID_CHECKS") != ""
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	if !set {
		_ = flag.Set("rapid.checks", fmt.Sprint(n))
	}
}

// Limits of the model's users (tier 1), small enough that sends and
// top-ups run into them.
var (
	modelCaps      = []limits.Cap{{Period: limits.Day, Amount: 400_00}, {Period: limits.Month, Amount: 900_00}, {Period: limits.Year, Amount: 2_000_00}}
	modelTopupCaps = []limits.Cap{{Period: limits.Day, Amount: 1_500_00}, {Period: limits.Month, Amount: 3_000_00}, {Period: limits.Year, Amount: 10_000_00}}
	// modelMoves are the clock moves: within the grace, past the grace
	// (2 s), past the top-up wait (3 s), past the wait and the grace, and
	// rarely past midnight in Hong Kong, so limit windows roll over.
	modelMoves = []time.Duration{time.Second, 2500 * time.Millisecond, 3500 * time.Millisecond, 6 * time.Second,
		time.Second, 6 * time.Second, 12 * time.Hour}
)

// modelRun is one sequence: its wallet service (a new one after each
// crash) over the dialect's databases, its users, and the reference model
// of what was asked and answered.
type modelRun struct {
	t      *testing.T     // owns the databases
	rt     *rapid.T       // draws
	ft     modelT         // fails
	report *sync.Once     // the test's first failure
	log    []string       // the steps so far
	b      *testBundle    // shared by the sequences of a dialect
	opts   wallet.Options // as setup made them, with the sequence's auto top-up
	sim    bank.SimOptions
	ledger ledger.Service // what the sequence's services call (maybe slow),
	store  wallet.Store   // and their store

	ctx    context.Context // the running service's; a crash cancels it
	cancel context.CancelFunc

	users []*identity.User
	accts map[string]string // user id → ledger account
	ref   *refModel
	seq   int // for fresh idempotency keys
}

func newModelRun(t *testing.T, rt *rapid.T, b *testBundle, opts wallet.Options, seq int, report *sync.Once) *modelRun {
	r := &modelRun{t: t, rt: rt, report: report, b: b, opts: opts, accts: map[string]string{}, ref: newRefModel()}
	r.ft = modelT{T: rt, r: r}
	latency := rapid.SampledFrom([]time.Duration{0, 20 * time.Millisecond, 150 * time.Millisecond}).Draw(rt, "bank latency")
	r.sim = bank.SimOptions{Latency: latency, Jitter: latency, FailureRate: 0.15, DeclineRate: 0.05, Seed: rapid.Int64().Draw(rt, "bank seed")}
	r.opts.AutoTopup = rapid.IntRange(0, 3).Draw(rt, "auto top-up") > 0
	r.ledger, r.store = b.ledger, b.store
	slow := rapid.Bool().Draw(rt, "slow network")
	if slow {
		// The ledger and the database are across a network whose calls
		// are sometimes slow.
		net := &network{rng: rand.New(rand.NewPCG(uint64(r.sim.Seed), 1))}
		r.ledger, r.store = &slowLedger{Service: b.ledger, net: net}, &slowStore{Store: b.store, net: net}
	}
	r.logf("bank %+v, auto top-up %v, slow network %v", r.sim, r.opts.AutoTopup, slow)
	r.ctx, r.cancel = context.WithCancel(context.Background())
	rt.Cleanup(func() { r.cancel() })
	r.restart()
	for i := range 4 {
		u := b.user(t, fmt.Sprintf("s%du%d", seq, i), 1)
		w, err := b.wallets.Wallet(b.ctx, u.ID, "HKD")
		require.NoError(r.ft, err)
		r.users = append(r.users, u)
		r.accts[u.ID] = w.AccountID
	}
	return r
}

// modelT is what the model's checks fail through: rapid's T, which also
// logs the first failure of the test in full on the test itself, with the
// steps that led to it. Rapid shows a failure's log only when a replay
// fails too, and a replay does not meet the interleavings of the run.
type modelT struct {
	*rapid.T
	r *modelRun
}

// Errorf implements require.TestingT: the failure goes to rapid, and the
// first of the test also, with the steps, to the test's log.
func (m modelT) Errorf(format string, args ...any) {
	m.r.report.Do(func() {
		m.r.t.Logf("first failure, after these steps:\n%s\n%s", strings.Join(m.r.log, "\n"), fmt.Sprintf(format, args...))
	})
	m.T.Errorf(format, args...)
}

// Fatalf fails the sequence now.
func (m modelT) Fatalf(format string, args ...any) {
	m.Errorf(format, args...)
	m.T.FailNow()
}

func (r *modelRun) logf(format string, args ...any) {
	r.log = append(r.log, fmt.Sprintf(format, args...))
	r.rt.Logf(format, args...)
}

// run funds the users, runs the steps and drains.
func (r *modelRun) run() {
	r.ref.begin()
	var first []action
	for _, u := range r.users {
		first = append(first, r.topup(u, 300_00, r.key("fund")))
	}
	r.do("fund", first, -1)
	r.waitBank()
	r.ref.check(r, false)
	for i := range rapid.IntRange(10, 40).Draw(r.rt, "steps") {
		r.step(i)
		r.ref.check(r, false)
	}
	r.drain()
	r.ref.check(r, true)
}

// action is one call of a step, drawn beforehand (rapid draws only in the
// test goroutine) and run in a goroutine of its own.
type action struct {
	desc  string
	delay time.Duration // real time before the call starts, to vary interleavings
	run   func(ctx context.Context, w *wallet.Wallets)
}

// step draws one step: a crash, or one to three kinds of call (some of
// which are several calls), run at once.
func (r *modelRun) step(i int) {
	r.ref.begin()
	if rapid.IntRange(0, 11).Draw(r.rt, "crash") == 0 {
		var acts []action
		for range rapid.IntRange(0, 2).Draw(r.rt, "calls cut off") {
			acts = append(acts, r.drawCalls()...)
		}
		r.do(fmt.Sprintf("step %d, crash", i), acts, time.Duration(rapid.IntRange(0, 20).Draw(r.rt, "crash after ms"))*time.Millisecond)
		return
	}
	var acts []action
	for range rapid.IntRange(1, 3).Draw(r.rt, "kinds") {
		acts = append(acts, r.drawCalls()...)
	}
	if pred, ok := r.ref.predict(r, acts); ok {
		defer pred()
	}
	r.do(fmt.Sprintf("step %d", i), acts, -1)
}

// drawCalls draws one kind of call.
func (r *modelRun) drawCalls() []action {
	var acts []action
	switch kind := rapid.SampledFrom([]string{"race", "race", "send", "send", "retry", "request", "pay", "pay", "repay",
		"cancel", "topup", "withdraw", "move", "move", "reconcile", "reconcile", "wait"}).Draw(r.rt, "kind"); kind {
	case "send":
		from, to := r.pair()
		amount, key := r.amount("amount", 200_00), r.key("send")
		for range rapid.IntRange(1, 3).Draw(r.rt, "copies") {
			acts = append(acts, r.send(from, to, amount, key))
		}
		if rapid.IntRange(0, 5).Draw(r.rt, "reuse key") == 0 {
			acts = append(acts, r.send(from, to, amount+1, key))
		}
	case "race":
		return r.drawRace()
	case "retry":
		if len(r.ref.sends) == 0 {
			return nil
		}
		c := r.ref.sends[rapid.IntRange(0, len(r.ref.sends)-1).Draw(r.rt, "send to retry")]
		acts = append(acts, r.send(c.from, c.to, c.amount, c.key))
	case "request":
		requester := r.users[rapid.IntRange(0, len(r.users)-1).Draw(r.rt, "requester")]
		var payers []*identity.User
		for _, u := range r.users {
			if u != requester && rapid.Bool().Draw(r.rt, "asked") {
				payers = append(payers, u)
			}
		}
		if len(payers) == 0 {
			return nil
		}
		acts = append(acts, r.request(requester, payers, 10_00+r.amount("request amount", 140_00), rapid.Bool().Draw(r.rt, "split"), r.key("req")))
	case "pay", "repay":
		if len(r.ref.requests) == 0 {
			return nil
		}
		q := r.ref.requests[rapid.IntRange(0, len(r.ref.requests)-1).Draw(r.rt, "request")]
		if kind == "pay" && len(r.ref.requests) > 1 { // mostly the newest
			q = r.ref.requests[len(r.ref.requests)-1-rapid.IntRange(0, 1).Draw(r.rt, "recent request")]
		}
		for range rapid.IntRange(1, 3).Draw(r.rt, "concurrent pays") {
			key := r.key("pay")
			if len(q.keys) > 0 && rapid.Bool().Draw(r.rt, "old key") {
				key = q.keys[rapid.IntRange(0, len(q.keys)-1).Draw(r.rt, "which key")]
			}
			q.keys = append(q.keys, key)
			acts = append(acts, r.pay(q, key))
		}
	case "cancel":
		if len(r.ref.requests) == 0 {
			return nil
		}
		acts = append(acts, r.cancelRequest(r.ref.requests[rapid.IntRange(0, len(r.ref.requests)-1).Draw(r.rt, "request")]))
	case "topup":
		u := r.users[rapid.IntRange(0, len(r.users)-1).Draw(r.rt, "user")]
		acts = append(acts, r.topup(u, r.amount("topup amount", 300_00), r.key("topup")))
	case "withdraw":
		u := r.users[rapid.IntRange(0, len(r.users)-1).Draw(r.rt, "user")]
		acts = append(acts, r.withdraw(u, r.amount("withdrawal amount", 100_00), r.key("wd")))
	case "move":
		acts = append(acts, r.move(rapid.SampledFrom(modelMoves).Draw(r.rt, "move")))
	case "reconcile":
		acts = append(acts, r.reconcile())
	case "wait":
		d := time.Duration(rapid.IntRange(1, 60).Draw(r.rt, "wait ms")) * time.Millisecond
		acts = append(acts, action{desc: "wait " + d.String(), run: func(context.Context, *wallet.Wallets) { time.Sleep(d) }})
	}
	for i := range acts {
		acts[i].delay = time.Duration(rapid.IntRange(0, 15).Draw(r.rt, "delay ms")) * time.Millisecond
	}
	return acts
}

// drawRace draws the race the money path must survive: a payment larger
// than the payer's balance, so that an automatic top-up waits for the
// bank, while the clock passes the wait (and maybe the grace after it),
// the reconciler and retries of the same call come in, and the clock may
// pass the leases they took.
func (r *modelRun) drawRace() []action {
	var acts []action
	var again func() action
	if len(r.ref.requests) > 0 && rapid.Bool().Draw(r.rt, "race a request") {
		q := r.ref.requests[len(r.ref.requests)-1]
		key := r.key("pay")
		q.keys = append(q.keys, key)
		acts = append(acts, r.pay(q, key))
		again = func() action { return r.pay(q, key) }
	} else {
		from, to := r.pair()
		amount, key := 150_00+r.amount("amount", 200_00), r.key("send")
		acts = append(acts, r.send(from, to, amount, key))
		again = func() action { return r.send(from, to, amount, key) }
	}
	move := r.move(rapid.SampledFrom([]time.Duration{3500 * time.Millisecond, 6 * time.Second}).Draw(r.rt, "race move"))
	// The payment starts first and is on its way (at the ledger, or
	// waiting for the bank) when the clock moves.
	ms := func(label string, lo, hi int) time.Duration {
		return time.Duration(rapid.IntRange(lo, hi).Draw(r.rt, label)) * time.Millisecond
	}
	move.delay = ms("move after ms", 0, 40)
	pass := r.reconcile()
	pass.delay = move.delay + ms("reconcile after ms", 0, 30)
	acts = append(acts, move, pass)
	for range rapid.IntRange(0, 2).Draw(r.rt, "retries") {
		retry := again()
		retry.delay = move.delay + ms("retry after ms", 0, 40)
		acts = append(acts, retry)
	}
	if rapid.Bool().Draw(r.rt, "second move") {
		second := r.move(6 * time.Second)
		second.delay = move.delay + ms("second move after ms", 5, 60)
		acts = append(acts, second)
	}
	return acts
}

func (r *modelRun) move(d time.Duration) action {
	return action{desc: "clock +" + d.String(), run: func(context.Context, *wallet.Wallets) { r.b.clock.Advance(d) }}
}

func (r *modelRun) pair() (from, to *identity.User) {
	i := rapid.IntRange(0, len(r.users)-1).Draw(r.rt, "from")
	j := rapid.IntRange(1, len(r.users)-1).Draw(r.rt, "to offset")
	return r.users[i], r.users[(i+j)%len(r.users)]
}

func (r *modelRun) amount(label string, most int64) int64 {
	return rapid.OneOf(rapid.Int64Range(1, 10_00), rapid.Int64Range(most/4, most)).Draw(r.rt, label)
}

func (r *modelRun) key(prefix string) string {
	r.seq++
	return fmt.Sprintf("%s-%d", prefix, r.seq)
}

// do runs a step's calls at once on the running service and waits for
// them. With crashAfter ≥ 0 the service crashes that long after the calls
// start: every call still running is cut off (its context ends, as if the
// process died), and a new service starts over the same databases and
// ledger, with a new simulated bank, which has forgotten every order.
func (r *modelRun) do(desc string, acts []action, crashAfter time.Duration) {
	descs := make([]string, len(acts))
	for i, a := range acts {
		descs[i] = a.desc
	}
	r.logf("%s: %s", desc, strings.Join(descs, " | "))
	w, ctx := r.b.wallets, r.ctx
	var wg sync.WaitGroup
	for _, a := range acts {
		wg.Go(func() {
			time.Sleep(a.delay)
			a.run(ctx, w)
		})
	}
	if crashAfter >= 0 {
		time.Sleep(crashAfter)
		r.cancel()
	}
	wg.Wait()
	r.logf("  → %s", r.ref.finish(crashAfter >= 0))
	if crashAfter >= 0 {
		r.restart()
	}
}

// restart replaces the running service (crashed, or the last sequence's),
// the way setup builds one, with a bank whose outcomes go to the new
// service; the calls made from then on use its context.
func (r *modelRun) restart() {
	r.b.bank.Close() // no outcome reaches the old service after this
	require.NoError(r.ft, r.b.wallets.Close(context.Background()))
	var w *wallet.Wallets
	bk := bank.NewSimulated(r.sim, func(o bank.Outcome) { w.BankOutcome(o) })
	w, err := wallet.New(r.store, r.b.dir, r.ledger, bk, r.b.vault, r.opts)
	require.NoError(r.ft, err)
	r.b.wallets, r.b.bank = w, bk
	r.cancel()
	r.ctx, r.cancel = context.WithCancel(context.Background())
}

// network stands between a service and its ledger and database: a third
// of the calls wait up to 30 ms, so that a lease may lapse while its driver
// waits, a driver may act on what it read a while ago, and a transfer may
// be committed before its driver hears.
type network struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func (n *network) pause(ctx context.Context) error {
	n.mu.Lock()
	d := time.Duration(0)
	if n.rng.IntN(3) == 0 {
		d = time.Duration(n.rng.Int64N(int64(30 * time.Millisecond)))
	}
	n.mu.Unlock()
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return fmt.Errorf("network: %w", ctx.Err())
	}
}

// slowLedger is the ledger across a network: a call that moves money may
// be slow on its way there and on its way back.
type slowLedger struct {
	ledger.Service
	net *network
}

// CreateTransfers implements ledger.Service.
func (l *slowLedger) CreateTransfers(ctx context.Context, ts []ledger.Transfer) ([]ledger.Result, error) {
	if err := l.net.pause(ctx); err != nil {
		return nil, err
	}
	res, err := l.Service.CreateTransfers(ctx, ts)
	if err != nil {
		return nil, err
	}
	if err := l.net.pause(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

// slowStore is the wallet's database across a network: what a driver
// reads of an intent may come back late, when it no longer holds.
type slowStore struct {
	wallet.Store
	net *network
}

// CreateIntent implements wallet.MoneyStore.
func (s *slowStore) CreateIntent(ctx context.Context, in *wallet.Intent, caps []wallet.Reservation, stepUp *wallet.StepUpCheck) (*wallet.Intent, bool, error) {
	it, created, err := s.Store.CreateIntent(ctx, in, caps, stepUp)
	if err == nil && !created {
		err = s.net.pause(ctx)
	}
	return it, created, err
}

// IntentByKey implements wallet.MoneyStore.
func (s *slowStore) IntentByKey(ctx context.Context, senderID, key string) (*wallet.Intent, error) {
	it, err := s.Store.IntentByKey(ctx, senderID, key)
	if err == nil {
		err = s.net.pause(ctx)
	}
	return it, err
}

// Intent implements wallet.MoneyStore.
func (s *slowStore) Intent(ctx context.Context, id string) (*wallet.Intent, error) {
	it, err := s.Store.Intent(ctx, id)
	if err == nil {
		err = s.net.pause(ctx)
	}
	return it, err
}

// waitBank waits until the bank has answered every funding.
func (r *modelRun) waitBank() {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if n, _ := r.ref.unsettled(r); n == 0 {
			return
		}
	}
	r.ft.Fatalf("the bank did not answer within 10 s")
}

// drain finishes everything in flight: it moves the clock past every lease
// and pause, lets the reconciler re-drive and resubmit, and waits for the
// bank, until no intent is processing and no funding pending.
func (r *modelRun) drain() {
	for i := range 40 {
		r.b.clock.Advance(time.Duration(1+i/4) * 10 * time.Second)
		require.NoError(r.ft, r.b.wallets.Reconcile(r.ctx))
		deadline := time.Now().Add(2*(r.sim.Latency+r.sim.Jitter) + 100*time.Millisecond)
		for time.Now().Before(deadline) {
			if _, n := r.ref.unsettled(r); n == 0 {
				r.logf("drained after %d passes", i+1)
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	_, n := r.ref.unsettled(r)
	r.ft.Fatalf("%d intents and fundings still in flight after draining", n)
}
