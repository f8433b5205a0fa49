package wallet_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/wallet"
)

// refModel is the model test's reference: every call made and what it was
// answered, the requests made, and what was last seen of each intent,
// funding and request. check holds the wallet to those answers and to the
// rules of the money path; predict says what a lone payment must answer.
type refModel struct {
	step     int // the step running; calls remember theirs
	sends    []*sendCall
	pays     []*payCall
	fundings []*fundCall
	asks     []*askCall
	others   []*otherCall
	requests []*refRequest
	seen     map[string]string // intent, funding or request id → "status/code" last seen
	// predicted counts the lone payments whose answer was foretold.
	predicted int
}

func newRefModel() *refModel { return &refModel{seen: map[string]string{}} }

// call is what every recorded call has.
type call struct {
	step    int
	crashed bool // cut off by a crash: an error answer means nothing
	err     error
}

// answered reports whether the call's answer binds the wallet: it was not
// cut off by a crash, or it still answered with a result. (An error of a
// call cut off may be the crash's in any form a driver gives it.)
func (c *call) answered() bool { return !c.crashed || c.err == nil }

type sendCall struct {
	call
	from, to *identity.User
	amount   int64
	key      string
	tr       *wallet.Transfer
}

type payCall struct {
	call
	req *refRequest
	key string
	r   *wallet.Request
	tr  *wallet.Transfer
}

type fundCall struct {
	call
	user   *identity.User
	kind   string
	amount int64
	key    string
	f      *wallet.Funding
}

type askCall struct {
	call
	requester *identity.User
	payers    []*identity.User
	rs        []*wallet.Request
}

// otherCall is a reconciler pass or a cancellation: it must not fail
// except with one of codes.
type otherCall struct {
	call
	desc  string
	codes []string
}

// refRequest is a request the model made.
type refRequest struct {
	id               string
	requester, payer *identity.User
	amount           int64
	keys             []string // the Idempotency-Keys it was paid with
}

// begin starts a step: the calls drawn from now on are its.
func (m *refModel) begin() { m.step++ }

func (r *modelRun) send(from, to *identity.User, amount int64, key string) action {
	c := &sendCall{call: call{step: r.ref.step}, from: from, to: to, amount: amount, key: key}
	r.ref.sends = append(r.ref.sends, c)
	return action{desc: fmt.Sprintf("send %s→%s %d %s", from.Username, to.Username, amount, key), run: func(ctx context.Context, w *wallet.Wallets) {
		c.tr, c.err = w.Send(ctx, wallet.SendInput{UserID: from.ID, To: wallet.Recipient{Username: to.Username}, Amount: hkd(amount), IdempotencyKey: key})
	}}
}

func (r *modelRun) request(requester *identity.User, payers []*identity.User, amount int64, split bool, key string) action {
	c := &askCall{call: call{step: r.ref.step}, requester: requester, payers: payers}
	r.ref.asks = append(r.ref.asks, c)
	in := wallet.RequestInput{UserID: requester.ID, Amount: hkd(amount), IdempotencyKey: key}
	if split && len(payers) > 1 {
		in.Amount, in.SplitTotal = money.Amount{}, hkd(amount)
	}
	var names []string
	for _, p := range payers {
		in.From = append(in.From, wallet.Recipient{Username: p.Username})
		names = append(names, p.Username)
	}
	return action{desc: fmt.Sprintf("request %s←%s %d split %v", requester.Username, strings.Join(names, ","), amount, in.SplitTotal.Minor > 0),
		run: func(ctx context.Context, w *wallet.Wallets) { c.rs, c.err = w.RequestMoney(ctx, in) }}
}

func (r *modelRun) pay(q *refRequest, key string) action {
	c := &payCall{call: call{step: r.ref.step}, req: q, key: key}
	r.ref.pays = append(r.ref.pays, c)
	return action{desc: fmt.Sprintf("pay %s by %s key %s", q.id, q.payer.Username, key), run: func(ctx context.Context, w *wallet.Wallets) {
		c.r, c.tr, c.err = w.PayRequest(ctx, q.payer.ID, q.id, "", key)
	}}
}

func (r *modelRun) cancelRequest(q *refRequest) action {
	c := &otherCall{call: call{step: r.ref.step}, desc: "cancel " + q.id, codes: []string{wallet.ERequestNotPending}}
	r.ref.others = append(r.ref.others, c)
	return action{desc: c.desc, run: func(ctx context.Context, w *wallet.Wallets) {
		_, c.err = w.CancelRequest(ctx, q.requester.ID, q.id)
	}}
}

func (r *modelRun) topup(u *identity.User, amount int64, key string) action {
	c := &fundCall{call: call{step: r.ref.step}, user: u, kind: wallet.KindTopup, amount: amount, key: key}
	r.ref.fundings = append(r.ref.fundings, c)
	return action{desc: fmt.Sprintf("top up %s %d", u.Username, amount), run: func(ctx context.Context, w *wallet.Wallets) {
		c.f, c.err = w.Topup(ctx, wallet.TopupInput{UserID: u.ID, Amount: hkd(amount), IdempotencyKey: key})
	}}
}

func (r *modelRun) withdraw(u *identity.User, amount int64, key string) action {
	c := &fundCall{call: call{step: r.ref.step}, user: u, kind: wallet.KindWithdrawal, amount: amount, key: key}
	r.ref.fundings = append(r.ref.fundings, c)
	return action{desc: fmt.Sprintf("withdraw %s %d", u.Username, amount), run: func(ctx context.Context, w *wallet.Wallets) {
		c.f, c.err = w.Withdraw(ctx, wallet.WithdrawalInput{UserID: u.ID, Amount: hkd(amount), BankAccount: "12345678", IdempotencyKey: key})
	}}
}

func (r *modelRun) reconcile() action {
	c := &otherCall{call: call{step: r.ref.step}, desc: "reconcile"}
	r.ref.others = append(r.ref.others, c)
	return action{desc: c.desc, run: func(ctx context.Context, w *wallet.Wallets) { c.err = w.Reconcile(ctx) }}
}

// finish files the step's answers: the requests made, and which calls a
// crash cut off. It returns the answers, for the log.
func (m *refModel) finish(crashed bool) string {
	var out []string
	note := func(c *call, desc string) {
		if c.step != m.step {
			return
		}
		c.crashed = crashed
		if c.err != nil {
			desc += " " + errText(c.err)
		}
		out = append(out, desc)
	}
	for _, c := range m.sends {
		desc := "send"
		if c.tr != nil {
			desc += " " + c.tr.ID + " " + c.tr.Status
		}
		note(&c.call, desc)
	}
	for _, c := range m.pays {
		desc := "pay"
		if c.tr != nil {
			desc += " " + c.tr.ID + " " + c.tr.Status + ", request " + c.r.Status
		}
		note(&c.call, desc)
	}
	for _, c := range m.fundings {
		desc := c.kind
		if c.f != nil {
			desc += " " + c.f.ID + " " + c.f.Status
		}
		note(&c.call, desc)
	}
	for _, c := range m.asks {
		if c.step == m.step {
			for i, q := range c.rs {
				m.requests = append(m.requests, &refRequest{id: q.ID, requester: c.requester, payer: c.payers[i], amount: q.Amount.Minor})
			}
		}
		note(&c.call, fmt.Sprintf("request ×%d", len(c.rs)))
	}
	for _, c := range m.others {
		note(&c.call, c.desc)
	}
	return strings.Join(out, "; ")
}

func errText(err error) string {
	if code := cashless.ErrorCode(err); code != cashless.EInternal {
		return code
	}
	return "error: " + err.Error()
}

// state is what the wallet and the ledger hold, read after a step: the
// wallet's records first, then the ledger in one snapshot, so that a
// record read as final was final before the ledger was read.
type state struct {
	intents   map[string]*wallet.Intent // every intent, by id
	byKey     map[string]*wallet.Intent // by sender and idempotency key
	byRequest map[string][]*wallet.Intent
	fundings  map[string]*wallet.FundingRecord
	requests  map[string]*wallet.RequestRecord
	transfers map[string]ledger.StoredTransfer
	accounts  map[string]ledger.Account
	moves     map[string][]ledger.StoredTransfer // intent id → its committed transfers
}

func (r *modelRun) read() *state {
	ctx := context.Background()
	s := &state{intents: map[string]*wallet.Intent{}, byKey: map[string]*wallet.Intent{}, byRequest: map[string][]*wallet.Intent{},
		fundings: map[string]*wallet.FundingRecord{}, requests: map[string]*wallet.RequestRecord{},
		transfers: map[string]ledger.StoredTransfer{}, accounts: map[string]ledger.Account{}, moves: map[string][]ledger.StoredTransfer{}}
	for _, u := range r.users {
		for p := (cashless.Page{Limit: cashless.MaxPageLimit}); ; {
			its, more, err := r.b.store.Intents(ctx, u.ID, p)
			require.NoError(r.ft, err)
			for _, it := range its {
				if it.From.UserID == u.ID {
					s.intents[it.ID], s.byKey[u.ID+" "+it.IdempotencyKey] = it, it
					if it.RequestID != "" {
						s.byRequest[it.RequestID] = append(s.byRequest[it.RequestID], it)
					}
				}
			}
			if !more {
				break
			}
			p.StartingAfter = its[len(its)-1].ID
		}
		for _, kind := range []string{wallet.KindTopup, wallet.KindWithdrawal} {
			for p := (cashless.Page{Limit: cashless.MaxPageLimit}); ; {
				fs, more, err := r.b.store.Fundings(ctx, u.ID, kind, p)
				require.NoError(r.ft, err)
				for _, f := range fs {
					s.fundings[f.ID] = f
				}
				if !more {
					break
				}
				p.StartingAfter = fs[len(fs)-1].ID
			}
		}
	}
	for _, q := range r.ref.requests {
		rec, err := r.b.store.Request(ctx, q.id)
		require.NoError(r.ft, err)
		s.requests[q.id] = rec
	}
	require.NoError(r.ft, r.b.lstore.Scan(ctx, ledger.ScanVisitor{ // one snapshot of the ledger
		Transfer: func(t ledger.StoredTransfer) error { s.transfers[t.ID] = t; return nil },
		Account:  func(a ledger.Account) error { s.accounts[a.ID] = a; return nil },
	}))
	return s
}

// unsettled counts the fundings still pending and, with them, the intents
// still processing.
func (m *refModel) unsettled(r *modelRun) (fundings, inFlight int) {
	s := r.read()
	for _, f := range s.fundings {
		if f.Status == wallet.StatusPending {
			fundings++
		}
	}
	inFlight = fundings
	for _, it := range s.intents {
		if it.Status == wallet.StatusProcessing {
			inFlight++
		}
	}
	return fundings, inFlight
}

// check reads the wallet and the ledger and requires, with final set once
// everything has been drained:
//
//   - the ledger verifies, and every transfer in it belongs to an intent
//     (one of its attempts so far, between the intent's two wallets, for
//     its amount) or to a funding;
//   - a failed intent has no transfer for any attempt, a succeeded one
//     exactly one, one still processing at most one (none at the end);
//     failed and succeeded never change;
//   - a request is paid iff exactly one succeeded intent pays it, and never
//     has two intents in flight or paid at once, nor more than one
//     transfer; paid never changes;
//   - no limit is passed, and a window's use is what the processing and
//     succeeded sends in it add up to (a top-up window's, the top-ups not
//     failed, once none is pending);
//   - a funding's status agrees with its hold, post and void;
//   - each wallet holds what the succeeded sends, the sends the ledger
//     committed but the wallet has not yet recorded, and the settled
//     fundings make, holds the pending fundings as pending, and the wallets
//     and the bank account sum to zero;
//   - every answer agrees with the records (answers).
func (m *refModel) check(r *modelRun, final bool) {
	rt := r.ft
	s := r.read()
	rep, err := ledger.Verify(context.Background(), r.b.lstore)
	require.NoError(rt, err)
	require.True(rt, rep.OK(), "ledger verify: %+v", rep.Problems)

	mine := map[string]bool{}
	for _, a := range r.accts {
		mine[a] = true
	}
	for id, t := range s.transfers {
		if !mine[t.DebitAccountID] && !mine[t.CreditAccountID] && t.PendingID == "" {
			continue // another sequence's
		}
		switch t.Code {
		case "p2p":
			base, n := attemptOf(id)
			it := s.intents[base]
			require.NotNil(rt, it, "ledger transfer %s belongs to no intent", id)
			require.LessOrEqual(rt, n, it.Attempt, "ledger transfer %s is of an attempt intent %s never started", id, base)
			require.Equal(rt, [3]any{r.accts[it.From.UserID], r.accts[it.To.UserID], it.Amount.Minor}, [3]any{t.DebitAccountID, t.CreditAccountID, t.Amount}, "transfer %s", id)
			s.moves[base] = append(s.moves[base], t)
		case "topup", "withdrawal":
			fid := t.ID
			if t.PendingID != "" {
				fid = t.PendingID
			}
			hold := s.transfers[fid]
			if mine[hold.DebitAccountID] || mine[hold.CreditAccountID] {
				require.NotNil(rt, s.fundings[fid], "ledger transfer %s belongs to no funding", id)
			}
		default:
			rt.Fatalf("ledger transfer %s has an unknown code %q", id, t.Code)
		}
	}

	for _, it := range s.intents {
		m.settled(rt, "intent "+it.ID, it.Status, it.FailureCode, it.Status != wallet.StatusProcessing)
		n := len(s.moves[it.ID])
		switch it.Status {
		case wallet.StatusFailed:
			require.Zero(rt, n, "failed intent %s (%s) has a committed transfer: %v", it.ID, it.FailureCode, ids(s.moves[it.ID]))
		case wallet.StatusSucceeded:
			require.Equal(rt, 1, n, "succeeded intent %s has %d committed transfers: %v", it.ID, n, ids(s.moves[it.ID]))
		case wallet.StatusProcessing:
			require.False(rt, final, "intent %s still processing after the drain", it.ID)
			require.LessOrEqual(rt, n, 1, "intent %s has %d committed transfers: %v", it.ID, n, ids(s.moves[it.ID]))
		default:
			rt.Fatalf("intent %s has status %q", it.ID, it.Status)
		}
		require.LessOrEqual(rt, it.Attempt, 1, "intent %s: one automatic top-up gives one more attempt", it.ID)
	}

	m.checkRequests(r, s)
	m.checkLimits(r, s, final)
	m.checkFundings(r, s, final)
	m.checkBalances(r, s, final)
	m.answers(r, s, final)
	if final {
		for _, st := range r.b.wallets.Stats() {
			require.Zero(rt, st.Parked, "%s intents parked", st.Kind)
		}
		r.logf("reached: %s", m.summary(s))
	}
}

// settled requires a record seen final to be seen again as it was, and
// remembers what it is now.
func (m *refModel) settled(rt require.TestingT, what, status, code string, isFinal bool) {
	now := status + "/" + code
	if prev, ok := m.seen[what]; ok && prev != now && !strings.HasPrefix(prev, "!") {
		require.Failf(rt, "a final status changed", "%s was %s, is now %s", what, prev, now)
	}
	if isFinal {
		m.seen[what] = now
	} else {
		m.seen[what] = "!" + now
	}
}

// attemptOf splits a transfer id into its intent's id and its attempt.
func attemptOf(id string) (string, int) {
	base, n, ok := strings.Cut(id, ".")
	if !ok {
		return id, 0
	}
	a, err := strconv.Atoi(n)
	if err != nil {
		return id, -1
	}
	return base, a
}

func ids(ts []ledger.StoredTransfer) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func (m *refModel) checkRequests(r *modelRun, s *state) {
	rt := r.ft
	for _, q := range m.requests {
		rec := s.requests[q.id]
		m.settled(rt, "request "+q.id, rec.Status, "", rec.Status == wallet.RequestPaid)
		var paid, open []string
		moved := 0
		attempts := map[string]bool{}
		for _, it := range s.byRequest[q.id] {
			require.Equal(rt, [3]any{q.payer.ID, q.requester.ID, q.amount}, [3]any{it.From.UserID, it.To.UserID, it.Amount.Minor}, "intent %s pays request %s", it.ID, q.id)
			require.False(rt, attempts[it.IdempotencyKey], "two intents of request %s with key %s", q.id, it.IdempotencyKey)
			attempts[it.IdempotencyKey] = true
			moved += len(s.moves[it.ID])
			switch it.Status {
			case wallet.StatusSucceeded:
				paid = append(paid, it.ID)
				open = append(open, it.ID)
			case wallet.StatusProcessing:
				open = append(open, it.ID)
			}
		}
		require.LessOrEqual(rt, len(open), 1, "request %s has intents in flight or paid at once: %v", q.id, open)
		require.LessOrEqual(rt, moved, 1, "request %s was paid %d times in the ledger", q.id, moved)
		require.Equal(rt, len(paid) == 1, rec.Status == wallet.RequestPaid, "request %s is %s with succeeded intents %v", q.id, rec.Status, paid)
		if len(paid) == 1 {
			require.Equal(rt, paid[0], rec.TransferID, "request %s names the transfer that paid it", q.id)
		}
	}
}

// counted is amount when the intent or top-up still counts against a cap.
func counted(counts bool, amount int64) int64 {
	if counts {
		return amount
	}
	return 0
}

// checkLimits compares each window's use with the intents (and top-ups)
// in it.
func (m *refModel) checkLimits(r *modelRun, s *state, final bool) {
	rt := r.ft
	caps := map[string]int64{}
	for _, c := range modelCaps {
		caps[string(c.Period)] = c.Amount
	}
	for _, c := range modelTopupCaps {
		caps["topup:"+string(c.Period)] = c.Amount
	}
	pending := false
	for _, f := range s.fundings {
		pending = pending || f.Status == wallet.StatusPending
	}
	for _, u := range r.users {
		want := map[string]int64{}
		for _, it := range s.intents {
			if it.From.UserID != u.ID {
				continue
			}
			require.Len(rt, it.Windows, len(modelCaps), "intent %s reserved under every cap", it.ID)
			for _, win := range it.Windows {
				want[win] += counted(it.Status != wallet.StatusFailed, it.Amount.Minor)
			}
		}
		for _, f := range s.fundings {
			if f.UserID != u.ID || f.Kind != wallet.KindTopup {
				continue
			}
			for _, win := range f.Windows {
				want[win] += counted(f.Status != wallet.StatusFailed, f.Amount.Minor)
			}
		}
		windows := slices.Collect(maps.Keys(want))
		used, err := r.b.store.LimitUsage(context.Background(), u.ID, "HKD", windows)
		require.NoError(rt, err)
		for _, win := range windows {
			period := win[:strings.LastIndex(win, ":")] // "day", "topup:day", ...
			require.LessOrEqual(rt, used[win], caps[period], "%s's use of %s passes the cap", u.Username, win)
			if !strings.HasPrefix(win, "topup:") || !pending || final {
				require.Equal(rt, want[win], used[win], "%s's use of %s is not what the intents in it add up to", u.Username, win)
			}
		}
	}
}

func (m *refModel) checkFundings(r *modelRun, s *state, final bool) {
	rt := r.ft
	for _, f := range s.fundings {
		m.settled(rt, "funding "+f.ID, f.Status, f.FailureCode, f.Status != wallet.StatusPending)
		_, hold := s.transfers[f.ID]
		_, post := s.transfers[f.ID+".post"]
		_, void := s.transfers[f.ID+".void"]
		require.False(rt, post && void, "funding %s both posted and voided", f.ID)
		switch f.Status {
		case wallet.StatusSucceeded:
			require.True(rt, hold && post, "succeeded funding %s is not posted", f.ID)
		case wallet.StatusFailed:
			require.False(rt, post, "failed funding %s is posted", f.ID)
			require.True(rt, !hold || void, "failed funding %s still holds its money", f.ID)
		case wallet.StatusPending:
			require.False(rt, final, "funding %s still pending after the drain", f.ID)
		}
		if auto, ok := strings.CutPrefix(f.IdempotencyKey, "auto-topup:"); ok {
			it := s.intents[auto]
			require.NotNil(rt, it, "automatic top-up %s of no intent", f.ID)
			require.Equal(rt, it.From.UserID, f.UserID, "automatic top-up %s of another user's send", f.ID)
		}
	}
}

// checkBalances computes each wallet from the wallet's records and
// compares it with the ledger's account.
func (m *refModel) checkBalances(r *modelRun, s *state, final bool) {
	rt := r.ft
	posted, credPending, debPending := map[string]int64{}, map[string]int64{}, map[string]int64{}
	for _, it := range s.intents {
		if it.Status == wallet.StatusSucceeded || (it.Status == wallet.StatusProcessing && len(s.moves[it.ID]) == 1) {
			posted[it.From.UserID] -= it.Amount.Minor
			posted[it.To.UserID] += it.Amount.Minor
		}
	}
	for _, f := range s.fundings {
		_, hold := s.transfers[f.ID]
		_, post := s.transfers[f.ID+".post"]
		_, void := s.transfers[f.ID+".void"]
		sign := int64(1)
		if f.Kind == wallet.KindWithdrawal {
			sign = -1
		}
		switch {
		case post:
			posted[f.UserID] += sign * f.Amount.Minor
		case hold && !void && sign > 0:
			credPending[f.UserID] += f.Amount.Minor
		case hold && !void:
			debPending[f.UserID] += f.Amount.Minor
		}
	}
	for _, u := range r.users {
		a := s.accounts[r.accts[u.ID]]
		require.Equal(rt, [3]int64{posted[u.ID], credPending[u.ID], debPending[u.ID]}, [3]int64{a.Posted(), a.CreditsPending, a.DebitsPending},
			"%s's wallet (posted, pending in, pending out) is not what the wallet's records make", u.Username)
		if final {
			w, err := r.b.wallets.Wallet(context.Background(), u.ID, "HKD")
			require.NoError(rt, err)
			require.Equal(rt, [3]int64{posted[u.ID], posted[u.ID], 0}, [3]int64{w.Balance, w.Available, w.Pending}, "%s's wallet", u.Username)
		}
	}
	// Every sequence's wallets (the ledger is shared) and the bank account.
	var sum, sumPending int64
	for _, a := range s.accounts {
		sum += a.Posted()
		sumPending += a.Pending()
	}
	require.Contains(rt, s.accounts, "sys.bank.HKD")
	require.Zero(rt, sum, "the wallets and the bank account sum to zero")
	require.Zero(rt, sumPending, "pending money too")
}

// answers holds the wallet to what it answered: a transfer answered is the
// key's one intent, and a final status answered stays; a failure answered
// is (or, once drained, has become) that intent's failure; a key reused
// for another send is told so; a request payment answered as paid is the
// one that paid it. An error that a crash cut short binds nothing; any
// error outside what the call may answer is a failure.
func (m *refModel) answers(r *modelRun, s *state, final bool) {
	rt := r.ft
	sendKeys := map[string][]*sendCall{}
	for _, c := range m.sends {
		sendKeys[c.from.ID+" "+c.key] = append(sendKeys[c.from.ID+" "+c.key], c)
	}
	for k, calls := range sendKeys {
		it := s.byKey[k]
		refused := true
		for _, c := range calls {
			refused = refused && cashless.ErrorCode(c.err) == wallet.ELimitExceeded
			if !c.answered() {
				continue
			}
			same := it != nil && it.To.UserID == c.to.ID && it.Amount.Minor == c.amount
			switch code := cashless.ErrorCode(c.err); {
			case c.err == nil:
				require.True(rt, same, "send %s answered %s, not its intent", c.key, c.tr.ID)
				require.Equal(rt, it.ID, c.tr.ID, "send %s", c.key)
				if c.tr.Status != wallet.StatusProcessing {
					require.Equal(rt, c.tr.Status, it.Status, "send %s was answered %s", c.key, c.tr.Status)
				}
			case code == wallet.EInsufficientFunds:
				require.True(rt, same, "send %s answered %s without an intent", c.key, code)
				m.failedAs(rt, it, code, final, "send "+c.key)
			case code == wallet.EIdempotencyKeyReused:
				require.True(rt, it != nil && !same, "send %s answered %s", c.key, code)
			case code == wallet.ELimitExceeded:
			default:
				rt.Fatalf("send %s answered %v", c.key, c.err)
			}
		}
		if refused {
			require.Nil(rt, it, "send %s was refused for its limit, yet stored", calls[0].key)
		}
	}
	for _, c := range m.pays {
		if !c.answered() {
			continue
		}
		q, rec := c.req, s.requests[c.req.id]
		switch code := cashless.ErrorCode(c.err); {
		case c.err == nil:
			it := s.intents[c.tr.ID]
			require.NotNil(rt, it, "payment of %s answered %s, which is no intent", q.id, c.tr.ID)
			require.Equal(rt, [2]string{q.id, c.key}, [2]string{it.RequestID, it.ClientKey}, "payment of %s answered with intent %s", q.id, it.ID)
			if c.tr.Status != wallet.StatusProcessing {
				require.Equal(rt, c.tr.Status, it.Status, "payment of %s was answered %s", q.id, c.tr.Status)
			}
			if c.tr.Status == wallet.StatusSucceeded {
				require.Equal(rt, [2]string{wallet.RequestPaid, c.tr.ID}, [2]string{c.r.Status, rec.TransferID}, "request %s answered as paid", q.id)
			}
		case code == wallet.EInsufficientFunds:
			var mine *wallet.Intent
			for _, it := range s.byRequest[q.id] {
				if it.ClientKey == c.key && (mine == nil || it.Status == wallet.StatusFailed) {
					mine = it
				}
			}
			require.NotNil(rt, mine, "payment of %s with key %s answered %s without an intent", q.id, c.key, code)
			m.failedAs(rt, mine, code, final, "payment of "+q.id)
		case code == wallet.ERequestAlreadyPaid:
			require.NotEmpty(rt, s.byRequest[q.id], "request %s answered as already paid, with no payment", q.id)
		case code == wallet.ERequestNotPending:
			require.True(rt, rec.Status != wallet.RequestPending || !rec.Expires.After(r.b.clock.Now()), "request %s answered as not pending", q.id)
		case code == wallet.ELimitExceeded:
		default:
			rt.Fatalf("payment of %s answered %v", q.id, c.err)
		}
	}
	for _, c := range m.fundings {
		if !c.answered() {
			continue
		}
		switch code := cashless.ErrorCode(c.err); {
		case c.err == nil:
			f := s.fundings[c.f.ID]
			require.NotNil(rt, f, "%s answered %s, which is not stored", c.kind, c.f.ID)
			require.Equal(rt, [3]any{c.user.ID, c.kind, c.amount}, [3]any{f.UserID, f.Kind, f.Amount.Minor}, "%s %s", c.kind, f.ID)
		case code == wallet.EBankDeclined || code == wallet.EInsufficientFunds && c.kind == wallet.KindWithdrawal:
			f, err := r.b.store.FundingByKey(context.Background(), c.user.ID, c.kind, c.key)
			require.NoError(rt, err, "%s %s answered %s", c.kind, c.key, code)
			require.Equal(rt, [2]string{wallet.StatusFailed, code}, [2]string{f.Status, f.FailureCode}, "%s %s answered %s", c.kind, f.ID, code)
		case code == wallet.ELimitExceeded && c.kind == wallet.KindTopup:
		default:
			rt.Fatalf("%s %s answered %v", c.kind, c.key, c.err)
		}
	}
	for _, c := range m.asks {
		if c.answered() && c.err != nil {
			rt.Fatalf("request answered %v", c.err)
		}
	}
	for _, c := range m.others {
		if c.answered() && c.err != nil && !slices.Contains(c.codes, cashless.ErrorCode(c.err)) {
			rt.Fatalf("%s answered %v", c.desc, c.err)
		}
	}
}

// failedAs requires an intent answered as failed with code to be failed
// with it, or, before the drain, still processing (another driver holds
// it and will be told the same refusal).
func (m *refModel) failedAs(rt require.TestingT, it *wallet.Intent, code string, final bool, what string) {
	if it.Status == wallet.StatusProcessing && !final {
		return
	}
	require.Equal(rt, [2]string{wallet.StatusFailed, code}, [2]string{it.Status, it.FailureCode},
		"%s was answered %s, but intent %s (at attempt %d) is %s", what, code, it.ID, it.Attempt, it.Status)
}

// predict says what a lone payment (the step's one call, a new send or
// the payment of a request that is pending with nothing in flight) must
// answer, from the state before it: limit_exceeded when it would pass a
// cap; success when the payer has the money; insufficient_funds when they
// do not, without automatic top-ups and with no funding of theirs pending
// (a settling one could bring money in). It returns the check to run after
// the step, or false when it cannot say.
func (m *refModel) predict(r *modelRun, acts []action) (func(), bool) {
	if len(acts) != 1 {
		return nil, false
	}
	var payer *identity.User
	var amount int64
	var answer func() (*wallet.Transfer, error)
	for _, c := range m.sends {
		if c.step == m.step {
			for _, o := range m.sends {
				if o != c && o.key == c.key && o.from == c.from {
					return nil, false
				}
			}
			payer, amount, answer = c.from, c.amount, func() (*wallet.Transfer, error) { return c.tr, c.err }
		}
	}
	for _, c := range m.pays {
		if c.step == m.step {
			payer, amount, answer = c.req.payer, c.req.amount, func() (*wallet.Transfer, error) { return c.tr, c.err }
			s := r.read()
			if s.requests[c.req.id].Status != wallet.RequestPending || !s.requests[c.req.id].Expires.After(r.b.clock.Now()) {
				return nil, false
			}
			for _, it := range s.byRequest[c.req.id] {
				if it.Status != wallet.StatusFailed {
					return nil, false
				}
			}
		}
	}
	if payer == nil {
		return nil, false
	}
	ctx := context.Background()
	w, err := r.b.wallets.Wallet(ctx, payer.ID, "HKD")
	require.NoError(r.ft, err)
	settling := false
	s := r.read()
	for _, f := range s.fundings {
		settling = settling || (f.UserID == payer.ID && f.Status == wallet.StatusPending)
	}
	use, err := r.b.wallets.Limits(ctx, payer.ID, "HKD")
	require.NoError(r.ft, err)
	want := ""
	for _, u := range use {
		if u.Used.Minor+amount > u.Cap.Minor {
			want = wallet.ELimitExceeded
		}
	}
	switch {
	case want != "":
	case w.Available >= amount:
		want = wallet.StatusSucceeded
	case !r.opts.AutoTopup && !settling:
		want = wallet.EInsufficientFunds
	default:
		return nil, false
	}
	m.predicted++
	return func() {
		tr, err := answer()
		got := statusOf(tr)
		if err != nil {
			got = cashless.ErrorCode(err)
		}
		require.Equal(r.ft, want, got, "a lone payment of %d by %s, with %d available: %v", amount, payer.Username, w.Available, err)
	}, true
}

func statusOf(t *wallet.Transfer) string {
	if t == nil {
		return ""
	}
	return t.Status
}

// summary counts what a sequence reached, for the log.
func (m *refModel) summary(s *state) string {
	n := map[string]int{}
	for _, it := range s.intents {
		n["intent "+it.Status+" "+it.FailureCode]++
		if it.Attempt > 0 {
			n["attempt 1 "+it.Status]++
		}
		if it.RequestID != "" {
			n["payment "+it.Status]++
		}
	}
	for _, f := range s.fundings {
		if id, ok := strings.CutPrefix(f.IdempotencyKey, "auto-topup:"); ok {
			it := s.intents[id]
			n[fmt.Sprintf("auto top-up %s/intent %s attempt %d", f.Status, it.Status, it.Attempt)]++
		}
	}
	for _, c := range m.sends {
		n["send answer "+errText(c.err)+statusOf(c.tr)]++
	}
	for _, c := range m.pays {
		n["pay answer "+errText(c.err)+statusOf(c.tr)]++
	}
	n["answers foretold"] = m.predicted
	keys := slices.Sorted(maps.Keys(n))
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fmt.Sprintf("%s: %d", k, n[k])
	}
	return strings.Join(out, ", ")
}
