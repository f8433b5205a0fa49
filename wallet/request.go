package wallet

import (
	"context"
	"fmt"
	"strconv"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/money"
)

// splitPrefix is the prefix of the id shared by the requests of a split bill.
const splitPrefix = "split"

// RequestMoney implements Service. Each payer gets a request of their own;
// a split bill divides SplitTotal with money.Amount.Split, the remainder
// on the first payer. All requests are stored in one transaction, and the
// same user and idempotency key give the same requests.
func (w *Wallets) RequestMoney(ctx context.Context, in RequestInput) ([]*Request, error) {
	split := in.SplitTotal != money.Amount{}
	total := in.Amount
	switch {
	case split && in.Amount != money.Amount{}:
		return nil, invalid("amount", "Give an amount for each payer or a split total, not both.")
	case split:
		total = in.SplitTotal
	}
	if err := w.checkAmount(total, "amount"); err != nil {
		return nil, err
	}
	if err := checkMessage(in.Message); err != nil {
		return nil, err
	}
	if err := checkKey(in.IdempotencyKey); err != nil {
		return nil, err
	}
	if len(in.From) == 0 || len(in.From) > MaxPayers {
		return nil, invalid("from", fmt.Sprintf("Ask 1 to %d people.", MaxPayers))
	}
	amounts := make([]money.Amount, len(in.From))
	for i := range amounts {
		amounts[i] = total
	}
	if split {
		parts, err := total.Split(len(in.From))
		if err != nil {
			return nil, err
		}
		if !parts[len(parts)-1].IsPositive() {
			return nil, &cashless.Error{Code: EInvalidAmount, Message: "The total is too small to split among that many people.", Param: "amount"}
		}
		amounts = parts
	}
	payers := make([]string, len(in.From))
	seen := map[string]bool{}
	for i, r := range in.From {
		u, err := w.resolve(ctx, r)
		if err != nil {
			return nil, err
		}
		if u.ID == in.UserID {
			return nil, &cashless.Error{Code: ESelfTransfer, Message: "You cannot request money from yourself.", Param: "from"}
		}
		if seen[u.ID] {
			return nil, invalid("from", "Each person may be asked once per request.")
		}
		seen[u.ID] = true
		payers[i] = u.ID
	}
	now := w.now()
	splitID := ""
	if split {
		splitID = id.New(splitPrefix)
	}
	recs := make([]*RequestRecord, len(payers))
	for i, p := range payers {
		recs[i] = &RequestRecord{
			Request: Request{
				ID: id.New(id.Request), Requester: Party{UserID: in.UserID}, Payer: Party{UserID: p},
				Amount: amounts[i], Message: in.Message, Status: RequestPending, SplitID: splitID,
				Created: now, Expires: now.Add(w.opts.RequestTTL),
			},
			IdempotencyKey: in.IdempotencyKey,
			Seq:            i,
		}
	}
	stored, _, err := w.store.CreateRequests(ctx, recs)
	if err != nil {
		return nil, fmt.Errorf("store requests: %w", err)
	}
	return w.presentRequests(ctx, in.UserID, stored)
}

// PayRequest implements Service. Only the payer may pay. It runs the send
// path with the requester as recipient and an intent idempotency key
// derived from the request and its attempt number, so the request is paid
// at most once however many calls race: the one call that makes the
// attempt's intent pays (and a retry with its Idempotency-Key is told its
// outcome); every other is told ERequestAlreadyPaid. The request is marked
// paid in the same transaction as the transfer's success. A payment that
// fails (say for insufficient funds) starts a new attempt, so the payer
// may try again after topping up.
func (w *Wallets) PayRequest(ctx context.Context, userID, reqID, totpCode, idempotencyKey string) (*Request, *Transfer, error) {
	if len(idempotencyKey) > MaxIdempotencyKeyLength {
		return nil, nil, checkKey(idempotencyKey)
	}
	// A failed attempt that a concurrent call made lets this one try the
	// next; a few rounds bound a payer racing themselves.
	for range 3 {
		rec, r, err := w.ownRecord(ctx, userID, reqID, false, true)
		if err != nil {
			return nil, nil, err
		}
		switch r.Status {
		case RequestPending:
		case RequestPaid:
			return w.paidBy(ctx, userID, rec, idempotencyKey)
		default:
			return nil, nil, notPending(r.Status)
		}
		it := &Intent{
			Transfer: Transfer{
				ID: id.New(id.Transfer), From: Party{UserID: r.Payer.UserID}, To: Party{UserID: r.Requester.UserID},
				Amount: r.Amount, Message: r.Message, Visibility: Private, Status: StatusProcessing, RequestID: r.ID,
			},
			IdempotencyKey: r.ID + "/" + strconv.Itoa(rec.Attempt),
			ClientKey:      idempotencyKey,
		}
		t, err := w.send(ctx, it, totpCode)
		if cashless.ErrorCode(err) == ERequestNotPending {
			// The attempt raced for failed, or another call paid the
			// request (or it was declined or expired) after it was read
			// above: read it again and answer by what it is now.
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		paid, err := w.ownRequest(ctx, userID, reqID, false, true)
		if err != nil {
			return nil, nil, err
		}
		return paid, t, nil
	}
	return nil, nil, alreadyPaid()
}

// paidBy answers a call to pay a request that is paid: with the payment
// when the call carries the Idempotency-Key of the call that paid it,
// ERequestAlreadyPaid otherwise.
func (w *Wallets) paidBy(ctx context.Context, userID string, rec *RequestRecord, idempotencyKey string) (*Request, *Transfer, error) {
	it, err := w.store.Intent(ctx, rec.TransferID)
	if err != nil {
		return nil, nil, err
	}
	if idempotencyKey == "" || it.ClientKey != idempotencyKey {
		return nil, nil, alreadyPaid()
	}
	t, err := w.presentTransfer(ctx, it)
	if err != nil {
		return nil, nil, err
	}
	r, err := w.ownRequest(ctx, userID, rec.ID, false, true)
	if err != nil {
		return nil, nil, err
	}
	return r, t, nil
}

// DeclineRequest implements Service: the payer's refusal of a pending
// request.
func (w *Wallets) DeclineRequest(ctx context.Context, userID, id string) (*Request, error) {
	return w.endRequest(ctx, userID, id, RequestDeclined, false, true)
}

// CancelRequest implements Service: the requester withdraws a pending
// request.
func (w *Wallets) CancelRequest(ctx context.Context, userID, id string) (*Request, error) {
	return w.endRequest(ctx, userID, id, RequestCanceled, true, false)
}

func (w *Wallets) endRequest(ctx context.Context, userID, id, status string, asRequester, asPayer bool) (*Request, error) {
	r, err := w.ownRequest(ctx, userID, id, asRequester, asPayer)
	if err != nil {
		return nil, err
	}
	if r.Status != RequestPending {
		return nil, notPending(r.Status)
	}
	changed, err := w.store.SetRequestStatus(ctx, id, status, w.now())
	if err != nil {
		return nil, fmt.Errorf("update request: %w", err)
	}
	r, err = w.ownRequest(ctx, userID, id, asRequester, asPayer)
	if err != nil {
		return nil, err
	}
	if !changed {
		return nil, notPending(r.Status)
	}
	return r, nil
}

// Request implements Service.
func (w *Wallets) Request(ctx context.Context, userID, id string) (*Request, error) {
	return w.ownRequest(ctx, userID, id, true, true)
}

// Requests implements Service.
func (w *Wallets) Requests(ctx context.Context, userID string, p cashless.Page) ([]*Request, bool, error) {
	if err := checkPage(p, id.Request); err != nil {
		return nil, false, err
	}
	recs, more, err := w.store.Requests(ctx, userID, p)
	if err != nil {
		return nil, false, fmt.Errorf("list requests: %w", err)
	}
	out, err := w.presentRequests(ctx, userID, recs)
	return out, more, err
}

// ownRequest reads a request the user may act on as requester or payer
// (ERequestNotFound otherwise).
func (w *Wallets) ownRequest(ctx context.Context, userID, id string, asRequester, asPayer bool) (*Request, error) {
	_, r, err := w.ownRecord(ctx, userID, id, asRequester, asPayer)
	return r, err
}

// ownRecord is ownRequest that also returns the stored record.
func (w *Wallets) ownRecord(ctx context.Context, userID, id string, asRequester, asPayer bool) (*RequestRecord, *Request, error) {
	rec, err := w.store.Request(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !(asRequester && rec.Requester.UserID == userID) && !(asPayer && rec.Payer.UserID == userID) {
		return nil, nil, &cashless.Error{Code: ERequestNotFound, Message: "No such request."}
	}
	out, err := w.presentRequests(ctx, userID, []*RequestRecord{rec})
	if err != nil {
		return nil, nil, err
	}
	return rec, out[0], nil
}

// presentRequests fills in parties as viewer sees them (a stranger's name
// masked, so a request for a cent does not tell whose number it is) and
// shows a pending request past its expiry as expired. Reads do not write:
// the reconciler records the expiry, and the store refuses to pay, decline
// or cancel an expired request whatever its stored status.
func (w *Wallets) presentRequests(ctx context.Context, viewer string, recs []*RequestRecord) ([]*Request, error) {
	ids := make([]string, 0, 2*len(recs))
	for _, r := range recs {
		ids = append(ids, r.Requester.UserID, r.Payer.UserID)
	}
	parties, err := w.parties(ctx, viewer, ids...)
	if err != nil {
		return nil, err
	}
	now := w.now()
	out := make([]*Request, len(recs))
	for i, rec := range recs {
		r := rec.Request
		if r.Status == RequestPending && !now.Before(r.Expires) {
			r.Status = RequestExpired
		}
		r.Requester, r.Payer = parties[r.Requester.UserID], parties[r.Payer.UserID]
		out[i] = &r
	}
	return out, nil
}

func notPending(status string) error {
	return &cashless.Error{Code: ERequestNotPending, Message: fmt.Sprintf("The request is %s.", status)}
}
