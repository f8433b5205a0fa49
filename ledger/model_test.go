package ledger_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/internal/testclock"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// TestModel runs random sequences of account creations, transfer calls and
// clock moves against the engine and against refModel, and requires the two
// to agree after every step: each result, every account, every transfer
// sent; at the end Verify passes and an account's history is the model's.
//
// A failure prints the shrunk sequence, one step per log line, and saves it
// under testdata/rapid. Replay it with the -rapid.seed or -rapid.failfile the
// failure names; -rapid.checks sets the number of sequences (100 by default,
// 20 with -short).
func TestModel(t *testing.T) {
	t.Parallel()
	for _, d := range sqldbtest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			rapid.Check(t, func(rt *rapid.T) {
				newModelRun(t, rt, d).run()
			})
		})
	}
}

// modelAccounts are the ids the sequences create accounts under, and
// modelNobody one that never exists.
var (
	modelAccounts = []string{"a0", "a1", "a2", "a3"}
	modelNobody   = "zz"
)

// modelRun is one sequence: the engine on a fresh database, the model, and
// what was sent so far, which later steps draw ids from.
type modelRun struct {
	rt    *rapid.T
	ctx   context.Context
	tb    *testBundle
	model *refModel
	sent  []ledger.Transfer // every transfer drawn, in order
	start time.Time         // the clock at the start; results print time since
}

// newModelRun starts an engine on a fresh database. The database belongs to
// the enclosing test (it is removed when t ends); the engine is closed when
// the check ends.
func newModelRun(t *testing.T, rt *rapid.T, d sqldb.Dialect) *modelRun {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, sqldbtest.URL(t, d))
	require.NoError(rt, err)
	rt.Cleanup(func() { db.Close() })
	require.NoError(rt, sqlstore.Migrate(ctx, db))
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clk := testclock.New(start)
	store := sqlstore.New(db)
	eng := ledger.NewEngine(store, ledger.Options{Now: clk.Now, ExpiryInterval: time.Hour})
	rt.Cleanup(func() { _ = eng.Close(ctx) })
	tb := &testBundle{ctx: ctx, db: db, store: store, engine: eng, clock: clk}
	return &modelRun{rt: rt, ctx: ctx, tb: tb, model: newRefModel(start), start: start}
}

// run draws and checks 20–60 steps. Until two accounts exist every step
// creates accounts, so that transfers have somewhere to go.
func (r *modelRun) run() {
	for range rapid.IntRange(20, 60).Draw(r.rt, "steps") {
		op := rapid.SampledFrom([]string{"clock", "transfers", "accounts", "transfers", "transfers"}).Draw(r.rt, "op")
		if len(r.model.accounts) < 2 {
			op = "accounts"
		}
		switch op {
		case "accounts":
			r.createAccounts()
		case "transfers":
			r.createTransfers()
		case "clock":
			r.advanceClock()
		}
		r.checkAccounts()
	}
	r.checkVerify()
	if ids := slices.Sorted(maps.Keys(r.model.accounts)); len(ids) > 0 {
		r.checkHistory(rapid.SampledFrom(ids).Draw(r.rt, "history of"))
	}
}

func (r *modelRun) createAccounts() {
	accounts := rapid.SliceOfN(accountGen, 1, 3).Draw(r.rt, "accounts")
	got, err := r.tb.engine.CreateAccounts(r.ctx, accounts)
	require.NoError(r.rt, err)
	want := r.model.createAccounts(accounts)
	descs := make([]string, len(accounts))
	for i, a := range accounts {
		descs[i] = fmt.Sprintf("%s %s %s flags=%d", a.ID, a.Currency, a.Code, a.Flags)
	}
	r.rt.Logf("accounts [%s] → %v", strings.Join(descs, " | "), r.render(want))
	require.Equal(r.rt, r.render(want), r.renderResults(got), "results of CreateAccounts")
}

func (r *modelRun) createTransfers() {
	n := rapid.IntRange(1, 4).Draw(r.rt, "transfers")
	call := make([]ledger.Transfer, n)
	descs := make([]string, n)
	for i := range call {
		call[i] = r.transferGen().Draw(r.rt, "transfer")
		r.sent = append(r.sent, call[i])
		descs[i] = describe(call[i])
	}
	got, err := r.tb.engine.CreateTransfers(r.ctx, call)
	require.NoError(r.rt, err)
	want := r.model.createTransfers(call)
	r.rt.Logf("transfers [%s] → %v", strings.Join(descs, " | "), r.render(want))
	require.Equal(r.rt, r.render(want), r.renderResults(got), "results of CreateTransfers")
	r.checkTransfers(call)
}

// advanceClock moves the clock, so that pending transfers time out, and
// maybe lets the engine void the ones that did. Steps of the drawn timeouts,
// give or take a microsecond, hit expiry times exactly.
func (r *modelRun) advanceClock() {
	secs := rapid.OneOf(rapid.SampledFrom([]int{0, 1, 5, 30}), rapid.IntRange(0, 40)).Draw(r.rt, "seconds")
	us := rapid.SampledFrom([]int{0, 1, -1, 500_000}).Draw(r.rt, "microseconds")
	d := max(0, time.Duration(secs)*time.Second+time.Duration(us)*time.Microsecond)
	r.tb.clock.Advance(d)
	r.model.now = r.model.now.Add(d)
	expire := rapid.Bool().Draw(r.rt, "expire")
	r.rt.Logf("clock +%v, expire %v", d, expire)
	if !expire {
		return
	}
	due := r.model.due()
	require.NoError(r.rt, r.tb.engine.ExpireDue(r.ctx))
	// Pending transfers that expire at the same microsecond are voided in an
	// unspecified order: take the engine's, after checking it keeps to
	// expiry order.
	voids, err := r.tb.engine.LookupTransfers(r.ctx, expiryIDs(due))
	require.NoError(r.rt, err)
	require.Len(r.rt, voids, len(due), "expiry voids of %v", due)
	slices.SortFunc(voids, func(a, b ledger.Transfer) int { return a.Timestamp.Compare(b.Timestamp) })
	for i, v := range voids {
		due[i] = v.PendingID
		if i > 0 {
			require.LessOrEqual(r.rt, r.model.pending[due[i-1]].expiresUS, r.model.pending[due[i]].expiresUS, "expiry order")
		}
	}
	r.rt.Logf("  expired %v", due)
	for i, res := range r.model.expire(due) {
		require.Empty(r.rt, res.code, "the model refuses the expiry of %s", due[i])
	}
	require.Equal(r.rt, r.model.lookup(expiryIDs(due)), nilIfEmpty(voids), "expiry voids")
}

func expiryIDs(pendingIDs []string) []string {
	ids := make([]string, len(pendingIDs))
	for i, id := range pendingIDs {
		ids[i] = "expire:" + id
	}
	return ids
}

// checkAccounts compares every account, and asks for one that does not exist.
func (r *modelRun) checkAccounts() {
	ids := append(slices.Clone(modelAccounts), modelNobody)
	got, err := r.tb.engine.LookupAccounts(r.ctx, ids)
	require.NoError(r.rt, err)
	var want []ledger.Account
	for _, id := range ids {
		if a, ok := r.model.accounts[id]; ok {
			want = append(want, a)
		}
	}
	require.Equal(r.rt, want, nilIfEmpty(got), "accounts")
}

// checkTransfers compares the stored form of the transfers of a call, and
// the refusals recorded for them.
func (r *modelRun) checkTransfers(call []ledger.Transfer) {
	ids := make([]string, len(call))
	for i, t := range call {
		ids[i] = t.ID
	}
	got, err := r.tb.engine.LookupTransfers(r.ctx, ids)
	require.NoError(r.rt, err)
	require.Equal(r.rt, r.model.lookup(ids), nilIfEmpty(got), "stored transfers")
	refused, err := r.tb.engine.LookupRefusals(r.ctx, ids)
	require.NoError(r.rt, err)
	var views []refusalView
	for _, rf := range refused {
		views = append(views, refusalView{Transfer: rf.Transfer, Code: rf.Code})
	}
	require.Equal(r.rt, r.model.lookupRefusals(ids), views, "recorded refusals")
}

func (r *modelRun) checkVerify() {
	rep, err := ledger.Verify(r.ctx, r.tb.store)
	require.NoError(r.rt, err)
	require.True(r.rt, rep.OK(), "verify: %+v", rep.Problems)
	require.Equal(r.rt, int64(len(r.model.transfers)), rep.Transfers, "transfers verified")
	require.Equal(r.rt, int64(len(r.model.refusals)), rep.Refusals, "refusals verified")
	require.Equal(r.rt, int64(len(r.model.accounts)), rep.Accounts, "accounts verified")
	require.Equal(r.rt, r.model.outstanding(), rep.Pending, "outstanding pending transfers")
}

// checkHistory pages through an account's history with a random page size.
func (r *modelRun) checkHistory(accountID string) {
	limit := rapid.IntRange(1, 5).Draw(r.rt, "page size")
	want := r.model.history(accountID)
	var got []ledger.HistoryEntry
	f := ledger.HistoryFilter{AccountID: accountID, Limit: limit}
	for {
		page, err := r.tb.engine.History(r.ctx, f)
		require.NoError(r.rt, err)
		got = append(got, page.Entries...)
		require.Equal(r.rt, len(got) < len(want), page.HasMore, "has_more after %d of %d entries", len(got), len(want))
		if !page.HasMore || len(page.Entries) == 0 {
			break
		}
		f.StartingAfter = page.Entries[len(page.Entries)-1].Transfer.ID
	}
	require.Equal(r.rt, want, nilIfEmpty(got), "history of %s", accountID)
}

// render and renderResults turn results into comparable, readable lines:
// the code, or "ok", with "replayed" and the timestamp in microseconds since
// the start when there are any.
func (r *modelRun) render(res []refResult) []string {
	out := make([]string, len(res))
	for i, x := range res {
		switch {
		case x.code != "" && x.replayed:
			out[i] = fmt.Sprintf("%s replayed@%d", x.code, r.sinceStart(x.at))
		case x.code != "" && !x.at.IsZero():
			out[i] = fmt.Sprintf("%s@%d", x.code, r.sinceStart(x.at))
		case x.code != "":
			out[i] = x.code
		case x.replayed:
			out[i] = fmt.Sprintf("replayed@%d", r.sinceStart(x.at))
		default:
			out[i] = fmt.Sprintf("ok@%d", r.sinceStart(x.at))
		}
	}
	return out
}

func (r *modelRun) renderResults(res []ledger.Result) []string {
	out := make([]refResult, len(res))
	for i, x := range res {
		out[i] = refResult{code: cashless.ErrorCode(x.Err), replayed: x.Replayed, at: x.Timestamp}
	}
	return r.render(out)
}

func (r *modelRun) sinceStart(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Sub(r.start).Microseconds()
}

// accountGen draws an account to create: mostly valid ones of the three kinds
// in two currencies, sometimes an invalid one.
var accountGen = rapid.Custom(func(t *rapid.T) ledger.Account {
	id := rapid.SampledFrom(append(slices.Clone(modelAccounts), "bad id")).Draw(t, "id")
	a := rapid.SampledFrom([]ledger.Account{
		{Currency: "HKD", Code: "wallet", Flags: ledger.DebitsMustNotExceedCredits},
		{Currency: "HKD", Code: "bank"},
		{Currency: "HKD", Code: "settlement", Flags: ledger.CreditsMustNotExceedDebits},
		{Currency: "JPY", Code: "wallet", Flags: ledger.DebitsMustNotExceedCredits},
		{Currency: "JPY", Code: "bank"},
		{Currency: "JPY", Code: "settlement", Flags: ledger.CreditsMustNotExceedDebits},
		{Currency: "HKD", Code: "wallet", Flags: ledger.DebitsMustNotExceedCredits | ledger.CreditsMustNotExceedDebits},
		{Currency: "ZZZ", Code: "bank"},
		{Currency: "HKD", Code: "Bank"},
	}).Draw(t, "kind")
	a.ID = id
	return a
})

// amountGen draws amounts: mostly small, sometimes zero, negative or near
// the int64 limit.
var amountGen = rapid.Custom(func(t *rapid.T) int64 {
	if !rare(t, 6, "odd amount") {
		return rapid.Int64Range(1, 500).Draw(t, "amount")
	}
	return rapid.OneOf(
		rapid.Just[int64](0),
		rapid.Int64Range(-100, -1),
		rapid.SampledFrom([]int64{math.MaxInt64, math.MaxInt64 - 1, math.MaxInt64/2 + 1}),
		rapid.Int64Range(500, 1_000_000),
	).Draw(t, "odd amount")
})

// transferGen draws the next transfer of a call from what the run has seen:
// a plain or pending transfer between known (or unknown) accounts, a post or
// void of an earlier transfer, or an earlier transfer sent again; now and
// then a malformed one.
func (r *modelRun) transferGen() *rapid.Generator[ledger.Transfer] {
	return rapid.Custom(func(t *rapid.T) ledger.Transfer {
		var tr ledger.Transfer
		switch kind := rapid.SampledFrom([]string{"plain", "pending", "post", "void", "resend", "plain", "pending"}).Draw(t, "kind"); {
		case kind == "resend" && len(r.sent) > 0:
			tr = rapid.SampledFrom(r.sent).Draw(t, "earlier")
			if rapid.Bool().Draw(t, "change amount") {
				tr.Amount++
			}
			return tr
		case kind == "post" || kind == "void":
			tr = r.resolveGen(kind == "post").Draw(t, "resolve")
		default:
			pair := r.pairGen().Draw(t, "accounts")
			tr.DebitAccountID, tr.CreditAccountID = pair[0], pair[1]
			tr.Currency = "HKD"
			if a, ok := r.model.accounts[tr.DebitAccountID]; ok {
				tr.Currency = a.Currency
			}
			if rare(t, 10, "other currency") {
				tr.Currency = rapid.SampledFrom([]string{"JPY", "HKD", ""}).Draw(t, "currency")
			}
			tr.Amount = amountGen.Draw(t, "amount")
			if kind == "pending" {
				tr.Flags = ledger.Pending
				tr.Timeout = rapid.SampledFrom([]time.Duration{0, time.Second, 5 * time.Second, 30 * time.Second}).Draw(t, "timeout")
			}
		}
		tr.ID = fmt.Sprintf("t%d", len(r.sent))
		tr.Code = rapid.SampledFrom([]string{"p2p", "", "expired"}).Draw(t, "code")
		if rare(t, 8, "metadata") {
			tr.Metadata = "note"
		}
		if rare(t, 15, "malformed") {
			switch rapid.IntRange(0, 9).Draw(t, "how") {
			case 0:
				tr.ID = "bad id"
			case 1:
				tr.Code = "P2P"
			case 2:
				tr.Metadata = strings.Repeat("x", ledger.MaxMetadataLength+1)
			case 3:
				tr.Flags |= ledger.Pending | ledger.VoidPending
			case 4:
				tr.Flags |= 1 << 10
			case 5:
				tr.Timeout = time.Second
			case 6:
				tr.Timeout = rapid.SampledFrom([]time.Duration{-time.Second, 1500 * time.Millisecond, ledger.MaxTimeout + time.Second}).Draw(t, "timeout")
			case 7:
				tr.PendingID = "t0"
			case 8:
				tr.PendingID = ""
			case 9:
				tr.Amount = -1
			}
		}
		if rare(t, 5, "linked") {
			tr.Flags |= ledger.Linked
		}
		return tr
	})
}

// pairGen draws the debit and credit account of a transfer: mostly two
// distinct existing accounts of one currency, sometimes any two ids, the same
// one twice or one that never exists.
func (r *modelRun) pairGen() *rapid.Generator[[2]string] {
	return rapid.Custom(func(t *rapid.T) [2]string {
		anyID := rapid.SampledFrom(append(slices.Clone(modelAccounts), modelNobody))
		existing := slices.Sorted(maps.Keys(r.model.accounts))
		if len(existing) < 2 || rare(t, 8, "any accounts") {
			return [2]string{anyID.Draw(t, "debit"), anyID.Draw(t, "credit")}
		}
		debit := rapid.SampledFrom(existing).Draw(t, "debit")
		var credits []string
		for _, id := range existing {
			if id != debit && r.model.accounts[id].Currency == r.model.accounts[debit].Currency {
				credits = append(credits, id)
			}
		}
		if len(credits) == 0 || rare(t, 8, "any credit") {
			return [2]string{debit, anyID.Draw(t, "credit")}
		}
		return [2]string{debit, rapid.SampledFrom(credits).Draw(t, "credit")}
	})
}

// resolveGen draws a post or void: mostly of a pending transfer committed
// earlier, sometimes of any transfer sent earlier or an unknown id, with
// accounts and amount that mostly fit the pending transfer.
func (r *modelRun) resolveGen(post bool) *rapid.Generator[ledger.Transfer] {
	return rapid.Custom(func(t *rapid.T) ledger.Transfer {
		tr := ledger.Transfer{Flags: ledger.VoidPending}
		if post {
			tr.Flags = ledger.PostPending
		}
		var outstanding, resolved []string
		for _, id := range slices.Sorted(maps.Keys(r.model.pending)) {
			if r.model.pending[id].state == ledger.StatePending {
				outstanding = append(outstanding, id)
			} else {
				resolved = append(resolved, id)
			}
		}
		switch {
		case len(outstanding) > 0 && !rare(t, 4, "not outstanding"):
			tr.PendingID = rapid.SampledFrom(outstanding).Draw(t, "pending id")
		case len(resolved) > 0 && rapid.Bool().Draw(t, "resolved"):
			tr.PendingID = rapid.SampledFrom(resolved).Draw(t, "pending id")
		case len(r.sent) > 0 && !rare(t, 4, "unknown id"):
			tr.PendingID = rapid.SampledFrom(r.sent).Draw(t, "earlier").ID
		default:
			tr.PendingID = rapid.SampledFrom([]string{"nope", "expire:t0"}).Draw(t, "pending id")
		}
		p, known := r.model.pending[tr.PendingID]
		if known && rare(t, 4, "give accounts") {
			tr.DebitAccountID, tr.CreditAccountID, tr.Currency = p.debit, p.credit, p.currency
			if rare(t, 3, "wrong account") {
				tr.CreditAccountID = rapid.SampledFrom(modelAccounts).Draw(t, "credit")
			}
		}
		if !known {
			tr.Amount = rapid.SampledFrom([]int64{0, 1}).Draw(t, "amount")
			return tr
		}
		choices := []int64{0, p.amount, p.amount + 1}
		if post && p.amount > 1 {
			choices = append(choices, rapid.Int64Range(1, p.amount-1).Draw(t, "part"))
		}
		tr.Amount = rapid.SampledFrom(choices).Draw(t, "amount")
		return tr
	})
}

// rare reports true about once in n draws, and false when shrunk.
func rare(t *rapid.T, n int, label string) bool {
	return rapid.IntRange(0, n-1).Draw(t, label) == n-1
}

// describe prints a transfer in one short line for the failure log.
func describe(t ledger.Transfer) string {
	var b strings.Builder
	b.WriteString(t.ID)
	switch kindOf(t) {
	case ledger.PostPending:
		fmt.Fprintf(&b, " post(%s)", t.PendingID)
	case ledger.VoidPending:
		fmt.Fprintf(&b, " void(%s)", t.PendingID)
	case ledger.Pending:
		fmt.Fprintf(&b, " pending(%v)", t.Timeout)
	}
	if t.DebitAccountID != "" || t.CreditAccountID != "" {
		fmt.Fprintf(&b, " %s→%s", t.DebitAccountID, t.CreditAccountID)
	}
	fmt.Fprintf(&b, " %d %s", t.Amount, t.Currency)
	if t.Flags&ledger.Linked != 0 {
		b.WriteString(" linked")
	}
	if refShape(t, false) == ledger.InvalidFlags {
		fmt.Fprintf(&b, " flags=%d", t.Flags)
	}
	if t.Code != "" {
		fmt.Fprintf(&b, " code=%s", t.Code)
	}
	if t.Metadata != "" {
		fmt.Fprintf(&b, " metadata=%dB", len(t.Metadata))
	}
	if t.Timeout != 0 && kindOf(t) != ledger.Pending {
		fmt.Fprintf(&b, " timeout=%v", t.Timeout)
	}
	if t.PendingID != "" && kindOf(t)&(ledger.PostPending|ledger.VoidPending) == 0 {
		fmt.Fprintf(&b, " pending_id=%s", t.PendingID)
	}
	return b.String()
}

// nilIfEmpty makes an empty slice nil, as the model returns it.
func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}
