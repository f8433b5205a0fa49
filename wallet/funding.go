package wallet

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/money"
)

// EBankFailed is the failure code of a top-up or withdrawal that the bank
// accepted and later reported as failed. It appears on the Funding, never
// as the error of a call.
const EBankFailed = "bank_failed"

// Suffixes of the ids of the ledger transfers that post or void a
// funding's hold.
const (
	fundingPostTail = ".post"
	fundingVoidTail = ".void"
)

// Topup implements Service. The funding is stored first, with its amount
// reserved under the top-up caps of the user's tier (ELimitExceeded when it
// would pass one), then a pending ledger transfer from the bank settlement
// account to the wallet (the wallet's Pending), then the bank order with
// the funding id as its reference. The bank's outcome (BankOutcome, or the
// reconciler asking the bank) posts or voids the pending transfer; a
// failed top-up gives its reservation back. Top-ups do not count against
// the caps on sends. The same user and idempotency key give the same
// top-up; with another amount they are EIdempotencyKeyReused.
func (w *Wallets) Topup(ctx context.Context, in TopupInput) (*Funding, error) {
	if err := w.checkAmount(in.Amount, "amount"); err != nil {
		return nil, err
	}
	if err := checkKey(in.IdempotencyKey); err != nil {
		return nil, err
	}
	user, err := w.dir.User(ctx, in.UserID)
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	res, err := w.topupReservations(user.KYCTier, in.Amount.Currency)
	if err != nil {
		return nil, err
	}
	if _, err := w.openAccount(ctx, in.UserID, in.Amount.Currency); err != nil {
		return nil, err
	}
	f := &FundingRecord{
		Funding:        Funding{ID: id.New(id.Topup), Kind: KindTopup, UserID: in.UserID, Amount: in.Amount, Status: StatusPending},
		IdempotencyKey: in.IdempotencyKey,
	}
	for _, r := range res {
		f.Windows = append(f.Windows, r.Window)
	}
	return w.startFunding(ctx, f, "", res, nil)
}

// Withdraw implements Service. The account number is checked (6–20
// digits; spaces and dashes are dropped), sealed by the vault with an aad
// bound to the withdrawal's id, and only its last four digits are kept in
// clear. The money is held by a pending ledger transfer out of the wallet,
// posted when the bank confirms and voided (money back) when it fails.
// Withdrawals count towards the TOTP step-up with sends (Send). Withdrawals
// do not count against the limits, which PayMe applies to payments. A
// retry with the same idempotency key is answered before the step-up, so a
// retry whose one-time code was used already returns the stored outcome;
// with another amount or account it is EIdempotencyKeyReused.
func (w *Wallets) Withdraw(ctx context.Context, in WithdrawalInput) (*Funding, error) {
	if err := w.checkAmount(in.Amount, "amount"); err != nil {
		return nil, err
	}
	if err := checkKey(in.IdempotencyKey); err != nil {
		return nil, err
	}
	account, err := normalizeBankAccount(in.BankAccount)
	if err != nil {
		return nil, err
	}
	prev, err := w.store.FundingByKey(ctx, in.UserID, KindWithdrawal, in.IdempotencyKey)
	switch {
	case err == nil:
		return w.replayFunding(ctx, prev, in.Amount, account)
	case cashless.ErrorCode(err) != EFundingNotFound:
		return nil, fmt.Errorf("read withdrawal: %w", err)
	}
	user, err := w.dir.User(ctx, in.UserID)
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	stepUp, verify := w.stepUp(user, in.Amount, in.TOTPCode)
	if verify {
		if err := w.dir.VerifyTOTP(ctx, in.UserID, in.TOTPCode); err != nil {
			return nil, err
		}
	}
	if _, err := w.openAccount(ctx, in.UserID, in.Amount.Currency); err != nil {
		return nil, err
	}
	f := &FundingRecord{
		Funding: Funding{
			ID: id.New(id.Withdrawal), Kind: KindWithdrawal, UserID: in.UserID, Amount: in.Amount,
			Status: StatusPending, BankAccountLast4: account[len(account)-4:],
		},
		IdempotencyKey: in.IdempotencyKey,
	}
	f.BankAccountSealed, err = w.vault.Seal(ctx, []byte(account), bankAccountAAD(f.ID))
	if err != nil {
		return nil, fmt.Errorf("seal bank account: %w", err)
	}
	return w.startFunding(ctx, f, account, nil, stepUp)
}

// normalizeBankAccount drops spaces and dashes and checks that 6 to 20
// digits remain.
func normalizeBankAccount(s string) (string, error) {
	digits := strings.NewReplacer(" ", "", "-", "").Replace(s)
	ok := len(digits) >= 6 && len(digits) <= 20
	for _, r := range digits {
		ok = ok && r >= '0' && r <= '9'
	}
	if !ok {
		return "", &cashless.Error{Code: EInvalidBankAccount, Message: "A bank account number is 6 to 20 digits.", Param: "bank_account"}
	}
	return digits, nil
}

func bankAccountAAD(fundingID string) []byte {
	return []byte("wallet/fundings/" + fundingID + "/bank_account")
}

// startFunding stores a funding, holding its lease, with its reservations
// and step-up check; holds its money in the ledger and submits the bank
// order. A replay of the idempotency key answers with the stored funding,
// or the error its first call answered with.
func (w *Wallets) startFunding(ctx context.Context, f *FundingRecord, account string, caps []Reservation, stepUp *StepUpCheck) (*Funding, error) {
	now := w.now()
	f.Created, f.Updated = now, now
	f.Lease = intent.NewLease(now.Add(w.opts.ReconcileGrace))
	stored, created, err := w.store.CreateFunding(ctx, f, caps, stepUp)
	if err != nil {
		return nil, err
	}
	if !created {
		return w.replayFunding(ctx, stored, f.Amount, account)
	}
	code, err := w.hold(ctx, stored)
	if err != nil {
		return nil, err
	}
	if code != "" {
		if _, err := w.store.FinishFunding(ctx, f.ID, StatusFailed, code, w.now()); err != nil {
			return nil, fmt.Errorf("record failed funding: %w", err)
		}
		return nil, failure(code)
	}
	if err := w.submit(ctx, stored, account); err != nil {
		return nil, err
	}
	// With an instant bank the outcome may already be applied.
	cur, err := w.store.Funding(ctx, f.ID)
	if err != nil {
		return nil, fmt.Errorf("read funding: %w", err)
	}
	return &cur.Funding, nil
}

// replayFunding answers a top-up or withdrawal whose idempotency key was
// used before: with the stored funding, or the error its first call
// answered with; EIdempotencyKeyReused when the amount (or a withdrawal's
// account) differs.
func (w *Wallets) replayFunding(ctx context.Context, stored *FundingRecord, amount money.Amount, account string) (*Funding, error) {
	if stored.Amount != amount {
		return nil, keyReused()
	}
	if stored.Kind == KindWithdrawal {
		plain, err := w.vault.Unseal(ctx, stored.BankAccountSealed, bankAccountAAD(stored.ID))
		if err != nil {
			return nil, fmt.Errorf("unseal bank account: %w", err)
		}
		if subtle.ConstantTimeCompare(plain, []byte(account)) != 1 {
			return nil, keyReused()
		}
	}
	if stored.Status == StatusFailed && (stored.FailureCode == EInsufficientFunds || stored.FailureCode == EBankDeclined) {
		return nil, failure(stored.FailureCode)
	}
	return &stored.Funding, nil
}

// hold creates the funding's pending ledger transfer (its id is the
// funding's). It returns the failure code of a refusal, or an error when the
// ledger could not answer.
func (w *Wallets) hold(ctx context.Context, f *FundingRecord) (string, error) {
	t := ledger.Transfer{ID: f.ID, Amount: f.Amount.Minor, Currency: f.Amount.Currency, Flags: ledger.Pending}
	wallet, bankAcct := walletAccountID(f.UserID, f.Amount.Currency), bankAccountID(f.Amount.Currency)
	if f.Kind == KindTopup {
		t.DebitAccountID, t.CreditAccountID, t.Code = bankAcct, wallet, codeTopup
	} else {
		t.DebitAccountID, t.CreditAccountID, t.Code = wallet, bankAcct, codeWithdrawal
	}
	code, err := w.commitTransfer(ctx, t)
	if err != nil {
		return "", fmt.Errorf("hold funding: %w", err)
	}
	return code, nil
}

// submit sends the funding's order to the bank. A refusal at once voids the
// hold and fails the funding with EBankDeclined; any other error leaves the
// funding pending for the reconciler, which asks the bank and resubmits.
func (w *Wallets) submit(ctx context.Context, f *FundingRecord, account string) error {
	dir := bank.In
	if f.Kind == KindWithdrawal {
		dir = bank.Out
	}
	err := w.bank.Submit(ctx, bank.Order{Ref: f.ID, Direction: dir, Amount: f.Amount, Account: account})
	switch {
	case err == nil:
		return nil
	case cashless.ErrorCode(err) == bank.EDeclined:
		rec, rerr := w.store.RecordBankOutcome(ctx, f.ID, string(bank.Failed), EBankDeclined, w.now())
		if rerr != nil {
			return fmt.Errorf("record bank refusal: %w", rerr)
		}
		if err := w.applyFunding(ctx, rec); err != nil {
			return err
		}
		if rec.BankOutcome == string(bank.Failed) {
			return failure(rec.FailureCode)
		}
		return nil
	default:
		w.log.Warn("bank order not submitted; the reconciler will retry", "funding", f.ID, "err", err)
		return nil
	}
}

// BankOutcome applies the bank's final word on a funding: it posts the
// pending ledger transfer when the bank succeeded and voids it when the
// bank failed, then records the funding's status. It is the notify
// function of the bank connector; what it cannot finish (the ledger or the
// database being down) the reconciler finishes.
func (w *Wallets) BankOutcome(o bank.Outcome) {
	if o.Status != bank.Succeeded && o.Status != bank.Failed {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rec, err := w.store.RecordBankOutcome(ctx, o.Ref, string(o.Status), bankFailureCode(o.Status, EBankFailed), w.now())
	if err != nil {
		if cashless.ErrorCode(err) != EFundingNotFound {
			w.log.Error("could not record a bank outcome", "funding", o.Ref, "err", err)
		}
		return
	}
	if err := w.applyFunding(ctx, rec); err != nil {
		w.log.Error("could not apply a bank outcome", "funding", o.Ref, "err", err)
	}
}

// bankFailureCode is the failure code a bank outcome leaves on a funding:
// code for a failure, none for a success.
func bankFailureCode(s bank.Status, code string) string {
	if s == bank.Failed {
		return code
	}
	return ""
}

// applyFunding posts or voids a pending funding's hold by the bank's
// recorded outcome and finishes the funding, with the failure code
// recorded with a failed outcome. The post and void have ids of their own
// derived from the funding's, so applying twice is harmless, and any
// driver may apply: the outcome is recorded once.
func (w *Wallets) applyFunding(ctx context.Context, f *FundingRecord) error {
	if f.Status != StatusPending || f.BankOutcome == "" {
		return nil
	}
	code := codeTopup
	if f.Kind == KindWithdrawal {
		code = codeWithdrawal
	}
	t := ledger.Transfer{ID: f.ID + fundingPostTail, PendingID: f.ID, Flags: ledger.PostPending, Code: code}
	status, failureCode := StatusSucceeded, ""
	if f.BankOutcome == string(bank.Failed) {
		t.ID, t.Flags = f.ID+fundingVoidTail, ledger.VoidPending
		status, failureCode = StatusFailed, f.FailureCode
		if failureCode == "" { // recorded before the code was kept with the outcome
			failureCode = EBankFailed
		}
	}
	res, err := w.ledger.CreateTransfers(ctx, []ledger.Transfer{t})
	if err != nil {
		return fmt.Errorf("settle funding: %w", err)
	}
	if res[0].Err != nil {
		return fmt.Errorf("settle funding %s: %w", f.ID, res[0].Err)
	}
	if _, err := w.store.FinishFunding(ctx, f.ID, status, failureCode, w.now()); err != nil {
		return fmt.Errorf("record funding outcome: %w", err)
	}
	return nil
}
