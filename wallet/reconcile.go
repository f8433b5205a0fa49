package wallet

import (
	"context"
	"errors"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
)

// reconcileBatch bounds the intents or fundings one step of a pass reads.
const reconcileBatch = 100

// Reconcile is one pass of the reconciler, which also runs in the
// background every Options.ReconcileInterval. It finishes what a crash or
// an unreachable ledger or bank left in flight for longer than
// Options.ReconcileGrace:
//
//   - a transfer intent still processing: if the ledger has its transfer it
//     is marked succeeded, otherwise the transfer is submitted again (the
//     same id, so at most once) and the outcome recorded;
//   - a funding still pending: a bank outcome that arrived but was not
//     applied is applied; a hold missing from the ledger is made and the
//     order submitted; otherwise the bank is asked, and an order it does not
//     know is submitted again;
//   - money requests past their expiry are marked expired.
//
// Every step is idempotent and conditional on the state it leaves, so
// several instances may reconcile at once.
func (w *Wallets) Reconcile(ctx context.Context) error {
	return errors.Join(w.reconcileIntents(ctx), w.reconcileFundings(ctx), w.expireRequests(ctx))
}

func (w *Wallets) reconcileIntents(ctx context.Context) error {
	before := w.now().Add(-w.opts.ReconcileGrace)
	for {
		its, err := w.store.StaleIntents(ctx, before, reconcileBatch)
		if err != nil {
			return fmt.Errorf("find stale transfers: %w", err)
		}
		ids := make([]string, len(its))
		for i, it := range its {
			ids[i] = it.ID
		}
		committed := map[string]bool{}
		if len(ids) > 0 {
			found, err := w.ledger.LookupTransfers(ctx, ids)
			if err != nil {
				return fmt.Errorf("look up stale transfers: %w", err)
			}
			for _, t := range found {
				committed[t.ID] = true
			}
		}
		for _, it := range its {
			if err := w.reconcileIntent(ctx, it, committed[it.ID]); err != nil {
				return err
			}
		}
		if len(its) < reconcileBatch {
			return nil
		}
	}
}

func (w *Wallets) reconcileIntent(ctx context.Context, it *Intent, committed bool) error {
	code := ""
	if !committed {
		var err error
		if code, err = w.commitP2P(ctx, it); err != nil {
			return fmt.Errorf("re-drive transfer %s: %w", it.ID, err)
		}
	}
	if code != "" {
		if _, err := w.store.FailIntent(ctx, it.ID, code, w.now()); err != nil {
			return fmt.Errorf("record failed transfer %s: %w", it.ID, err)
		}
		w.log.Info("reconciler failed a transfer", "transfer", it.ID, "code", code)
		return nil
	}
	if err := w.succeed(ctx, it); err != nil {
		return err
	}
	w.log.Info("reconciler completed a transfer", "transfer", it.ID)
	return nil
}

func (w *Wallets) reconcileFundings(ctx context.Context) error {
	before := w.now().Add(-w.opts.ReconcileGrace)
	for {
		fs, err := w.store.StaleFundings(ctx, before, reconcileBatch)
		if err != nil {
			return fmt.Errorf("find stale fundings: %w", err)
		}
		var held map[string]bool
		var pending []string
		for _, f := range fs {
			if f.BankOutcome == "" {
				pending = append(pending, f.ID)
			}
		}
		if len(pending) > 0 {
			found, err := w.ledger.LookupTransfers(ctx, pending)
			if err != nil {
				return fmt.Errorf("look up funding holds: %w", err)
			}
			held = make(map[string]bool, len(found))
			for _, t := range found {
				held[t.ID] = true
			}
		}
		for _, f := range fs {
			if err := w.reconcileFunding(ctx, f, held[f.ID]); err != nil {
				return err
			}
			// Whatever the step did, the funding waits a grace period
			// before the next look (a no-op once it is finished).
			if err := w.store.TouchFunding(ctx, f.ID, w.now()); err != nil {
				return fmt.Errorf("touch funding: %w", err)
			}
		}
		if len(fs) < reconcileBatch {
			return nil
		}
	}
}

func (w *Wallets) reconcileFunding(ctx context.Context, f *FundingRecord, held bool) error {
	if f.BankOutcome != "" {
		return w.applyFunding(ctx, f, EBankFailed)
	}
	if !held {
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
		return w.resubmit(ctx, f)
	}
	o, err := w.bank.Status(ctx, f.ID)
	if err != nil {
		w.log.Warn("reconciler could not ask the bank", "funding", f.ID, "err", err)
		return nil
	}
	switch o.Status {
	case bank.Succeeded, bank.Failed:
		rec, err := w.store.RecordBankOutcome(ctx, f.ID, string(o.Status), w.now())
		if err != nil {
			return fmt.Errorf("record bank outcome: %w", err)
		}
		return w.applyFunding(ctx, rec, EBankFailed)
	case bank.Unknown:
		return w.resubmit(ctx, f)
	}
	return nil
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
