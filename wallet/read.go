package wallet

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
)

// Transfer implements Service. The sender sees every transfer they made;
// the recipient sees it once it succeeded. Anything else is
// ETransferNotFound.
func (w *Wallets) Transfer(ctx context.Context, userID, tid string) (*Transfer, error) {
	it, err := w.store.Intent(ctx, tid)
	if err != nil {
		return nil, err
	}
	if it.From.UserID != userID && (it.To.UserID != userID || it.Status != StatusSucceeded) {
		return nil, &cashless.Error{Code: ETransferNotFound, Message: "No such transfer."}
	}
	return w.presentTransferTo(ctx, userID, it)
}

// Transfers implements Service.
func (w *Wallets) Transfers(ctx context.Context, userID string, p cashless.Page) ([]*Transfer, bool, error) {
	if err := checkPage(p, id.Transfer); err != nil {
		return nil, false, err
	}
	its, more, err := w.store.Intents(ctx, userID, p)
	if err != nil {
		return nil, false, fmt.Errorf("list transfers: %w", err)
	}
	ids := make([]string, 0, 2*len(its))
	for _, it := range its {
		ids = append(ids, it.From.UserID, it.To.UserID)
	}
	parties, err := w.parties(ctx, userID, ids...)
	if err != nil {
		return nil, false, err
	}
	out := make([]*Transfer, len(its))
	for i, it := range its {
		t := it.Transfer
		t.From, t.To = parties[t.From.UserID], parties[t.To.UserID]
		out[i] = &t
	}
	return out, more, nil
}

// presentTransfer returns an intent's public form as its sender sees it:
// the send path answers the sender.
func (w *Wallets) presentTransfer(ctx context.Context, it *Intent) (*Transfer, error) {
	return w.presentTransferTo(ctx, it.From.UserID, it)
}

// presentTransferTo returns an intent's public form as viewer sees it, with
// names filled in and a stranger's name masked.
func (w *Wallets) presentTransferTo(ctx context.Context, viewer string, it *Intent) (*Transfer, error) {
	t := it.Transfer
	if it.From.Name != "" && it.To.Name != "" {
		// A send in progress already read both users (names are never
		// stored by the wallet, so an intent read back has none).
		ps := map[string]Party{t.From.UserID: t.From, t.To.UserID: t.To}
		if err := w.maskNames(ctx, viewer, ps); err != nil {
			return nil, err
		}
		t.From, t.To = ps[t.From.UserID], ps[t.To.UserID]
		return &t, nil
	}
	parties, err := w.parties(ctx, viewer, it.From.UserID, it.To.UserID)
	if err != nil {
		return nil, err
	}
	t.From, t.To = parties[t.From.UserID], parties[t.To.UserID]
	return &t, nil
}

// Funding implements Service.
func (w *Wallets) Funding(ctx context.Context, userID, fid string) (*Funding, error) {
	f, err := w.store.Funding(ctx, fid)
	if err != nil {
		return nil, err
	}
	if f.UserID != userID {
		return nil, &cashless.Error{Code: EFundingNotFound, Message: "No such top-up or withdrawal."}
	}
	return &f.Funding, nil
}

// Fundings implements Service.
func (w *Wallets) Fundings(ctx context.Context, userID, kind string, p cashless.Page) ([]*Funding, bool, error) {
	prefix := id.Topup
	switch kind {
	case KindTopup:
	case KindWithdrawal:
		prefix = id.Withdrawal
	default:
		return nil, false, invalid("kind", "Kind must be topup or withdrawal.")
	}
	if err := checkPage(p, prefix); err != nil {
		return nil, false, err
	}
	recs, more, err := w.store.Fundings(ctx, userID, kind, p)
	if err != nil {
		return nil, false, fmt.Errorf("list fundings: %w", err)
	}
	out := make([]*Funding, len(recs))
	for i, r := range recs {
		out[i] = &r.Funding
	}
	return out, more, nil
}

// checkPage refuses a page with both cursors, a bad limit, or a cursor
// that is not an id of the listed type.
func checkPage(p cashless.Page, prefix string) error {
	if p.StartingAfter != "" && p.EndingBefore != "" {
		return invalid("starting_after", "Give starting_after or ending_before, not both.")
	}
	if p.Limit < 0 || p.Limit > cashless.MaxPageLimit {
		return invalid("limit", fmt.Sprintf("limit must be between 1 and %d.", cashless.MaxPageLimit))
	}
	if prefix == "" { // cursors another service checks (the ledger's)
		return nil
	}
	for param, cursor := range map[string]string{"starting_after": p.StartingAfter, "ending_before": p.EndingBefore} {
		if cursor != "" && (!id.HasPrefix(cursor, prefix) || len(cursor) > 64) {
			return invalid(param, fmt.Sprintf("%s must be a %s_ id.", param, prefix))
		}
	}
	return nil
}
