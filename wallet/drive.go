package wallet

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
)

// drive moves the money of an intent that it.Lease holds and records the
// outcome. An error of the ledger call as a whole leaves the intent
// processing, for the reconciler once the lease ends.
func (w *Wallets) drive(ctx context.Context, it *Intent, autoTopup bool) (*Transfer, error) {
	code, err := w.commitP2P(ctx, it)
	if err != nil {
		return nil, err
	}
	if code == EInsufficientFunds && autoTopup {
		if code, err = w.topUpAndRetry(ctx, it); err != nil {
			return nil, err
		}
	}
	if code == "" {
		if err := w.succeed(ctx, it); err != nil {
			return nil, err
		}
		it.Status, it.FailureCode = StatusSucceeded, ""
		return w.presentTransfer(ctx, it)
	}
	changed, err := w.store.FailIntent(ctx, it.ID, it.Lease, it.Attempt, code, w.now())
	if err != nil {
		return nil, fmt.Errorf("record failed transfer: %w", err)
	}
	if changed {
		return nil, failure(code)
	}
	// The lease passed to another driver, which decides now: it may see
	// the same refusal, or (holding the lease after an automatic top-up)
	// start the next attempt, which may go through. Only what is recorded
	// is an answer; an intent still processing is answered as it stands.
	cur, err := w.store.Intent(ctx, it.ID)
	if err != nil {
		return nil, err
	}
	if cur.Status == StatusFailed {
		return nil, failure(cur.FailureCode)
	}
	return w.presentTransfer(ctx, cur)
}

// topUpAndRetry is the automatic top-up of a send that the ledger refused
// for insufficient funds: it extends the intent's lease over the wait,
// tops the wallet up and, once the money is in, starts the intent's next
// attempt and submits its transfer. It returns the failure code of the
// send ("" when the second try went through).
func (w *Wallets) topUpAndRetry(ctx context.Context, it *Intent) (string, error) {
	now := w.now()
	l := intent.Lease{Token: it.Lease.Token, Until: now.Add(w.opts.AutoTopupWait + w.opts.ReconcileGrace)}
	held, err := w.transferQueue.Claim(ctx, it.ID, l, now)
	if err != nil {
		return "", fmt.Errorf("extend the transfer's lease: %w", err)
	}
	if !held || !w.autoTopup(ctx, it) {
		return EInsufficientFunds, nil
	}
	it.Lease = l
	next, err := w.store.NextAttempt(ctx, it.ID, it.Lease, it.Attempt, w.now())
	if err != nil {
		return "", fmt.Errorf("start the transfer's next attempt: %w", err)
	}
	if !next {
		return EInsufficientFunds, nil
	}
	it.Attempt++
	return w.commitP2P(ctx, it)
}

// commitP2P submits the ledger transfer of the intent's current attempt.
// It returns the failure code of a refusal ("" on success), or an error
// when the ledger could not answer.
func (w *Wallets) commitP2P(ctx context.Context, it *Intent) (string, error) {
	return w.commitTransfer(ctx, ledger.Transfer{
		ID:              it.TransferID(),
		DebitAccountID:  walletAccountID(it.From.UserID, it.Amount.Currency),
		CreditAccountID: walletAccountID(it.To.UserID, it.Amount.Currency),
		Amount:          it.Amount.Minor,
		Currency:        it.Amount.Currency,
		Code:            codeP2P,
	})
}

// commitTransfer submits one ledger transfer. It returns the wallet's
// failure code for a refusal ("" on success: EInsufficientFunds when the
// wallet is short, EInternal for a refusal that should never happen), or an
// error when the ledger could not answer. The ledger keeps its refusals, so
// the same transfer submitted again answers the same.
func (w *Wallets) commitTransfer(ctx context.Context, t ledger.Transfer) (string, error) {
	res, err := w.ledger.CreateTransfers(ctx, []ledger.Transfer{t})
	if err != nil {
		return "", fmt.Errorf("move money: %w", err)
	}
	switch c := cashless.ErrorCode(res[0].Err); c {
	case "":
		return "", nil
	case ledger.ExceedsCredits:
		return EInsufficientFunds, nil
	default:
		w.log.Error("ledger refused a transfer", "transfer", t.ID, "code", c)
		return cashless.EInternal, nil
	}
}

// succeed records an intent's success and, in the same transaction, makes
// the two users each other's contacts (if they were not yet).
func (w *Wallets) succeed(ctx context.Context, it *Intent) error {
	if _, err := w.store.SucceedIntent(ctx, it, w.now(), w.paymentContacts(it.From.UserID, it.To.UserID)...); err != nil {
		return fmt.Errorf("record transfer: %w", err)
	}
	return nil
}

// redriveTransfer is the reconciler's drive of a transfer intent that l
// holds: it submits the current attempt's transfer again (the ledger
// answers as it did, or commits it if it never arrived) and records the
// outcome. It never tops up: a second attempt is the request path's.
func (w *Wallets) redriveTransfer(ctx context.Context, id string, l intent.Lease) error {
	it, err := w.store.Intent(ctx, id)
	if err != nil {
		return err
	}
	if it.Status != StatusProcessing {
		return nil
	}
	it.Lease = l
	code, err := w.commitP2P(ctx, it)
	if err != nil {
		return err
	}
	if code == "" {
		if err := w.succeed(ctx, it); err != nil {
			return err
		}
		w.log.Info("reconciler completed a transfer", "transfer", it.ID)
		return nil
	}
	if _, err := w.store.FailIntent(ctx, it.ID, l, it.Attempt, code, w.now()); err != nil {
		return fmt.Errorf("record failed transfer: %w", err)
	}
	w.log.Info("reconciler failed a transfer", "transfer", it.ID, "code", code)
	return nil
}
