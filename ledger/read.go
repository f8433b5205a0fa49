package ledger

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/money"
)

// CreateAccounts implements Service.
func (e *Engine) CreateAccounts(ctx context.Context, accounts []Account) ([]Result, error) {
	if len(accounts) > e.opts.MaxBatch {
		return nil, cashless.Errorf(TooManyEvents, "at most %d accounts per call", e.opts.MaxBatch)
	}
	results := make([]Result, len(accounts))
	now := e.opts.Now().UTC().Truncate(time.Microsecond)
	valid := make([]Account, 0, len(accounts))
	for i, a := range accounts {
		if err := checkAccount(a); err != nil {
			results[i].Err = err
			continue
		}
		a.Balances, a.Created = Balances{}, now
		valid = append(valid, a)
	}
	if len(valid) == 0 {
		return results, nil
	}
	// The store retries a create that loses a race with another creator.
	stored, created, err := e.store.CreateAccounts(ctx, valid)
	if err != nil {
		return nil, fmt.Errorf("create accounts: %w", err)
	}
	for i, a := range accounts {
		if results[i].Err != nil {
			continue
		}
		s, ok := stored[a.ID]
		switch {
		case !ok:
			return nil, fmt.Errorf("create accounts: account %s missing after insert", a.ID)
		case s.Currency != a.Currency || s.Code != a.Code || s.Flags != a.Flags:
			results[i].Err = refuse(ExistsWithDifferentFields, "an account with this id exists with different fields")
		default:
			results[i] = Result{Timestamp: s.Created, Replayed: !created[a.ID]}
			created[a.ID] = false // a second copy of the id in the same call is a replay
		}
	}
	return results, nil
}

func checkAccount(a Account) error {
	if !validID(a.ID, false) {
		return refuse(InvalidID, "id must be 1–64 characters of A–Z, a–z, 0–9, '_', '-' and '.'")
	}
	if !validCode(a.Code) {
		return refuse(InvalidCode, "code must be at most 32 characters of a–z, 0–9 and '_'")
	}
	if _, err := money.LookupCurrency(a.Currency); err != nil {
		return refuse(UnknownCurrency, fmt.Sprintf("%q is not an ISO 4217 currency code", a.Currency))
	}
	if a.Flags&^accountFlagsMask != 0 || a.Flags == accountFlagsMask {
		return refuse(InvalidFlags, "unknown account flags, or both balance rules at once")
	}
	if a.Balances != (Balances{}) {
		return refuse(InvalidBalances, "balances start at zero and change only through transfers")
	}
	return nil
}

// LookupAccounts implements Service.
func (e *Engine) LookupAccounts(ctx context.Context, ids []string) ([]Account, error) {
	found, err := e.store.Accounts(ctx, plausibleIDs(ids))
	if err != nil {
		return nil, fmt.Errorf("look up accounts: %w", err)
	}
	out := make([]Account, 0, len(found))
	for _, id := range ids {
		if a, ok := found[id]; ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// LookupTransfers implements Service.
func (e *Engine) LookupTransfers(ctx context.Context, ids []string) ([]Transfer, error) {
	found, err := e.store.Transfers(ctx, plausibleIDs(ids))
	if err != nil {
		return nil, fmt.Errorf("look up transfers: %w", err)
	}
	out := make([]Transfer, 0, len(found))
	for _, id := range ids {
		if t, ok := found[id]; ok {
			out = append(out, t.Transfer)
		}
	}
	return out, nil
}

// BalanceAt implements Service.
func (e *Engine) BalanceAt(ctx context.Context, accountID string, at time.Time) (Balances, error) {
	acct, err := e.account(ctx, accountID)
	if err != nil {
		return Balances{}, err
	}
	if at.IsZero() {
		return acct.Balances, nil
	}
	t, ok, err := e.store.LatestEntry(ctx, accountID, at.UnixMicro())
	if err != nil || !ok {
		return Balances{}, err
	}
	return sideBalances(&t, accountID), nil
}

// History implements Service.
func (e *Engine) History(ctx context.Context, f HistoryFilter) (HistoryPage, error) {
	if f.Limit == 0 {
		f.Limit = 10
	}
	if f.Limit < 1 || f.Limit > 1000 {
		return HistoryPage{}, cashless.Errorf(cashless.EInvalid, "limit must be between 1 and 1000")
	}
	if f.StartingAfter != "" && f.EndingBefore != "" {
		return HistoryPage{}, cashless.Errorf(cashless.EInvalid, "give starting_after or ending_before, not both")
	}
	if _, err := e.account(ctx, f.AccountID); err != nil {
		return HistoryPage{}, err
	}
	var after, before int64
	desc := true
	for _, cursor := range []string{f.StartingAfter, f.EndingBefore} {
		if cursor == "" {
			continue
		}
		found, err := e.store.Transfers(ctx, plausibleIDs([]string{cursor}))
		if err != nil {
			return HistoryPage{}, fmt.Errorf("read history cursor: %w", err)
		}
		t, ok := found[cursor]
		if !ok || (t.DebitAccountID != f.AccountID && t.CreditAccountID != f.AccountID) {
			return HistoryPage{}, cashless.Errorf(cashless.EInvalid, "cursor %q is not a transfer of this account", cursor)
		}
		if cursor == f.StartingAfter {
			before = t.Timestamp.UnixMicro()
		} else {
			after, desc = t.Timestamp.UnixMicro(), false
		}
	}
	rows, err := e.store.Entries(ctx, f.AccountID, after, before, desc, f.Limit+1)
	if err != nil {
		return HistoryPage{}, fmt.Errorf("read history: %w", err)
	}
	page := HistoryPage{HasMore: len(rows) > f.Limit}
	rows = rows[:min(len(rows), f.Limit)]
	if !desc {
		slices.Reverse(rows)
	}
	page.Entries = make([]HistoryEntry, len(rows))
	for i := range rows {
		page.Entries[i] = HistoryEntry{Transfer: rows[i].Transfer, Balances: sideBalances(&rows[i], f.AccountID)}
	}
	return page, nil
}

func (e *Engine) account(ctx context.Context, id string) (Account, error) {
	if !plausibleID(id) {
		return Account{}, refuse(AccountNotFound, "no account has that id")
	}
	found, err := e.store.Accounts(ctx, []string{id})
	if err != nil {
		return Account{}, fmt.Errorf("read account: %w", err)
	}
	a, ok := found[id]
	if !ok {
		return Account{}, refuse(AccountNotFound, "no account has that id")
	}
	return a, nil
}

// sideBalances picks the balances of accountID's side of a transfer.
func sideBalances(t *StoredTransfer, accountID string) Balances {
	if t.DebitAccountID == accountID {
		return t.DebitAfter
	}
	return t.CreditAfter
}

// plausibleIDs returns the ids that an account or transfer could have; the
// others cannot exist, and are not sent to the store.
func plausibleIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if plausibleID(id) {
			out = append(out, id)
		}
	}
	return out
}
