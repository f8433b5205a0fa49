package wallet

import (
	"context"
	"time"

	"github.com/cashless-dev/cashless/money"
)

// autoTopup tops the sender's wallet up by what the intent is short of, if
// anything, and waits, up to Options.AutoTopupWait, for the bank to
// confirm, before the send's one attempt. The top-up's idempotency key
// derives from the intent, so a retried send never tops up twice.
func (w *Wallets) autoTopup(ctx context.Context, it *Intent) {
	wal, err := w.Wallet(ctx, it.From.UserID, it.Amount.Currency)
	if err != nil {
		w.log.Warn("auto top-up: could not read the wallet", "transfer", it.ID, "err", err)
		return
	}
	missing := it.Amount.Minor - wal.Available
	if missing <= 0 {
		return
	}
	f, err := w.Topup(ctx, TopupInput{
		UserID:         it.From.UserID,
		Amount:         money.Amount{Minor: missing, Currency: it.Amount.Currency},
		IdempotencyKey: "auto-topup:" + it.ID,
	})
	if err != nil {
		w.log.Warn("auto top-up failed", "transfer", it.ID, "err", err)
		return
	}
	deadline := time.Now().Add(w.opts.AutoTopupWait)
	wait := time.Millisecond
	for f.Status == StatusPending && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
		rec, err := w.store.Funding(ctx, f.ID)
		if err != nil {
			w.log.Warn("auto top-up: could not read the top-up", "transfer", it.ID, "err", err)
			return
		}
		f = &rec.Funding
	}
}
