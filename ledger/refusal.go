package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/cashless-dev/cashless"
)

// Refusal is a transfer the ledger refused, recorded in the batch that
// refused it so that its id answers the same refusal from then on and can
// never commit: a service that recorded the transfer as failed can rely on
// that, whoever sends the id again.
type Refusal struct {
	// Transfer holds the fields exactly as the caller gave them; its
	// Timestamp is when the ledger refused it, taken from the same strictly
	// increasing sequence as the timestamps of committed transfers.
	Transfer Transfer
	Code     string // the refusal's error code
	Message  string // the refusal's error message
	BatchSeq int64
	// RowHash is the hash of every other field (see RefusalHash).
	RowHash []byte
}

// err is the refusal as the error of a Result.
func (r *Refusal) err() error { return refuse(r.Code, r.Message) }

// chainRefusal answers a member of a chain refused whole: with the refusal
// recorded for its id, when there is one, so that the id answers as it did
// before; otherwise with the chain's code.
func (st *batchState) chainRefusal(t *Transfer, internal bool, code, message string) Result {
	if validID(t.ID, internal) {
		if rec, ok := st.refusal(t.ID); ok {
			return replayRefusal(t, rec)
		}
	}
	return Result{Err: refuse(code, message)}
}

// record keeps the refusal in res, so that the id answers it from now on
// and can never commit, and stamps res with the refusal's timestamp. Not
// recorded: an invalid id (no row can hold it), a replay or a refusal of an
// id that belongs to something else (committed, or refused before).
func (st *batchState) record(t *Transfer, res *Result, internal bool) {
	if res.Err == nil || res.Replayed || !validID(t.ID, internal) {
		return
	}
	code := cashless.ErrorCode(res.Err)
	if code == ExistsWithDifferentFields {
		return
	}
	if _, ok := st.inBatch[t.ID]; ok {
		return
	}
	if _, ok := st.stored[t.ID]; ok {
		return
	}
	if _, ok := st.refusal(t.ID); ok {
		return
	}
	st.lastUS = max(st.nowUS, st.lastUS+1)
	rec := Refusal{Transfer: *t, Code: code, Message: cashless.ErrorMessage(res.Err), BatchSeq: st.seq}
	rec.Transfer.Timestamp = time.UnixMicro(st.lastUS).UTC()
	rec.RowHash = RefusalHash(&rec)
	st.refusedIn[t.ID] = len(st.refused)
	st.refused = append(st.refused, rec)
	res.Timestamp = rec.Transfer.Timestamp
}

// refusal returns the refusal recorded for id, in this batch or before.
func (st *batchState) refusal(id string) (*Refusal, bool) {
	if i, ok := st.refusedIn[id]; ok {
		return &st.refused[i], true
	}
	if r, ok := st.refusals[id]; ok {
		return &r, true
	}
	return nil, false
}

// replayRefusal answers a transfer whose id the ledger refused before: the
// recorded refusal when every field is the one given then, an error
// otherwise.
func replayRefusal(t *Transfer, r *Refusal) Result {
	given, then := *t, r.Transfer
	given.Timestamp, then.Timestamp = time.Time{}, time.Time{}
	if given != then {
		return Result{Err: refuse(ExistsWithDifferentFields, "a transfer with this id was refused with different fields")}
	}
	return Result{Err: r.err(), Timestamp: r.Transfer.Timestamp, Replayed: true}
}

// checkFieldSizes fails a call that carries a text field no refusal row
// could hold (see MaxFieldBytes).
func checkFieldSizes(ts []Transfer) error {
	for i := range ts {
		t := &ts[i]
		for _, f := range []string{t.DebitAccountID, t.CreditAccountID, t.Currency, t.Code, t.PendingID, t.Metadata} {
			if len(f) > MaxFieldBytes {
				return cashless.Errorf(FieldTooLong, "transfer %d has a field of %d bytes; no field may exceed %d", i, len(f), MaxFieldBytes)
			}
		}
	}
	return nil
}

// LookupRefusals returns the recorded refusals among ids, in the order of
// ids; ids never refused are left out. It shows what LookupTransfers, which
// returns committed transfers only, leaves out. It is not part of Service:
// callers learn of a refusal by sending the transfer again.
func (e *Engine) LookupRefusals(ctx context.Context, ids []string) ([]Refusal, error) {
	found, err := e.store.Refusals(ctx, plausibleIDs(ids))
	if err != nil {
		return nil, fmt.Errorf("look up refusals: %w", err)
	}
	out := make([]Refusal, 0, len(found))
	for _, id := range ids {
		if r, ok := found[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}
