package wallet

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/money"
)

// Send implements Service. It follows the wallet's money path: validate;
// resolve the recipient; step up with TOTP when the send takes the
// sender's payments in the step-up window past the threshold; store the
// intent, holding its lease, and reserve the limits in one transaction;
// move the money in the ledger with the intent's transfer id; record the
// outcome. The same user and idempotency key always give the same
// transfer: a replay returns the stored outcome (a failure as the same
// error code) and drives on an intent still in flight when no other
// driver holds it; it never makes a second intent. The same key with
// another recipient, amount, message or visibility is EIdempotencyKeyReused.
//
// A replay is recognised before the step-up, so retrying a large send
// whose one-time code was already used does not ask for another code.
//
// With Options.AutoTopup, a send that the ledger refuses for insufficient
// funds first tops the wallet up from the bank by the missing amount,
// waits up to Options.AutoTopupWait for the bank to confirm, and then
// tries once more as the intent's next attempt, with a transfer id of its
// own (the refused one can never commit). If the bank does not confirm in
// time the send fails with EInsufficientFunds, and the top-up completes on
// its own later.
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
	sender, err := w.dir.User(ctx, it.From.UserID)
	if err != nil {
		return nil, fmt.Errorf("read sender: %w", err)
	}
	stepUp, verify := w.stepUp(sender, it.Amount, totpCode)
	if verify {
		prev, err := w.store.IntentByKey(ctx, it.From.UserID, it.IdempotencyKey)
		switch {
		case err == nil:
			return w.replay(ctx, prev, it)
		case cashless.ErrorCode(err) != ETransferNotFound:
			return nil, fmt.Errorf("read transfer: %w", err)
		}
		if err := w.dir.VerifyTOTP(ctx, sender.ID, totpCode); err != nil {
			return nil, err
		}
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
	it.Lease = intent.NewLease(now.Add(w.opts.ReconcileGrace))
	it.Windows = make([]string, len(res))
	for i, r := range res {
		it.Windows[i] = r.Window
	}
	stored, created, err := w.store.CreateIntent(ctx, it, res, stepUp)
	if err != nil {
		return nil, err
	}
	if !created {
		return w.replay(ctx, stored, it)
	}
	return w.drive(ctx, stored, w.opts.AutoTopup)
}

// stepUp says how a payment of amount by sender is held to the TOTP
// step-up: not at all (a user without TOTP), by a code to verify now (one
// was given, or the amount alone passes the threshold: verify is true,
// after the caller has looked for a replay of the call, which needs no
// code), or by the returned check, which the store makes in the same
// transaction as the payment against the sender's payments in the
// rolling window.
func (w *Wallets) stepUp(sender *identity.User, amount money.Amount, code string) (check *StepUpCheck, verify bool) {
	limit, window, ok := w.limits.StepUp(amount.Currency)
	if !ok || !sender.TOTPEnabled {
		return nil, false
	}
	if code == "" && amount.Minor <= limit {
		return &StepUpCheck{Limit: limit, Window: window}, false
	}
	return nil, true
}

// replay answers a call whose intent already exists: the stored one. A
// different call under the same key is EIdempotencyKeyReused; for a
// request payment, a call with another Idempotency-Key than the one that
// made the payment is ERequestAlreadyPaid (or errAttemptFailed when that
// attempt failed meanwhile, so that the caller may start the next).
func (w *Wallets) replay(ctx context.Context, stored, call *Intent) (*Transfer, error) {
	if stored.To.UserID != call.To.UserID || stored.Amount != call.Amount || stored.Message != call.Message ||
		stored.Visibility != call.Visibility || stored.RequestID != call.RequestID {
		return nil, keyReused()
	}
	if stored.RequestID != "" && (call.ClientKey == "" || stored.ClientKey != call.ClientKey) {
		if stored.Status == StatusFailed {
			return nil, errAttemptFailed
		}
		return nil, alreadyPaid()
	}
	switch stored.Status {
	case StatusSucceeded:
		return w.presentTransfer(ctx, stored)
	case StatusFailed:
		return nil, failure(stored.FailureCode)
	}
	// Still in flight: drive it on if no other driver holds it.
	now := w.now()
	l := intent.NewLease(now.Add(w.opts.ReconcileGrace))
	ok, err := w.transferQueue.Claim(ctx, stored.ID, l, now)
	if err != nil {
		return nil, fmt.Errorf("claim transfer: %w", err)
	}
	if !ok {
		return w.presentTransfer(ctx, stored)
	}
	stored.Lease = l
	return w.drive(ctx, stored, false)
}

// errAttemptFailed tells PayRequest that the attempt it raced for failed
// and the request is payable again.
var errAttemptFailed = &cashless.Error{Code: ERequestNotPending, Message: "The payment attempt failed."}

func keyReused() error {
	return &cashless.Error{Code: EIdempotencyKeyReused,
		Message: "This Idempotency-Key was used for a different request; use a new key for a new one."}
}

func alreadyPaid() error {
	return &cashless.Error{Code: ERequestAlreadyPaid, Message: "The request is already paid, or being paid by another call."}
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
