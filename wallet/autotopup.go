package wallet

import (
	"context"
	"time"

	"github.com/cashless-dev/cashless/money"
)

// autoTopup tops the sender's wallet up by what the intent is short of and
// waits, up to Options.AutoTopupWait, for the bank to confirm. It reports
// whether the money arrived, so the send may be tried again. The top-up's
// idempotency key derives from the intent, so a retried send never tops up
// twice.
func (w *Wallets) autoTopup(ctx context.Context, it *Intent) bool {
	wal, err := w.Wallet(ctx, it.From.UserID, it.Amount.Currency)
	if err != nil {
		w.log.Warn("auto top-up: could not read the wallet", "transfer", it.ID, "err", err)
		return false
	}
	missing := it.Amount.Minor - wal.Available
	if missing <= 0 {
		return true
	}
	f, err := w.Topup(ctx, TopupInput{
		UserID:         it.From.UserID,
		Amount:         money.Amount{Minor: missing, Currency: it.Amount.Currency},
		IdempotencyKey: "auto-topup:" + it.ID,
	})
	if err != nil {
		w.log.Warn("auto top-up failed", "transfer", it.ID, "err", err)
		return false
	}
	// The deadline is on the injected clock, so a test decides when the
	// wait is over; the pauses between looks are real time.
	deadline := w.now().Add(w.opts.AutoTopupWait)
	wait := time.Millisecond
	for f.Status == StatusPending && w.now().Before(deadline) {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
		rec, err := w.store.Funding(ctx, f.ID)
		if err != nil {
			w.log.Warn("auto top-up: could not read the top-up", "transfer", it.ID, "err", err)
			return false
		}
		f = &rec.Funding
	}
	return f.Status == StatusSucceeded
}
