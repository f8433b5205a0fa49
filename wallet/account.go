package wallet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/money"
)

// bankAccountID is the ledger account that stands for the banks in a
// currency: top-ups debit it, withdrawals credit it.
func bankAccountID(currency string) string { return "sys.bank." + currency }

// walletAccountID is the ledger account of a user's wallet in a currency:
// "acct_<user id>_<currency>" in lower case, or, for a user id that would
// not make a valid ledger id, "acct_" and a hash of the two.
func walletAccountID(userID, currency string) string {
	s := id.Account + "_" + userID + "_" + strings.ToLower(currency)
	if len(s) <= ledger.MaxIDLength && ledgerIDChars(s) {
		return s
	}
	sum := sha256.Sum256([]byte(userID + "\x00" + currency))
	return id.Account + "_" + hex.EncodeToString(sum[:20])
}

func ledgerIDChars(s string) bool {
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}

// checkCurrency refuses a currency that is not ISO 4217
// (money.UnknownCurrency) or that no tier allows (ECurrencyNotSupported).
func (w *Wallets) checkCurrency(currency string) error {
	if _, err := money.LookupCurrency(currency); err != nil {
		return &cashless.Error{Code: money.UnknownCurrency, Message: "Unknown currency: use an upper-case ISO 4217 code such as HKD.", Param: "currency"}
	}
	if slices.Contains(w.currencies, currency) {
		return nil
	}
	return &cashless.Error{Code: ECurrencyNotSupported, Message: fmt.Sprintf("Wallets cannot hold %s.", currency), Param: "currency"}
}

// openAccount creates the user's wallet account in the ledger unless it is
// known to exist. The ledger's idempotency makes concurrent opens safe;
// opens are rare, so this instance makes them one at a time (concurrent
// creates of one account can lose a lock race on MySQL) and retries a
// lost race with another instance.
func (w *Wallets) openAccount(ctx context.Context, userID, currency string) (string, error) {
	acct := walletAccountID(userID, currency)
	if _, ok := w.opened.Load(acct); ok {
		return acct, nil
	}
	w.openMu.Lock()
	defer w.openMu.Unlock()
	if _, ok := w.opened.Load(acct); ok {
		return acct, nil
	}
	var err error
	for attempt := range 3 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 10 * time.Millisecond)
		}
		var res []ledger.Result
		res, err = w.ledger.CreateAccounts(ctx, []ledger.Account{{
			ID: acct, Currency: currency, Code: "wallet", Flags: ledger.DebitsMustNotExceedCredits,
		}})
		if err == nil && res[0].Err != nil {
			return "", fmt.Errorf("open wallet account: %w", res[0].Err)
		}
		if err == nil {
			w.opened.Store(acct, true)
			return acct, nil
		}
	}
	return "", fmt.Errorf("open wallet account: %w", err)
}

// Wallet implements Service. Balances come from the ledger: Balance is
// posted, Available is posted less pending debits (withdrawals in
// progress), Pending is pending credits (unconfirmed top-ups).
func (w *Wallets) Wallet(ctx context.Context, userID, currency string) (*Wallet, error) {
	if err := w.checkCurrency(currency); err != nil {
		return nil, err
	}
	acct, err := w.openAccount(ctx, userID, currency)
	if err != nil {
		return nil, err
	}
	accts, err := w.ledger.LookupAccounts(ctx, []string{acct})
	if err != nil {
		return nil, fmt.Errorf("read wallet: %w", err)
	}
	if len(accts) != 1 {
		return nil, fmt.Errorf("read wallet: account %s missing", acct)
	}
	a := accts[0]
	return &Wallet{
		UserID: userID, Currency: currency, AccountID: acct,
		Balance: a.Posted(), Available: a.Available(), Pending: a.CreditsPending,
		Created: a.Created,
	}, nil
}
