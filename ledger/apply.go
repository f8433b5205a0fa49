package ledger

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"
)

// batchState is the in-memory view of the accounts and pending transfers a
// batch touches, with an undo log so a failed linked chain can be rolled back.
type batchState struct {
	accounts  map[string]*Account
	changed   map[string]bool
	pending   map[string]PendingTransfer // DB records overlaid with this batch's changes
	stored    map[string]StoredTransfer  // committed before this batch
	inBatch   map[string]int             // id → index in out of a transfer committed in this batch
	out       []StoredTransfer
	refusals  map[string]Refusal // recorded before this batch
	refusedIn map[string]int     // id → index in refused of a refusal recorded in this batch
	refused   []Refusal
	nowUS     int64
	lastUS    int64
	seq       int64

	undo []func()
}

// apply validates a batch against the locked state and writes it.
func (e *Engine) apply(ctx context.Context, tx BatchTx, batch []*request) error {
	var req LoadRequest
	for _, r := range batch {
		for i := range r.transfers {
			t := &r.transfers[i]
			req.TransferIDs = append(req.TransferIDs, t.ID)
			req.AccountIDs = append(req.AccountIDs, t.DebitAccountID, t.CreditAccountID)
			if t.PendingID != "" {
				req.PendingIDs = append(req.PendingIDs, t.PendingID)
			}
		}
	}
	// A post or void names its pending transfer, which may itself be
	// committed (or not pending): look its id up with the others.
	// Ids no row can have are left out: such transfers are refused anyway.
	req.TransferIDs = sortedUnique(plausibleIDs(append(req.TransferIDs, req.PendingIDs...)))
	req.PendingIDs = sortedUnique(plausibleIDs(req.PendingIDs))
	req.AccountIDs = sortedUnique(plausibleIDs(req.AccountIDs))
	snap, err := tx.Load(ctx, req)
	if err != nil {
		return err
	}
	head, stored, pend, locked := snap.Head, snap.Transfers, snap.Pending, snap.Accounts
	// Posts and voids that name no accounts use their pending transfer's:
	// lock those too (after the others; the head lock already orders batches).
	var more []string
	for _, p := range pend {
		for _, id := range []string{p.DebitAccountID, p.CreditAccountID} {
			if _, ok := locked[id]; !ok {
				more = append(more, id)
			}
		}
	}
	if len(more) > 0 {
		extra, err := tx.LockAccounts(ctx, sortedUnique(more))
		if err != nil {
			return err
		}
		maps.Copy(locked, extra)
	}
	now := e.opts.Now()
	st := &batchState{
		accounts:  make(map[string]*Account, len(locked)),
		changed:   make(map[string]bool),
		pending:   pend,
		stored:    stored,
		inBatch:   make(map[string]int),
		out:       make([]StoredTransfer, 0, len(req.TransferIDs)),
		refusals:  snap.Refusals,
		refusedIn: make(map[string]int),
		nowUS:     now.UnixMicro(),
		lastUS:    head.LastMicros,
		seq:       head.Seq + 1,
	}
	if st.pending == nil {
		st.pending = make(map[string]PendingTransfer)
	}
	for id, a := range locked {
		a := a
		st.accounts[id] = &a
	}
	for _, r := range batch {
		st.applyRequest(r)
	}
	if len(st.out) == 0 && len(st.refused) == 0 {
		return nil
	}
	return tx.Write(ctx, st.batch(head, now))
}

// applyRequest validates and applies a request's transfers in order, one
// linked chain at a time.
func (st *batchState) applyRequest(r *request) {
	ts := r.transfers
	for start := 0; start < len(ts); {
		end := start
		for end < len(ts) && ts[end].Flags&Linked != 0 {
			end++
		}
		if end == len(ts) { // the last transfer of the call may not be linked
			for i := start; i < len(ts); i++ {
				r.results[i] = st.chainRefusal(&ts[i], r.expiry, LinkedEventChainOpen, "the last transfer of a linked chain must not have the linked flag")
				st.record(&ts[i], &r.results[i], r.expiry)
			}
			return
		}
		st.applyChain(r, start, end+1)
		start = end + 1
	}
}

// applyChain applies transfers [start, end) of r all or nothing, and
// records the refusals of a chain that failed.
func (st *batchState) applyChain(r *request, start, end int) {
	st.undo = st.undo[:0]
	outLen, lastUS := len(st.out), st.lastUS
	failed := -1
	for i := start; i < end; i++ {
		r.results[i] = st.applyOne(&r.transfers[i], r.expiry)
		if r.results[i].Err != nil {
			failed = i
			break
		}
	}
	if failed < 0 {
		return
	}
	if end-start > 1 {
		for i := len(st.undo) - 1; i >= 0; i-- {
			st.undo[i]()
		}
		for _, t := range st.out[outLen:] {
			delete(st.inBatch, t.ID)
		}
		st.out, st.lastUS = st.out[:outLen], lastUS
	}
	for i := start; i < end; i++ {
		if i != failed {
			r.results[i] = st.chainRefusal(&r.transfers[i], r.expiry, LinkedEventFailed, "another transfer of the linked chain failed")
		}
		st.record(&r.transfers[i], &r.results[i], r.expiry)
	}
}

// batch assembles what the store writes.
func (st *batchState) batch(head Head, now time.Time) *Batch {
	h := newChainHasher(head.Hash, st.seq)
	for i := range st.out {
		h.add(st.out[i].RowHash)
	}
	refusalHashes := make([][]byte, len(st.refused))
	for i := range st.refused {
		refusalHashes[i] = st.refused[i].RowHash
	}
	h.refusals(refusalHashes)
	b := &Batch{
		PrevHash:  head.Hash,
		Transfers: st.out,
		Refusals:  st.refused,
		Created:   now,
		Head:      Head{Seq: st.seq, Hash: h.sum(), LastMicros: st.lastUS},
	}
	for id := range st.changed {
		b.Accounts = append(b.Accounts, *st.accounts[id])
	}
	slices.SortFunc(b.Accounts, func(x, y Account) int { return strings.Compare(x.ID, y.ID) })
	seen := make(map[string]bool)
	for i := len(st.out) - 1; i >= 0; i-- {
		t := &st.out[i]
		id := t.ID
		if t.Flags&(PostPending|VoidPending) != 0 {
			id = t.PendingID
		} else if t.Flags&Pending == 0 {
			continue
		}
		if !seen[id] {
			seen[id] = true
			b.Pending = append(b.Pending, st.pending[id])
		}
	}
	return b
}

// sortedUnique sorts ids and drops duplicates and empty strings.
func sortedUnique(ids []string) []string {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > 0 && ids[0] == "" {
		ids = ids[1:]
	}
	return ids
}
