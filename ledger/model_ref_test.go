package ledger_test

import (
	"cmp"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cashless-dev/cashless/ledger"
)

// refModel is the reference ledger TestModel holds the engine to. It is
// written from the documented semantics (the doc comments of ledger.go and the
// rules of validate.go and apply.go), never from the engine's internals, and
// keeps everything in memory, choosing plainness over speed.
type refModel struct {
	now       time.Time // the clock, advanced by the test together with the engine's
	lastUS    int64     // timestamp of the last committed transfer, unix microseconds
	accounts  map[string]ledger.Account
	transfers map[string]refTransfer // committed transfers by id
	order     []string               // ids of the committed transfers, oldest first
	pending   map[string]refPending  // pending transfers by id, whatever their state
	refusals  map[string]refRefusal  // recorded refusals by id
}

// refRefusal is a refused transfer as the ledger records it: as it was
// sent, with the refusal's code and timestamp.
type refRefusal struct {
	sent ledger.Transfer
	code string
	at   time.Time
}

// refTransfer is a committed transfer as the ledger stores it: for a post or
// void, accounts, currency and amount are taken from the pending transfer.
type refTransfer struct {
	ledger.Transfer
	debitAfter, creditAfter ledger.Balances // the two accounts' balances just after it
}

// refPending is a pending transfer and how far through its life it is.
type refPending struct {
	debit, credit, currency string
	amount                  int64
	expiresUS               int64 // 0: it never expires
	state                   ledger.PendingState
}

// refResult is what the model expects of one create.
type refResult struct {
	code     string // "" on success
	replayed bool
	at       time.Time // zero when refused
}

func newRefModel(now time.Time) *refModel {
	return &refModel{
		now:       now,
		accounts:  map[string]ledger.Account{},
		transfers: map[string]refTransfer{},
		pending:   map[string]refPending{},
		refusals:  map[string]refRefusal{},
	}
}

var (
	refID   = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	refCode = regexp.MustCompile(`^[a-z0-9_]{0,32}$`)
)

// refCurrencies are the currencies the generated accounts use; the model
// treats every other code as unknown.
var refCurrencies = []string{"HKD", "JPY"}

// createAccounts mirrors Service.CreateAccounts: an account with a known id
// replays when its fields are the same (also for a repeat within the call)
// and is refused otherwise.
func (m *refModel) createAccounts(accounts []ledger.Account) []refResult {
	created := m.now.UTC().Truncate(time.Microsecond)
	out := make([]refResult, len(accounts))
	for i, a := range accounts {
		switch old, exists := m.accounts[a.ID]; {
		case !refID.MatchString(a.ID):
			out[i].code = ledger.InvalidID
		case !refCode.MatchString(a.Code):
			out[i].code = ledger.InvalidCode
		case !slices.Contains(refCurrencies, a.Currency):
			out[i].code = ledger.UnknownCurrency
		case a.Flags&^(ledger.DebitsMustNotExceedCredits|ledger.CreditsMustNotExceedDebits) != 0,
			a.Flags == ledger.DebitsMustNotExceedCredits|ledger.CreditsMustNotExceedDebits:
			out[i].code = ledger.InvalidFlags
		case a.Balances != (ledger.Balances{}):
			out[i].code = ledger.InvalidBalances
		case exists && (old.Currency != a.Currency || old.Code != a.Code || old.Flags != a.Flags):
			out[i].code = ledger.ExistsWithDifferentFields
		case exists:
			out[i] = refResult{replayed: true, at: old.Created}
		default:
			a.Created = created
			m.accounts[a.ID] = a
			out[i].at = created
		}
	}
	return out
}

// createTransfers mirrors Service.CreateTransfers for one call: transfers
// apply in order, each seeing the ones before it; a linked chain commits whole
// or not at all; a chain still open at the end of the call is refused whole.
// Once a chain is decided its refusals are recorded in order.
func (m *refModel) createTransfers(ts []ledger.Transfer) []refResult {
	out := make([]refResult, len(ts))
	for start := 0; start < len(ts); {
		last := start
		for last < len(ts) && ts[last].Flags&ledger.Linked != 0 {
			last++
		}
		if last == len(ts) {
			for i := start; i < len(ts); i++ {
				out[i] = m.refusedWhole(ts[i], ledger.LinkedEventChainOpen)
				m.record(ts[i], &out[i], false)
			}
			break
		}
		before := m.clone()
		failed := -1
		for i := start; i <= last && failed < 0; i++ {
			if out[i] = m.transfer(ts[i], false); out[i].code != "" {
				failed = i
			}
		}
		if failed >= 0 {
			if last > start {
				*m = *before
			}
			for i := start; i <= last; i++ {
				if i != failed {
					out[i] = m.refusedWhole(ts[i], ledger.LinkedEventFailed)
				}
				m.record(ts[i], &out[i], false)
			}
		}
		start = last + 1
	}
	return out
}

// refusedWhole answers a member of a chain that is refused whole: an id
// refused before answers as it did then, any other with the chain's code.
func (m *refModel) refusedWhole(t ledger.Transfer, code string) refResult {
	if r, ok := m.refusals[t.ID]; ok && refID.MatchString(t.ID) {
		return r.replay(t)
	}
	return refResult{code: code}
}

// record records a refusal with the next timestamp, unless the id is
// invalid, already committed or refused, or the refusal is a replay or says
// the id is taken.
func (m *refModel) record(t ledger.Transfer, res *refResult, internal bool) {
	_, committed := m.transfers[t.ID]
	_, refused := m.refusals[t.ID]
	if res.code == "" || res.replayed || res.code == ledger.ExistsWithDifferentFields ||
		!internal && !refID.MatchString(t.ID) || committed || refused {
		return
	}
	m.lastUS = max(m.now.UnixMicro(), m.lastUS+1)
	res.at = time.UnixMicro(m.lastUS).UTC()
	m.refusals[t.ID] = refRefusal{sent: t, code: res.code, at: res.at}
}

// replay answers t, sent with the id of r: r again when every field is
// the same, otherwise a refusal that the id is taken.
func (r refRefusal) replay(t ledger.Transfer) refResult {
	t.Timestamp = r.sent.Timestamp
	if t != r.sent {
		return refResult{code: ledger.ExistsWithDifferentFields}
	}
	return refResult{code: r.code, replayed: true, at: r.at}
}

// transfer validates and applies one transfer. internal marks the voids the
// ledger issues itself for expired pending transfers.
func (m *refModel) transfer(t ledger.Transfer, internal bool) refResult {
	if !internal && !refID.MatchString(t.ID) {
		return refResult{code: ledger.InvalidID}
	}
	if r, ok := m.refusals[t.ID]; ok {
		return r.replay(t)
	}
	if code := refShape(t, internal); code != "" {
		return refResult{code: code}
	}
	if old, ok := m.transfers[t.ID]; ok {
		if !sameTransfer(t, old.Transfer) {
			return refResult{code: ledger.ExistsWithDifferentFields}
		}
		return refResult{replayed: true, at: old.Timestamp}
	}
	row, kind := t, kindOf(t)
	var p refPending
	if kind == ledger.PostPending || kind == ledger.VoidPending {
		var code string
		if p, code = m.pendingFor(t, internal); code != "" {
			return refResult{code: code}
		}
		row.DebitAccountID, row.CreditAccountID, row.Currency, row.Amount = p.debit, p.credit, p.currency, p.amount
		if kind == ledger.PostPending && t.Amount != 0 {
			row.Amount = t.Amount
		}
	}
	dr, drOK := m.accounts[row.DebitAccountID]
	cr, crOK := m.accounts[row.CreditAccountID]
	switch {
	case !drOK:
		return refResult{code: ledger.DebitAccountNotFound}
	case !crOK:
		return refResult{code: ledger.CreditAccountNotFound}
	case dr.Currency != row.Currency || cr.Currency != row.Currency:
		return refResult{code: ledger.CurrencyMismatch}
	}
	d, c := dr.Balances, cr.Balances
	ok := true
	switch kind {
	case ledger.Pending:
		ok = shift(&d.DebitsPending, row.Amount) && shift(&c.CreditsPending, row.Amount)
	case ledger.PostPending, ledger.VoidPending:
		ok = shift(&d.DebitsPending, -p.amount) && shift(&c.CreditsPending, -p.amount)
		if kind == ledger.PostPending {
			ok = ok && shift(&d.DebitsPosted, row.Amount) && shift(&c.CreditsPosted, row.Amount)
		}
	default:
		ok = shift(&d.DebitsPosted, row.Amount) && shift(&c.CreditsPosted, row.Amount)
	}
	// All four sums are at least zero here, so the differences cannot overflow.
	switch {
	case !ok:
		return refResult{code: ledger.OverflowsBalance}
	case dr.Flags&ledger.DebitsMustNotExceedCredits != 0 && d.DebitsPending > d.CreditsPosted-d.DebitsPosted:
		return refResult{code: ledger.ExceedsCredits}
	case cr.Flags&ledger.CreditsMustNotExceedDebits != 0 && c.CreditsPending > c.DebitsPosted-c.CreditsPosted:
		return refResult{code: ledger.ExceedsDebits}
	}

	m.lastUS = max(m.now.UnixMicro(), m.lastUS+1)
	row.Timestamp = time.UnixMicro(m.lastUS).UTC()
	dr.Balances, cr.Balances = d, c
	m.accounts[dr.ID], m.accounts[cr.ID] = dr, cr
	m.transfers[row.ID] = refTransfer{Transfer: row, debitAfter: d, creditAfter: c}
	m.order = append(m.order, row.ID)
	switch kind {
	case ledger.Pending:
		p = refPending{debit: row.DebitAccountID, credit: row.CreditAccountID, currency: row.Currency, amount: row.Amount, state: ledger.StatePending}
		if t.Timeout > 0 {
			p.expiresUS = m.lastUS + t.Timeout.Microseconds()
		}
		m.pending[t.ID] = p
	case ledger.PostPending:
		p.state = ledger.StatePosted
		m.pending[t.PendingID] = p
	case ledger.VoidPending:
		p.state = ledger.StateVoided
		if internal {
			p.state = ledger.StateExpired
		}
		m.pending[t.PendingID] = p
	}
	return refResult{at: row.Timestamp}
}

// refShape returns the code of the first rule a transfer breaks on its own,
// before anything stored is looked at.
func refShape(t ledger.Transfer, internal bool) string {
	kinds := 0
	for _, f := range []ledger.TransferFlags{ledger.Pending, ledger.PostPending, ledger.VoidPending} {
		if t.Flags&f != 0 {
			kinds++
		}
	}
	resolves := t.Flags&(ledger.PostPending|ledger.VoidPending) != 0
	switch {
	case !internal && !refID.MatchString(t.ID):
		return ledger.InvalidID
	case !refCode.MatchString(t.Code):
		return ledger.InvalidCode
	case len(t.Metadata) > ledger.MaxMetadataLength || !utf8.ValidString(t.Metadata):
		return ledger.MetadataTooLong
	case kinds > 1 || t.Flags&^(ledger.Linked|ledger.Pending|ledger.PostPending|ledger.VoidPending) != 0:
		return ledger.InvalidFlags
	case t.Timeout != 0 && (t.Flags&ledger.Pending == 0 || t.Timeout < 0 || t.Timeout > ledger.MaxTimeout || t.Timeout%time.Second != 0):
		return ledger.InvalidTimeout
	case resolves && t.PendingID == "":
		return ledger.PendingIDRequired
	case !resolves && t.PendingID != "":
		return ledger.PendingIDMustBeEmpty
	case resolves && t.Amount < 0, !resolves && t.Amount <= 0:
		return ledger.AmountMustBePositive
	case !resolves && t.DebitAccountID == t.CreditAccountID:
		return ledger.AccountsMustBeDifferent
	case !resolves && t.Currency == "":
		return ledger.CurrencyMismatch
	}
	return ""
}

// sameTransfer reports whether t repeats the committed transfer old. A post
// or void may leave accounts and currency empty and the amount zero.
func sameTransfer(t, old ledger.Transfer) bool {
	resolves := t.PendingID != ""
	same := func(given, stored string) bool { return given == stored || resolves && given == "" }
	return t.Flags == old.Flags && t.Code == old.Code && t.Metadata == old.Metadata &&
		t.Timeout == old.Timeout && t.PendingID == old.PendingID &&
		same(t.DebitAccountID, old.DebitAccountID) && same(t.CreditAccountID, old.CreditAccountID) &&
		same(t.Currency, old.Currency) && (t.Amount == old.Amount || resolves && t.Amount == 0)
}

// pendingFor finds the pending transfer a post or void resolves.
func (m *refModel) pendingFor(t ledger.Transfer, internal bool) (refPending, string) {
	p, ok := m.pending[t.PendingID]
	switch {
	case !ok:
		// A transfer committed earlier in the same call counts: each transfer
		// of a call sees the ones before it.
		if _, committed := m.transfers[t.PendingID]; committed {
			return p, ledger.PendingTransferNotPending
		}
		return p, ledger.PendingTransferNotFound
	case p.state == ledger.StatePosted:
		return p, ledger.PendingTransferPosted
	case p.state == ledger.StateVoided:
		return p, ledger.PendingTransferVoided
	case p.state == ledger.StateExpired, !internal && p.expiresUS != 0 && p.expiresUS <= max(m.now.UnixMicro(), m.lastUS+1):
		return p, ledger.PendingTransferExpired
	case t.DebitAccountID != "" && t.DebitAccountID != p.debit,
		t.CreditAccountID != "" && t.CreditAccountID != p.credit,
		t.Currency != "" && t.Currency != p.currency:
		return p, ledger.PendingTransferMismatch
	case t.Flags&ledger.PostPending != 0 && t.Amount > p.amount:
		return p, ledger.ExceedsPendingAmount
	case t.Flags&ledger.VoidPending != 0 && t.Amount != 0 && t.Amount != p.amount:
		return p, ledger.PendingTransferMismatch
	}
	return p, ""
}

// due lists the outstanding pending transfers whose timeout has passed, by
// expiry time and then id.
func (m *refModel) due() []string {
	var ids []string
	for id, p := range m.pending {
		if p.state == ledger.StatePending && p.expiresUS != 0 && p.expiresUS <= m.now.UnixMicro() {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(m.pending[a].expiresUS, m.pending[b].expiresUS), strings.Compare(a, b))
	})
	return ids
}

// expire voids the given pending transfers in order, as the ledger does
// when it finds them due: each with a void of id "expire:<pending id>".
func (m *refModel) expire(ids []string) []refResult {
	out := make([]refResult, len(ids))
	for i, id := range ids {
		t := ledger.Transfer{ID: "expire:" + id, Flags: ledger.VoidPending, PendingID: id, Code: "expired"}
		out[i] = m.transfer(t, true)
		m.record(t, &out[i], true)
	}
	return out
}

// lookup returns the committed transfers among ids, in the order of ids.
func (m *refModel) lookup(ids []string) []ledger.Transfer {
	var out []ledger.Transfer
	for _, id := range ids {
		if t, ok := m.transfers[id]; ok {
			out = append(out, t.Transfer)
		}
	}
	return out
}

// lookupRefusals returns the recorded refusals among ids, in the order of
// ids, as the transfer sent (with the refusal's timestamp) and its code.
func (m *refModel) lookupRefusals(ids []string) []refusalView {
	var out []refusalView
	for _, id := range ids {
		if r, ok := m.refusals[id]; ok {
			t := r.sent
			t.Timestamp = r.at
			out = append(out, refusalView{Transfer: t, Code: r.code})
		}
	}
	return out
}

// refusalView is what the model knows of a ledger.Refusal.
type refusalView struct {
	Transfer ledger.Transfer
	Code     string
}

// history lists the committed transfers touching an account, newest first,
// with the account's balances just after each.
func (m *refModel) history(accountID string) []ledger.HistoryEntry {
	var out []ledger.HistoryEntry
	for _, id := range slices.Backward(m.order) {
		switch t := m.transfers[id]; accountID {
		case t.DebitAccountID:
			out = append(out, ledger.HistoryEntry{Transfer: t.Transfer, Balances: t.debitAfter})
		case t.CreditAccountID:
			out = append(out, ledger.HistoryEntry{Transfer: t.Transfer, Balances: t.creditAfter})
		}
	}
	return out
}

// outstanding counts the pending transfers that are neither resolved nor
// expired by the ledger.
func (m *refModel) outstanding() int64 {
	var n int64
	for _, p := range m.pending {
		if p.state == ledger.StatePending {
			n++
		}
	}
	return n
}

func (m *refModel) clone() *refModel {
	c := *m
	c.accounts = maps.Clone(m.accounts)
	c.transfers = maps.Clone(m.transfers)
	c.order = slices.Clone(m.order)
	c.pending = maps.Clone(m.pending)
	c.refusals = maps.Clone(m.refusals)
	return &c
}

// kindOf returns Pending, PostPending or VoidPending, or 0 for a plain transfer.
func kindOf(t ledger.Transfer) ledger.TransferFlags {
	return t.Flags & (ledger.Pending | ledger.PostPending | ledger.VoidPending)
}

// shift adds by to a balance that is at least zero, refusing a result
// outside 0..MaxInt64.
func shift(v *int64, by int64) bool {
	if by > 0 && *v > math.MaxInt64-by || *v+by < 0 {
		return false
	}
	*v += by
	return true
}
