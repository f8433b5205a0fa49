package wallet

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
)

// Activity implements Service: the wallet's statement from the ledger's
// history of its account, newest first, paginated with ledger transfer ids
// as cursors. Each entry's Balance is the posted balance just after it.
// Pending entries (a top-up or withdrawal the bank has not confirmed) move
// no posted money; when the bank confirms, a second entry of the same type
// moves it, and when it fails an entry of type "<type>_reversed" releases
// the pending amount.
func (w *Wallets) Activity(ctx context.Context, userID, currency string, p cashless.Page) ([]*Entry, bool, error) {
	if err := checkPage(p, ""); err != nil {
		return nil, false, err
	}
	if err := w.checkCurrency(currency); err != nil {
		return nil, false, err
	}
	acct, err := w.openAccount(ctx, userID, currency)
	if err != nil {
		return nil, false, err
	}
	page, err := w.ledger.History(ctx, ledger.HistoryFilter{
		AccountID: acct, Limit: p.Size(), StartingAfter: p.StartingAfter, EndingBefore: p.EndingBefore,
	})
	if err != nil {
		// The ledger refuses a cursor that is not a transfer of the account
		// as invalid; any other error (an unreachable ledger) is not the
		// caller's cursor's fault.
		if cashless.ErrorCode(err) == cashless.EInvalid {
			return nil, false, invalid("starting_after", "The cursor is not an entry of this statement.")
		}
		return nil, false, fmt.Errorf("read statement: %w", err)
	}
	out := make([]*Entry, len(page.Entries))
	for i, e := range page.Entries {
		out[i] = entry(acct, e)
	}
	return out, page.HasMore, nil
}

// entry turns one ledger history line of a wallet account into a
// statement line.
func entry(acct string, e ledger.HistoryEntry) *Entry {
	t := e.Transfer
	amount := t.Amount
	if t.DebitAccountID == acct {
		amount = -amount
	}
	typ := t.Code
	switch {
	case t.Code == codeP2P && amount < 0:
		typ = "p2p_sent"
	case t.Code == codeP2P:
		typ = "p2p_received"
	case t.Flags&ledger.VoidPending != 0:
		// A void undoes the pending amount: its sign is the reverse.
		typ, amount = t.Code+"_reversed", -amount
	}
	return &Entry{
		ID:          t.ID,
		Type:        typ,
		Amount:      amount,
		Currency:    t.Currency,
		Balance:     e.Balances.Posted(),
		Pending:     t.Flags&ledger.Pending != 0,
		Description: descriptions[typ],
		Created:     t.Timestamp,
	}
}

var descriptions = map[string]string{
	"p2p_sent":            "Payment sent",
	"p2p_received":        "Payment received",
	"topup":               "Top-up from bank",
	"topup_reversed":      "Top-up failed",
	"withdrawal":          "Withdrawal to bank",
	"withdrawal_reversed": "Withdrawal returned",
}
