package ledger

import (
	"context"
	"slices"
	"time"
)

// batchState is the in-memory view of the accounts and pending transfers a
// batch touches, with an undo log so a failed linked chain can be rolled back.
type batchState struct {
	accounts map[string]*Account
	changed  map[string]bool
	pending  map[string]PendingTransfer // DB records overlaid with this batch's changes
	stored   map[string]StoredTransfer  // committed before this batch
	inBatch  map[string]int             // id → index in out of a transfer committed in this batch
	out      []StoredTransfer
	nowUS    int64
	lastUS   int64
	seq      int64

	undo []func()
}

// apply validates a batch against the locked state and writes it.
func (e *Engine) apply(ctx context.Context, tx BatchTx, batch []*request) error {
	head, err := tx.LockHead(ctx)
	if err != nil {
		return err
	}
	ids, pendingIDs := make([]string, 0, 64), make([]string, 0)
	for _, r := range batch {
		for i := range r.transfers {
			ids = append(ids, r.transfers[i].ID)
			if p := r.transfers[i].PendingID; p != "" {
				pendingIDs = append(pendingIDs, p)
			}
		}
	}
	var pend map[string]PendingTransfer
	if len(pendingIDs) > 0 {
		if pend, err = tx.Pending(ctx, sortedUnique(pendingIDs)); err != nil {
			return err
		}
	}
	stored, err := tx.Transfers(ctx, sortedUnique(append(ids, pendingIDs...)))
	if err != nil {
		return err
	}
	accountIDs := make([]string, 0, 2*len(ids))
	for _, r := range batch {
		for i := range r.transfers {
			t := &r.transfers[i]
			accountIDs = append(accountIDs, t.DebitAccountID, t.CreditAccountID)
		}
	}
	for _, p := range pend {
		accountIDs = append(accountIDs, p.DebitAccountID, p.CreditAccountID)
	}
	locked, err := tx.LockAccounts(ctx, sortedUnique(accountIDs))
	if err != nil {
		return err
	}
	now := e.opts.Now()
	st := &batchState{
		accounts: make(map[string]*Account, len(locked)),
		changed:  make(map[string]bool),
		pending:  pend,
		stored:   stored,
		inBatch:  make(map[string]int),
		out:      make([]StoredTransfer, 0, len(ids)),
		nowUS:    now.UnixMicro(),
		lastUS:   head.LastMicros,
		seq:      head.Seq + 1,
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
	if len(st.out) == 0 {
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
				r.results[i] = Result{Err: refuse(LinkedEventChainOpen, "the last transfer of a linked chain must not have the linked flag")}
			}
			return
		}
		st.applyChain(r, start, end+1)
		start = end + 1
	}
}

// applyChain applies transfers [start, end) of r all or nothing.
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
	if failed < 0 || end-start == 1 {
		return
	}
	for i := len(st.undo) - 1; i >= 0; i-- {
		st.undo[i]()
	}
	for _, t := range st.out[outLen:] {
		delete(st.inBatch, t.ID)
	}
	st.out, st.lastUS = st.out[:outLen], lastUS
	for i := start; i < end; i++ {
		if i != failed {
			r.results[i] = Result{Err: refuse(LinkedEventFailed, "another transfer of the linked chain failed")}
		}
	}
}

// batch assembles what the store writes.
func (st *batchState) batch(head Head, now time.Time) *Batch {
	h := newChainHasher(head.Hash, st.seq)
	for i := range st.out {
		h.add(st.out[i].RowHash)
	}
	b := &Batch{
		PrevHash:  head.Hash,
		Transfers: st.out,
		Created:   now,
		Head:      Head{Seq: st.seq, Hash: h.sum(), LastMicros: st.lastUS},
	}
	for id := range st.changed {
		b.Accounts = append(b.Accounts, *st.accounts[id])
	}
	slices.SortFunc(b.Accounts, func(x, y Account) int { return compareStrings(x.ID, y.ID) })
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

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
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
