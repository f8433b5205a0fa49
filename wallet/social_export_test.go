package wallet

import (
	"context"
	"log/slog"
	"time"
)

// NewSocialWallets returns a Wallets with only what contacts and the feed
// need, for the tests of package wallet_test.
func NewSocialWallets(store Store, dir Directory, now func() time.Time) *Wallets {
	return &Wallets{store: store, dir: dir, now: now, log: slog.Default()}
}

// AddPaymentContacts exposes addPaymentContacts to the tests.
func (w *Wallets) AddPaymentContacts(ctx context.Context, a, b string) error {
	return w.addPaymentContacts(ctx, a, b)
}
