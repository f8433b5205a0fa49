package wallet

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/ledger"
)

// Send implements Service. It follows the wallet's money path: validate;
// resolve the recipient; step up with TOTP above the threshold; store the
// intent and reserve the limits in one transaction; move the money in the
// ledger with the intent's id as the transfer id; record the outcome. The
// same user and idempotency key always give the same transfer: a replay
// returns the stored outcome (a failure as the same error code) and drives
// on an intent still in flight; it never makes a second intent.
//
// A replay is recognised before the step-up, so retrying a large send
// whose one-time code was already used does not ask for another code.
//
// With Options.AutoTopup, a send that finds the balance short first tops
// the wallet up from the bank by the missing amount, waits up to
// Options.AutoTopupWait for the bank to confirm, and then makes its one
// attempt (the ledger's refusal of a transfer id is final, so the top-up
// comes before the attempt, never after a refusal); if the bank does not
// confirm in time the send fails with EInsufficientFunds and the top-up
// completes on its own later.
func (w *Wallets) Send(ctx context.Context, in SendInput) (*Transfer, error) {
	if err := w.checkAmount(in.Amount, "amount"); err != nil {
		return nil, err
	}
	if err := checkMessage(in.Message); err != nil {
		return nil, err
	}
	vis, err := checkVisibility(in.Visibility)
	if err != nil {
		return nil, err
	}
	if err := checkKey(in.IdempotencyKey); err != nil {
		return nil, err
	}
	to, err := w.resolve(ctx, in.To)
	if err != nil {
		return nil, err
	}
	if to.ID == in.UserID {
		return nil, &cashless.Error{Code: ESelfTransfer, Message: "You cannot send money to yourself.", Param: "to"}
	}
	it := &Intent{
		Transfer: Transfer{
			ID: id.New(id.Transfer), From: Party{UserID: in.UserID}, To: Party{UserID: to.ID, Name: to.Name, Username: to.Username},
			Amount: in.Amount, Message: in.Message, Visibility: vis, Status: StatusProcessing,
		},
		IdempotencyKey: in.IdempotencyKey,
	}
	return w.send(ctx, it, in.TOTPCode)
}

// send runs a validated intent through the money path; PayRequest shares it.
func (w *Wallets) send(ctx context.Context, it *Intent, totpCode string) (*Transfer, error) {
	if limit, ok := w.limits.StepUp(it.Amount.Currency); ok && it.Amount.Minor > limit {
		prev, err := w.store.IntentByKey(ctx, it.From.UserID, it.IdempotencyKey)
		switch {
		case err == nil:
			return w.replay(ctx, prev)
		case cashless.ErrorCode(err) != ETransferNotFound:
			return nil, fmt.Errorf("read transfer: %w", err)
		}
		if err := w.dir.VerifyTOTP(ctx, it.From.UserID, totpCode); err != nil {
			return nil, err
		}
	}
	sender, err := w.dir.User(ctx, it.From.UserID)
	if err != nil {
		return nil, fmt.Errorf("read sender: %w", err)
	}
	it.From.Name, it.From.Username = sender.Name, sender.Username
	res, err := w.reservations(sender.KYCTier, it.Amount.Currency)
	if err != nil {
		return nil, err
	}
	// Both wallets exist before the intent does, so the reconciler never
	// finds an intent whose accounts are missing.
	if _, err := w.openAccount(ctx, it.From.UserID, it.Amount.Currency); err != nil {
		return nil, err
	}
	if _, err := w.openAccount(ctx, it.To.UserID, it.Amount.Currency); err != nil {
		return nil, err
	}
	now := w.now()
	it.Created, it.Updated = now, now
	it.Windows = make([]string, len(res))
	for i, r := range res {
		it.Windows[i] = r.Window
	}
	stored, created, err := w.store.CreateIntent(ctx, it, res)
	if err != nil {
		return nil, err
	}
	if !created {
		return w.replay(ctx, stored)
	}
	return w.drive(ctx, stored, w.opts.AutoTopup)
}

// replay answers a send whose intent already exists.
func (w *Wallets) replay(ctx context.Context, it *Intent) (*Transfer, error) {
	switch it.Status {
	case StatusSucceeded:
		return w.presentTransfer(ctx, it)
	case StatusFailed:
		return nil, failure(it.FailureCode)
	}
	return w.drive(ctx, it, false)
}

// drive moves an intent's money in the ledger and records the outcome. An
// error of the ledger call as a whole leaves the intent processing for the
// reconciler.
func (w *Wallets) drive(ctx context.Context, it *Intent, autoTopup bool) (*Transfer, error) {
	if autoTopup {
		w.autoTopup(ctx, it)
	}
	code, err := w.commitP2P(ctx, it)
	if err != nil {
		return nil, err
	}
	if code != "" {
		if _, err := w.store.FailIntent(ctx, it.ID, code, w.now()); err != nil {
			return nil, fmt.Errorf("record failed transfer: %w", err)
		}
		// A concurrent driver may have seen the transfer go through.
		if cur, err := w.store.Intent(ctx, it.ID); err == nil && cur.Status == StatusSucceeded {
			return w.presentTransfer(ctx, cur)
		}
		return nil, failure(code)
	}
	if err := w.succeed(ctx, it); err != nil {
		return nil, err
	}
	it.Status, it.FailureCode = StatusSucceeded, ""
	return w.presentTransfer(ctx, it)
}

// commitP2P submits the intent's ledger transfer. It returns the failure
// code of a refusal ("" on success), or an error when the ledger could not
// answer.
func (w *Wallets) commitP2P(ctx context.Context, it *Intent) (string, error) {
	return w.commitTransfer(ctx, ledger.Transfer{
		ID:              it.ID,
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
// error when the ledger could not answer.
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

// Ledger transfer codes of the wallet's movements.
const (
	codeP2P        = "p2p"
	codeTopup      = "topup"
	codeWithdrawal = "withdrawal"
)

// failure is the error a failed send answers with, first time and on replay.
func failure(code string) error {
	switch code {
	case EInsufficientFunds:
		return &cashless.Error{Code: code, Message: "The wallet's available balance is too low for this transfer.", Param: "amount"}
	case EBankDeclined:
		return &cashless.Error{Code: code, Message: "The bank declined the transfer."}
	case cashless.EInternal:
		return &cashless.Error{Code: code, Message: "The transfer failed; no money moved."}
	}
	return &cashless.Error{Code: code, Message: "The transfer failed."}
}
