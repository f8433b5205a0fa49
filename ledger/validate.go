package ledger

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// applyOne validates one transfer against the batch state and, when it is
// valid, applies it: balances, pending records and the stored row. A refused
// transfer changes nothing. An id refused before answers with its recorded
// refusal, before any other check, so that it answers the same every time.
func (st *batchState) applyOne(t *Transfer, internal bool) Result {
	if !validID(t.ID, internal) {
		return Result{Err: refuse(InvalidID, "id must be 1–64 characters of A–Z, a–z, 0–9, '_', '-' and '.'")}
	}
	if rec, ok := st.refusal(t.ID); ok {
		return replayRefusal(t, rec)
	}
	if err := checkShape(t, internal); err != nil {
		return Result{Err: err}
	}
	if i, ok := st.inBatch[t.ID]; ok {
		return replay(t, &st.out[i])
	}
	if s, ok := st.stored[t.ID]; ok {
		return replay(t, &s)
	}
	row := StoredTransfer{Transfer: *t, BatchSeq: st.seq}
	row.Timestamp = time.Time{}
	var pend PendingTransfer
	var postAmount int64
	if t.Flags&(PostPending|VoidPending) != 0 {
		var err error
		if pend, err = st.pendingFor(t, internal); err != nil {
			return Result{Err: err}
		}
		row.DebitAccountID, row.CreditAccountID, row.Currency = pend.DebitAccountID, pend.CreditAccountID, pend.Currency
		row.Amount = pend.Amount
		if t.Flags&PostPending != 0 && t.Amount != 0 {
			row.Amount = t.Amount
		}
		postAmount = row.Amount
	}
	dr, cr := st.accounts[row.DebitAccountID], st.accounts[row.CreditAccountID]
	switch {
	case dr == nil:
		return Result{Err: refuse(DebitAccountNotFound, "the debit account does not exist")}
	case cr == nil:
		return Result{Err: refuse(CreditAccountNotFound, "the credit account does not exist")}
	case dr.Currency != row.Currency || cr.Currency != row.Currency:
		return Result{Err: refuse(CurrencyMismatch, "the transfer's currency must be the currency of both accounts")}
	}
	nd, nc := dr.Balances, cr.Balances
	var ok bool
	switch {
	case t.Flags&Pending != 0:
		ok = add(&nd.DebitsPending, row.Amount) && add(&nc.CreditsPending, row.Amount)
	case t.Flags&PostPending != 0:
		ok = add(&nd.DebitsPending, -pend.Amount) && add(&nc.CreditsPending, -pend.Amount) &&
			add(&nd.DebitsPosted, postAmount) && add(&nc.CreditsPosted, postAmount)
	case t.Flags&VoidPending != 0:
		ok = add(&nd.DebitsPending, -pend.Amount) && add(&nc.CreditsPending, -pend.Amount)
	default:
		ok = add(&nd.DebitsPosted, row.Amount) && add(&nc.CreditsPosted, row.Amount)
	}
	if !ok {
		return Result{Err: refuse(OverflowsBalance, "the transfer would overflow an account balance")}
	}
	if err := checkLimits(dr.Flags, nd, cr.Flags, nc); err != nil {
		return Result{Err: err}
	}

	// Valid: apply it.
	st.lastUS = max(st.nowUS, st.lastUS+1)
	row.Timestamp = time.UnixMicro(st.lastUS).UTC()
	st.setBalances(dr, nd)
	st.setBalances(cr, nc)
	row.DebitAfter, row.CreditAfter = nd, nc
	switch {
	case t.Flags&Pending != 0:
		var expires int64
		if t.Timeout > 0 {
			expires = st.lastUS + t.Timeout.Microseconds()
		}
		st.setPending(PendingTransfer{ID: t.ID, DebitAccountID: row.DebitAccountID, CreditAccountID: row.CreditAccountID,
			Amount: row.Amount, Currency: row.Currency, ExpiresMicros: expires, State: StatePending})
	case t.Flags&PostPending != 0:
		pend.State = StatePosted
		st.setPending(pend)
	case t.Flags&VoidPending != 0:
		pend.State = StateVoided
		if internal {
			pend.State = StateExpired
		}
		st.setPending(pend)
	}
	row.RowHash = TransferHash(&row)
	st.inBatch[row.ID] = len(st.out)
	st.out = append(st.out, row)
	return Result{Timestamp: row.Timestamp}
}

// checkShape checks what can be checked without the database, once the id
// is known to be valid.
func checkShape(t *Transfer, internal bool) error {
	if !validCode(t.Code) {
		return refuse(InvalidCode, "code must be at most 32 characters of a–z, 0–9 and '_'")
	}
	if len(t.Metadata) > MaxMetadataLength || !utf8.ValidString(t.Metadata) {
		return refuse(MetadataTooLong, "metadata must be valid UTF-8 of at most 512 bytes")
	}
	kinds := 0
	for _, f := range []TransferFlags{Pending, PostPending, VoidPending} {
		if t.Flags&f != 0 {
			kinds++
		}
	}
	if t.Flags&^transferFlagsMask != 0 || kinds > 1 {
		return refuse(InvalidFlags, "unknown flags, or more than one of pending, post_pending and void_pending")
	}
	if t.Timeout != 0 && (t.Flags&Pending == 0 || t.Timeout < 0 || t.Timeout > MaxTimeout || t.Timeout%time.Second != 0) {
		return refuse(InvalidTimeout, "a timeout is whole seconds up to a year, and only on a pending transfer")
	}
	resolves := t.Flags&(PostPending|VoidPending) != 0
	switch {
	case resolves && t.PendingID == "":
		return refuse(PendingIDRequired, "post_pending and void_pending need pending_id")
	case !resolves && t.PendingID != "":
		return refuse(PendingIDMustBeEmpty, "pending_id is only for post_pending and void_pending")
	case resolves && t.Amount < 0, !resolves && t.Amount <= 0:
		return refuse(AmountMustBePositive, "amount must be greater than zero")
	case !resolves && t.DebitAccountID == t.CreditAccountID:
		return refuse(AccountsMustBeDifferent, "the debit and credit accounts must differ")
	case !resolves && t.Currency == "":
		return refuse(CurrencyMismatch, "currency is required")
	}
	return nil
}

// pendingFor finds the pending transfer a post or void resolves and checks
// that the fields the caller gave agree with it.
func (st *batchState) pendingFor(t *Transfer, internal bool) (PendingTransfer, error) {
	p, ok := st.pending[t.PendingID]
	if !ok {
		// Every pending transfer, committed before or in this batch, has a
		// record; a transfer found without one was not pending.
		if _, found := st.inBatch[t.PendingID]; found {
			return p, refuse(PendingTransferNotPending, "the transfer named by pending_id is not a pending transfer")
		}
		if s, found := st.stored[t.PendingID]; found && s.Flags&Pending == 0 {
			return p, refuse(PendingTransferNotPending, "the transfer named by pending_id is not a pending transfer")
		}
		return p, refuse(PendingTransferNotFound, "no pending transfer has that pending_id")
	}
	switch {
	case p.State == StatePosted:
		return p, refuse(PendingTransferPosted, "the pending transfer was already posted")
	case p.State == StateVoided:
		return p, refuse(PendingTransferVoided, "the pending transfer was already voided")
	case p.State == StateExpired, !internal && p.ExpiresMicros != 0 && p.ExpiresMicros <= max(st.nowUS, st.lastUS+1):
		return p, refuse(PendingTransferExpired, "the pending transfer has expired")
	case t.DebitAccountID != "" && t.DebitAccountID != p.DebitAccountID,
		t.CreditAccountID != "" && t.CreditAccountID != p.CreditAccountID,
		t.Currency != "" && t.Currency != p.Currency:
		return p, refuse(PendingTransferMismatch, "the accounts or currency differ from the pending transfer's")
	case t.Flags&PostPending != 0 && t.Amount > p.Amount:
		return p, refuse(ExceedsPendingAmount, "the amount to post exceeds the pending amount")
	case t.Flags&VoidPending != 0 && t.Amount != 0 && t.Amount != p.Amount:
		return p, refuse(PendingTransferMismatch, "a void releases the whole pending amount; leave amount zero")
	}
	return p, nil
}

func checkLimits(df AccountFlags, d Balances, cf AccountFlags, c Balances) error {
	if df&DebitsMustNotExceedCredits != 0 {
		if sum, ok := sumOK(d.DebitsPosted, d.DebitsPending); !ok || sum > d.CreditsPosted {
			return refuse(ExceedsCredits, "the debit account's debits would exceed its credits")
		}
	}
	if cf&CreditsMustNotExceedDebits != 0 {
		if sum, ok := sumOK(c.CreditsPosted, c.CreditsPending); !ok || sum > c.DebitsPosted {
			return refuse(ExceedsDebits, "the credit account's credits would exceed its debits")
		}
	}
	return nil
}

// replay answers a transfer whose id is already committed: the original
// result when the fields agree, an error otherwise.
func replay(t *Transfer, s *StoredTransfer) Result {
	same := t.Flags == s.Flags && t.Code == s.Code && t.Metadata == s.Metadata && t.Timeout == s.Timeout && t.PendingID == s.PendingID &&
		(t.DebitAccountID == s.DebitAccountID || (t.DebitAccountID == "" && t.PendingID != "")) &&
		(t.CreditAccountID == s.CreditAccountID || (t.CreditAccountID == "" && t.PendingID != "")) &&
		(t.Currency == s.Currency || (t.Currency == "" && t.PendingID != "")) &&
		(t.Amount == s.Amount || (t.Amount == 0 && t.PendingID != ""))
	if !same {
		return Result{Err: refuse(ExistsWithDifferentFields, "a transfer with this id exists with different fields")}
	}
	return Result{Timestamp: s.Timestamp, Replayed: true}
}

func (st *batchState) setBalances(a *Account, b Balances) {
	prev, wasChanged := a.Balances, st.changed[a.ID]
	st.undo = append(st.undo, func() {
		a.Balances = prev
		if !wasChanged {
			delete(st.changed, a.ID)
		}
	})
	a.Balances = b
	st.changed[a.ID] = true
}

func (st *batchState) setPending(p PendingTransfer) {
	prev, existed := st.pending[p.ID]
	st.undo = append(st.undo, func() {
		if existed {
			st.pending[p.ID] = prev
		} else {
			delete(st.pending, p.ID)
		}
	})
	st.pending[p.ID] = p
}

// add adds v to *dst unless that overflows or goes below zero.
func add(dst *int64, v int64) bool {
	s, ok := sumOK(*dst, v)
	if !ok || s < 0 {
		return false
	}
	*dst = s
	return true
}

func sumOK(a, b int64) (int64, bool) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, false
	}
	return a + b, true
}

func validID(id string, internal bool) bool {
	if internal {
		return len(id) > 0 && len(id) <= MaxIDLength+len(expiryPrefix)
	}
	if len(id) == 0 || len(id) > MaxIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// plausibleID reports whether an account or transfer could have id: what
// validID allows, plus the engine's own expiry ids.
func plausibleID(id string) bool {
	return validID(strings.TrimPrefix(id, expiryPrefix), false)
}

func validCode(code string) bool {
	if len(code) > MaxCodeLength {
		return false
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
