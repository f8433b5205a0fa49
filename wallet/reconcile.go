package wallet

import (
	"context"
	"errors"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/intent"
)

// Reconcile is one pass of the reconciler, which also runs in the
// background every Options.ReconcileInterval. Through the shared intent
// driver (package intent) it finishes what a crash or an unreachable
// ledger or bank left in flight once the lease of its last driver has
// ended (Options.ReconcileGrace after the request path took it):
//
//   - a transfer intent still processing: its current attempt's transfer
//     is submitted again (the same id, so the ledger commits it at most
//     once and answers a refusal as it did before) and the outcome
//     recorded;
//   - a funding still pending: a bank outcome that arrived but was not
//     applied is applied; a hold missing from the ledger is made; otherwise
//     the bank is asked, and an order it does not know is submitted again;
//   - money requests past their expiry are marked expired.
//
// A row whose re-drive fails is retried later and parked after repeated
// failures (Stats). Every step is idempotent and conditional on the state
// it leaves, so several instances may reconcile at once.
func (w *Wallets) Reconcile(ctx context.Context) error {
	return errors.Join(w.transfers.Pass(ctx), w.fundings.Pass(ctx), w.expireRequests(ctx))
}

// Stats returns the counters of the reconciler's drivers, one per kind of
// intent (p2p, funding), for metrics.
func (w *Wallets) Stats() []intent.Stats {
	return []intent.Stats{w.transfers.Stats(), w.fundings.Stats()}
}

// redriveFunding is the reconciler's drive of a pending funding that its
// lease holds.
func (w *Wallets) redriveFunding(ctx context.Context, id string, _ intent.Lease) error {
	f, err := w.store.Funding(ctx, id)
	if err != nil {
		return err
	}
	if f.Status != StatusPending {
		return nil
	}
	if f.BankOutcome != "" {
		return w.applyFunding(ctx, f)
	}
	// Making the hold again is harmless: the same id answers as it did
	// (made, or refused), and a hold that a crash left unmade is made now.
	code, err := w.hold(ctx, f)
	if err != nil {
		return err
	}
	if code != "" {
		if _, err := w.store.FinishFunding(ctx, f.ID, StatusFailed, code, w.now()); err != nil {
			return fmt.Errorf("record failed funding: %w", err)
		}
		return nil
	}
	o, err := w.bank.Status(ctx, f.ID)
	if err != nil {
		return fmt.Errorf("ask the bank: %w", err)
	}
	switch o.Status {
	case bank.Succeeded, bank.Failed:
		rec, err := w.store.RecordBankOutcome(ctx, f.ID, string(o.Status), bankFailureCode(o.Status, EBankFailed), w.now())
		if err != nil {
			return fmt.Errorf("record bank outcome: %w", err)
		}
		return w.applyFunding(ctx, rec)
	case bank.Unknown:
		return w.resubmit(ctx, f)
	}
	return nil // the bank is still working on it: look again when the lease ends
}

// resubmit sends a funding's bank order again, with the account number
// unsealed for a withdrawal.
func (w *Wallets) resubmit(ctx context.Context, f *FundingRecord) error {
	account := ""
	if f.Kind == KindWithdrawal {
		plain, err := w.vault.Unseal(ctx, f.BankAccountSealed, bankAccountAAD(f.ID))
		if err != nil {
			return fmt.Errorf("unseal bank account: %w", err)
		}
		account = string(plain)
	}
	err := w.submit(ctx, f, account)
	if err != nil && cashless.ErrorCode(err) != EBankDeclined {
		return err
	}
	return nil
}

func (w *Wallets) expireRequests(ctx context.Context) error {
	const batch = 500
	for {
		n, err := w.store.ExpireRequests(ctx, w.now(), batch)
		if err != nil {
			return fmt.Errorf("expire requests: %w", err)
		}
		if n < batch {
			return nil
		}
	}
}
