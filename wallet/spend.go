package wallet

import (
	"context"
	"fmt"
	"time"

	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/money"
)

// Spend is a merchant payment's reservation of its payer's send caps,
// kept under the payment's id so that the merchant service can reserve
// and release it again safely.
type Spend struct {
	Key     string // the payment id
	UserID  string
	Amount  money.Amount
	Windows []string // the limit windows reserved in
	Created time.Time
}

// SpendStore keeps spends.
type SpendStore interface {
	// CreateSpend stores s and reserves its amount under every cap (and,
	// when stepUp is set, checks the user's payments in its window as
	// CreateIntent does: identity's ETOTPRequired), in one transaction.
	// A spend stored before under s.Key is returned with created false
	// and nothing is written. A cap the amount would pass fails the call
	// with ELimitExceeded (Param: the period).
	CreateSpend(ctx context.Context, s *Spend, caps []Reservation, stepUp *StepUpCheck) (stored *Spend, created bool, err error)
	// SpendByKey returns a spend, or nil and no error when there is
	// none under key.
	SpendByKey(ctx context.Context, key string) (*Spend, error)
	// ReleaseSpend gives a spend's reservation back, once; an unknown or
	// released key does nothing.
	ReleaseSpend(ctx context.Context, key string) error
}

// ReserveSpend implements merchant.Payers: a merchant payment counts
// against the payer's send caps and step-up rule as a send does, in the
// same windows. A second call with the same key reserves nothing more
// and checks no code again.
func (w *Wallets) ReserveSpend(ctx context.Context, in merchant.SpendInput) (string, error) {
	if err := w.checkCurrency(in.Amount.Currency); err != nil {
		return "", err
	}
	if prev, err := w.store.SpendByKey(ctx, in.Key); err != nil {
		return "", fmt.Errorf("read spend: %w", err)
	} else if prev != nil {
		return w.openAccount(ctx, prev.UserID, prev.Amount.Currency)
	}
	user, err := w.dir.User(ctx, in.UserID)
	if err != nil {
		return "", fmt.Errorf("read payer: %w", err)
	}
	stepUp, verify := w.stepUp(user, in.Amount, in.TOTPCode)
	if verify {
		if err := w.dir.VerifyTOTP(ctx, user.ID, in.TOTPCode); err != nil {
			return "", err
		}
	}
	res, err := w.reservations(user.KYCTier, in.Amount.Currency)
	if err != nil {
		return "", err
	}
	acct, err := w.openAccount(ctx, user.ID, in.Amount.Currency)
	if err != nil {
		return "", err
	}
	s := &Spend{Key: in.Key, UserID: user.ID, Amount: in.Amount, Created: w.now()}
	for _, r := range res {
		s.Windows = append(s.Windows, r.Window)
	}
	if _, _, err := w.store.CreateSpend(ctx, s, res, stepUp); err != nil {
		return "", err
	}
	return acct, nil
}

// ReleaseSpend implements merchant.Payers.
func (w *Wallets) ReleaseSpend(ctx context.Context, key string) error {
	return w.store.ReleaseSpend(ctx, key)
}

// WalletAccount implements merchant.Payers.
func (w *Wallets) WalletAccount(ctx context.Context, userID, currency string) (string, error) {
	if err := w.checkCurrency(currency); err != nil {
		return "", err
	}
	return w.openAccount(ctx, userID, currency)
}
