package ledger

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Report is what Verify found.
type Report struct {
	Batches   int64     `json:"batches"`
	Transfers int64     `json:"transfers"`
	Refusals  int64     `json:"refusals"`
	Accounts  int64     `json:"accounts"`
	Pending   int64     `json:"pending"`
	Problems  []Problem `json:"problems"`
}

// OK reports whether every check passed.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Problem is one broken invariant, naming the object it was found on.
type Problem struct {
	Kind   string `json:"kind"`   // batch, transfer, refusal, account, currency, pending
	Object string `json:"object"` // batch number, transfer or refusal id, account id or currency
	Detail string `json:"detail"`
}

// maxProblems bounds a report, so a badly broken ledger still verifies in
// bounded memory.
const maxProblems = 1000

// Verify recomputes the hash chain and checks every invariant of the ledger
// in one pass over the store:
//
//   - every batch links to the previous one by hash, and its hash covers
//     exactly its transfers and refusals, each of whose row hash matches its
//     fields;
//   - timestamps strictly increase, over transfers and refusals together,
//     batch after batch;
//   - no id is both committed and refused;
//   - replaying the transfers in order gives, after each one, the balances
//     stored with it, and at the end the balances stored on every account;
//   - debits equal credits per currency;
//   - no account breaks its balance rule (no wallet below zero);
//   - the pending-transfer records agree with the transfers.
//
// The error return is for failures to read; broken invariants are Problems.
func Verify(ctx context.Context, store Store) (*Report, error) {
	v := &verifier{
		report: &Report{}, running: map[string]*Balances{}, currency: map[string]string{}, pending: map[string]PendingTransfer{},
		refusalsOf: map[int64][][]byte{}, refused: map[string]bool{},
	}
	err := store.Scan(ctx, ScanVisitor{
		Head:     func(h Head) error { v.head = h; return nil },
		Batch:    v.batch,
		Refusal:  v.refusal,
		Transfer: v.transfer,
		Account:  v.account,
		Pending:  v.pendingRecord,
	})
	if err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}
	v.finish()
	return v.report, nil
}

type batchRecord struct {
	seq         int64
	prev, hash  []byte
	count, seen int
	closed      bool // its hash was checked
}

type refusalRecord struct {
	id      string
	seq, ts int64
}

type verifier struct {
	report   *Report
	head     Head
	batches  []batchRecord
	cur      int // index of the batch whose transfers are being read
	hasher   *chainHasher
	lastTS   int64
	running  map[string]*Balances
	currency map[string]string // account id → currency of its transfers
	accounts map[string]Account
	pending  map[string]PendingTransfer // derived from the transfers
	records  int64

	// Refusals are read before the transfers and kept: they are few.
	refusals   []refusalRecord    // in timestamp order
	refusalsOf map[int64][][]byte // batch number → its refusals' row hashes, in order
	refused    map[string]bool    // ids of the refusals
	placed     int                // refusals[:placed] are placed among the transfers
	lastSeq    int64              // batch of the latest transfer or refusal placed
}

func (v *verifier) problem(kind, object, format string, args ...any) {
	if len(v.report.Problems) < maxProblems {
		v.report.Problems = append(v.report.Problems, Problem{Kind: kind, Object: object, Detail: fmt.Sprintf(format, args...)})
	}
}

func (v *verifier) batch(seq int64, prev, hash []byte, count int) error {
	v.report.Batches++
	var want []byte
	if n := len(v.batches); n > 0 {
		want = v.batches[n-1].hash
	}
	if seq != int64(len(v.batches))+1 {
		v.problem("batch", fmt.Sprint(seq), "batch numbers are not consecutive: expected %d", len(v.batches)+1)
	}
	if !bytes.Equal(prev, want) {
		v.problem("batch", fmt.Sprint(seq), "does not link to the previous batch's hash")
	}
	if count < 0 {
		v.problem("batch", fmt.Sprint(seq), "records %d transfers", count)
	}
	v.batches = append(v.batches, batchRecord{seq: seq, prev: prev, hash: hash, count: count})
	return nil
}

// closeBatch checks the hash of the batch whose transfers were just read.
func (v *verifier) closeBatch() {
	if v.hasher == nil {
		return
	}
	b := &v.batches[v.cur]
	if b.seen != b.count {
		v.problem("batch", fmt.Sprint(b.seq), "records %d transfers but %d are stored", b.count, b.seen)
	}
	v.checkHash(b, v.hasher)
	v.hasher = nil
}

// checkHash adds the batch's refusals to h, which holds its transfers, and
// compares the sum with the batch's hash.
func (v *verifier) checkHash(b *batchRecord, h *chainHasher) {
	h.refusals(v.refusalsOf[b.seq])
	if !bytes.Equal(h.sum(), b.hash) {
		v.problem("batch", fmt.Sprint(b.seq), "hash mismatch: a transfer or refusal of this batch was changed, added or removed after commit")
	}
	b.closed = true
}

// batchIndex finds batch number seq in the chain.
func (v *verifier) batchIndex(seq int64) (int, bool) {
	i := sort.Search(len(v.batches), func(i int) bool { return v.batches[i].seq >= seq })
	return i, i < len(v.batches) && v.batches[i].seq == seq
}

func (v *verifier) refusal(r Refusal) error {
	v.report.Refusals++
	id, ts := r.Transfer.ID, r.Transfer.Timestamp.UnixMicro()
	if !bytes.Equal(RefusalHash(&r), r.RowHash) {
		v.problem("refusal", id, "row hash mismatch: the row was changed after commit")
	}
	if n := len(v.refusals); n > 0 && ts <= v.refusals[n-1].ts {
		v.problem("refusal", id, "timestamp does not increase")
	}
	if _, ok := v.batchIndex(r.BatchSeq); !ok {
		v.problem("refusal", id, "belongs to batch %d, which is not in the chain", r.BatchSeq)
	}
	v.refusals = append(v.refusals, refusalRecord{id: id, seq: r.BatchSeq, ts: ts})
	v.refusalsOf[r.BatchSeq] = append(v.refusalsOf[r.BatchSeq], r.RowHash)
	v.refused[id] = true
	return nil
}

// placeRefusals walks the refusals timestamped up to ts, the timestamp of
// the next transfer (of batch seq), and checks that they fit between the
// transfers around them: the ledger hands out one sequence of timestamps,
// batch after batch.
func (v *verifier) placeRefusals(ts, seq int64) {
	for ; v.placed < len(v.refusals) && v.refusals[v.placed].ts <= ts; v.placed++ {
		r := v.refusals[v.placed]
		switch {
		case r.ts == ts:
			v.problem("refusal", r.id, "has the timestamp of a transfer")
		case r.seq < v.lastSeq:
			v.problem("refusal", r.id, "is timestamped after a transfer of a later batch")
		case r.seq > seq:
			v.problem("refusal", r.id, "is timestamped before a transfer of an earlier batch")
		}
		v.lastSeq = max(v.lastSeq, r.seq)
	}
	v.lastSeq = max(v.lastSeq, seq)
}

func (v *verifier) transfer(t StoredTransfer) error {
	v.report.Transfers++
	v.placeRefusals(t.Timestamp.UnixMicro(), t.BatchSeq)
	if v.refused[t.ID] {
		v.problem("transfer", t.ID, "is both committed and refused")
	}
	if v.hasher == nil || v.batches[v.cur].seq != t.BatchSeq {
		v.closeBatch()
		if i, ok := v.batchIndex(t.BatchSeq); !ok {
			v.problem("transfer", t.ID, "belongs to batch %d, which is not in the chain", t.BatchSeq)
		} else {
			v.cur = i
			v.hasher = newChainHasher(v.batches[i].prev, t.BatchSeq)
		}
	}
	if v.hasher != nil {
		v.batches[v.cur].seen++
		v.hasher.add(t.RowHash)
	}
	if !bytes.Equal(TransferHash(&t), t.RowHash) {
		v.problem("transfer", t.ID, "row hash mismatch: the row was changed after commit")
	}
	ts := t.Timestamp.UnixMicro()
	if ts <= v.lastTS {
		v.problem("transfer", t.ID, "timestamp does not increase")
	}
	v.lastTS = ts
	if t.Amount <= 0 {
		v.problem("transfer", t.ID, "amount %d is not positive", t.Amount)
	}
	for _, id := range []string{t.DebitAccountID, t.CreditAccountID} {
		if cur, ok := v.currency[id]; ok && cur != t.Currency {
			v.problem("transfer", t.ID, "currency %s differs from account %s's other transfers (%s)", t.Currency, id, cur)
		}
		v.currency[id] = t.Currency
	}
	dr, cr := v.balances(t.DebitAccountID), v.balances(t.CreditAccountID)
	switch {
	case t.Flags&Pending != 0:
		dr.DebitsPending += t.Amount
		cr.CreditsPending += t.Amount
		v.pending[t.ID] = PendingTransfer{ID: t.ID, DebitAccountID: t.DebitAccountID, CreditAccountID: t.CreditAccountID, Amount: t.Amount, Currency: t.Currency, State: StatePending}
	case t.Flags&(PostPending|VoidPending) != 0:
		p, ok := v.pending[t.PendingID]
		if !ok || p.State != StatePending {
			v.problem("transfer", t.ID, "resolves %q, which is not an outstanding pending transfer", t.PendingID)
			break
		}
		if p.DebitAccountID != t.DebitAccountID || p.CreditAccountID != t.CreditAccountID || p.Currency != t.Currency ||
			(t.Flags&PostPending != 0 && t.Amount > p.Amount) || (t.Flags&VoidPending != 0 && t.Amount != p.Amount) {
			v.problem("transfer", t.ID, "does not match the pending transfer %q it resolves", t.PendingID)
		}
		dr.DebitsPending -= p.Amount
		cr.CreditsPending -= p.Amount
		switch {
		case t.Flags&PostPending != 0:
			dr.DebitsPosted += t.Amount
			cr.CreditsPosted += t.Amount
			p.State = StatePosted
		case strings.HasPrefix(t.ID, expiryPrefix):
			p.State = StateExpired
		default:
			p.State = StateVoided
		}
		v.pending[t.PendingID] = p
	default:
		dr.DebitsPosted += t.Amount
		cr.CreditsPosted += t.Amount
	}
	if *dr != t.DebitAfter || *cr != t.CreditAfter {
		v.problem("transfer", t.ID, "the balances stored with it do not follow from the transfers before it")
	}
	return nil
}

func (v *verifier) balances(id string) *Balances {
	b := v.running[id]
	if b == nil {
		b = &Balances{}
		v.running[id] = b
	}
	return b
}

func (v *verifier) account(a Account) error {
	v.closeBatch()
	v.report.Accounts++
	if v.accounts == nil {
		v.accounts = map[string]Account{}
	}
	v.accounts[a.ID] = a
	if cur, ok := v.currency[a.ID]; ok && cur != a.Currency {
		v.problem("account", a.ID, "currency %s differs from its transfers' (%s)", a.Currency, cur)
	}
	want := Balances{}
	if b := v.running[a.ID]; b != nil {
		want = *b
	}
	if a.Balances != want {
		v.problem("account", a.ID, "stored balances %+v differ from the sum of its transfers %+v", a.Balances, want)
	}
	if checkLimits(a.Flags, a.Balances, 0, Balances{}) != nil {
		v.problem("account", a.ID, "debits exceed credits on an account that forbids it")
	}
	if checkLimits(0, Balances{}, a.Flags, a.Balances) != nil {
		v.problem("account", a.ID, "credits exceed debits on an account that forbids it")
	}
	return nil
}

func (v *verifier) pendingRecord(p PendingTransfer) error {
	v.records++
	want, ok := v.pending[p.ID]
	switch {
	case !ok:
		v.problem("pending", p.ID, "a pending record with no pending transfer")
	case want.State != p.State || want.Amount != p.Amount || want.DebitAccountID != p.DebitAccountID || want.CreditAccountID != p.CreditAccountID:
		v.problem("pending", p.ID, "record (state %s) disagrees with the transfers (state %s)", p.State, want.State)
	}
	return nil
}

func (v *verifier) finish() {
	v.closeBatch()
	v.placeRefusals(math.MaxInt64, math.MaxInt64)
	var last batchRecord
	if n := len(v.batches); n > 0 {
		last = v.batches[n-1]
	}
	lastTS := v.lastTS
	if n := len(v.refusals); n > 0 {
		lastTS = max(lastTS, v.refusals[n-1].ts)
	}
	if v.head.Seq != last.seq || !bytes.Equal(v.head.Hash, last.hash) || v.head.LastMicros != lastTS {
		v.problem("batch", "head", "the chain head (batch %d) does not match the last batch (%d) and timestamp", v.head.Seq, last.seq)
	}
	// Batches none of whose transfers were read: refusals only, or broken.
	for i := range v.batches {
		b := &v.batches[i]
		if b.closed {
			continue
		}
		if b.count != 0 {
			v.problem("batch", fmt.Sprint(b.seq), "records %d transfers but none are stored", b.count)
		} else if len(v.refusalsOf[b.seq]) == 0 {
			v.problem("batch", fmt.Sprint(b.seq), "holds neither transfers nor refusals: the ledger never commits an empty batch")
		}
		v.checkHash(b, newChainHasher(b.prev, b.seq))
	}
	for id := range v.running {
		if _, ok := v.accounts[id]; !ok {
			v.problem("account", id, "transfers name an account that does not exist")
		}
	}
	// The sums may wrap around int64 on accounts near the limit; equality
	// modulo 2^64 still catches any single changed balance.
	type sums struct{ dp, cp, dpend, cpend int64 }
	perCurrency := map[string]*sums{}
	for _, a := range v.accounts {
		s := perCurrency[a.Currency]
		if s == nil {
			s = &sums{}
			perCurrency[a.Currency] = s
		}
		s.dp += a.DebitsPosted
		s.cp += a.CreditsPosted
		s.dpend += a.DebitsPending
		s.cpend += a.CreditsPending
	}
	for cur, s := range perCurrency {
		if s.dp != s.cp || s.dpend != s.cpend {
			v.problem("currency", cur, "debits (%d posted, %d pending) differ from credits (%d posted, %d pending)", s.dp, s.dpend, s.cp, s.cpend)
		}
	}
	for id, p := range v.pending {
		if p.State == StatePending {
			v.report.Pending++
		}
		_ = id
	}
	if v.records != int64(len(v.pending)) {
		v.problem("pending", "", "%d pending records for %d pending transfers", v.records, len(v.pending))
	}
}
