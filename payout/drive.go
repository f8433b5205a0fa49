package payout

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/merchant"
)

// Ledger transfer code and the suffixes of the ids of the transfers that
// post or void a payout's hold.
const (
	codePayout = "payout"
	postTail   = ".post"
	voidTail   = ".void"
)

// hold makes the payout's pending ledger transfer, whose id is the
// payout's: making it again answers as the first time did. It returns the
// failure code of a refusal, or an error when the ledger did not answer.
func (s *Service) hold(ctx context.Context, r *Record) (string, error) {
	t := ledger.Transfer{
		ID: r.ID, Amount: r.Amount.Minor, Currency: r.Amount.Currency, Code: codePayout, Flags: ledger.Pending,
		DebitAccountID:  merchant.AccountID(r.MerchantID, r.Mode, r.Amount.Currency),
		CreditAccountID: merchant.BankAccountID(r.Mode, r.Amount.Currency),
	}
	res, err := s.ledger.CreateTransfers(ctx, []ledger.Transfer{t})
	if err != nil {
		return "", fmt.Errorf("hold payout: %w", err)
	}
	switch c := cashless.ErrorCode(res[0].Err); c {
	case "":
		return "", nil
	case ledger.ExceedsCredits, ledger.DebitAccountNotFound:
		return merchant.EInsufficientBalance, nil
	default:
		s.log.Error("ledger refused a payout hold", "payout", r.ID, "code", c)
		return cashless.EInternal, nil
	}
}

// submit sends the payout's order to the bank of its mode. A refusal at
// once is recorded as the bank's outcome and applied (the hold is voided);
// any other error leaves the payout pending for the reconciler.
func (s *Service) submit(ctx context.Context, r *Record, account string) error {
	err := s.banks[r.Mode].Submit(ctx, bank.Order{Ref: r.ID, Direction: bank.Out, Amount: r.Amount, Account: account})
	switch {
	case err == nil:
		return nil
	case cashless.ErrorCode(err) == bank.EDeclined:
		rec, err := s.store.RecordBankOutcome(ctx, r.ID, string(bank.Failed), EBankDeclined)
		if err != nil {
			return fmt.Errorf("record bank refusal: %w", err)
		}
		return s.apply(ctx, rec)
	default:
		s.log.Warn("payout order not submitted; the reconciler will retry", "payout", r.ID, "err", err)
		return nil
	}
}

// BankOutcome applies the bank's final word on a payout: it records it,
// then posts the hold (paid) or voids it (failed). It is the notify
// function of the payout bank connectors; what it cannot finish the
// reconciler does. Outcomes of refs that are not payouts are ignored.
func (s *Service) BankOutcome(o bank.Outcome) {
	if o.Status != bank.Succeeded && o.Status != bank.Failed {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rec, err := s.store.RecordBankOutcome(ctx, o.Ref, string(o.Status), failureCode(o.Status))
	if err != nil {
		if cashless.ErrorCode(err) != merchant.EPayoutNotFound {
			s.log.Error("could not record a payout's bank outcome", "payout", o.Ref, "err", err)
		}
		return
	}
	if err := s.apply(ctx, rec); err != nil {
		s.log.Error("could not apply a payout's bank outcome", "payout", o.Ref, "err", err)
	}
}

func failureCode(st bank.Status) string {
	if st == bank.Failed {
		return EBankFailed
	}
	return ""
}

// apply posts or voids a pending payout's hold by its recorded bank
// outcome and finishes the payout. The post and void have ids derived from
// the payout's, so applying twice, from any driver, is harmless.
func (s *Service) apply(ctx context.Context, r *Record) error {
	if r.Status != StatusPending || r.BankOutcome == "" {
		return nil
	}
	t := ledger.Transfer{ID: r.ID + postTail, PendingID: r.ID, Flags: ledger.PostPending, Code: codePayout}
	status, code := StatusPaid, ""
	if r.BankOutcome == string(bank.Failed) {
		t.ID, t.Flags = r.ID+voidTail, ledger.VoidPending
		status, code = StatusFailed, r.FailureCode
		if code == "" {
			code = EBankFailed
		}
	}
	res, err := s.ledger.CreateTransfers(ctx, []ledger.Transfer{t})
	if err != nil {
		return fmt.Errorf("settle payout: %w", err)
	}
	if res[0].Err != nil {
		return fmt.Errorf("settle payout %s: %w", r.ID, res[0].Err)
	}
	_, err = s.finish(ctx, r, status, code)
	return err
}

// finish records a payout's final status with its event.
func (s *Service) finish(ctx context.Context, r *Record, status, code string) (*Record, error) {
	now := s.now()
	p := r.Payout
	p.Status, p.FailureCode, p.Completed = status, code, now
	typ := merchant.EventPayoutPaid
	if status == StatusFailed {
		typ = merchant.EventPayoutFailed
	}
	data, err := json.Marshal(View(&p))
	if err != nil {
		return nil, fmt.Errorf("encode payout event: %w", err)
	}
	ev := merchant.Event{ID: id.New(id.Event), MerchantID: r.MerchantID, Mode: r.Mode, Type: typ, Data: data, Created: now}
	rec, err := s.store.FinishPayout(ctx, r.ID, status, code, now, ev)
	if err != nil {
		return nil, fmt.Errorf("record payout outcome: %w", err)
	}
	return rec, nil
}

// redrive is the reconciler's drive of a pending payout that its lease
// holds.
func (s *Service) redrive(ctx context.Context, pid string, _ intent.Lease) error {
	r, err := s.store.Payout(ctx, pid)
	if err != nil {
		return err
	}
	if r.Status != StatusPending {
		return nil
	}
	if r.BankOutcome != "" {
		return s.apply(ctx, r)
	}
	// Making the hold again is harmless: the same id answers as it did,
	// and a hold a crash left unmade is made now.
	code, err := s.hold(ctx, r)
	if err != nil {
		return err
	}
	if code != "" {
		_, err := s.finish(ctx, r, StatusFailed, code)
		return err
	}
	o, err := s.banks[r.Mode].Status(ctx, r.ID)
	if err != nil {
		return fmt.Errorf("ask the bank: %w", err)
	}
	switch o.Status {
	case bank.Succeeded, bank.Failed:
		rec, err := s.store.RecordBankOutcome(ctx, r.ID, string(o.Status), failureCode(o.Status))
		if err != nil {
			return fmt.Errorf("record bank outcome: %w", err)
		}
		return s.apply(ctx, rec)
	case bank.Unknown:
		set, err := s.src.Settlement(ctx, r.MerchantID)
		if err != nil {
			return fmt.Errorf("read settlement account: %w", err)
		}
		if set.BankAccount == "" {
			// The bank never saw the order and there is nowhere to send
			// it: give the money back.
			rec, err := s.store.RecordBankOutcome(ctx, r.ID, string(bank.Failed), merchant.ENoSettlementAccount)
			if err != nil {
				return fmt.Errorf("record missing account: %w", err)
			}
			return s.apply(ctx, rec)
		}
		return s.submit(ctx, r, set.BankAccount)
	}
	return nil // the bank is still working on it
}

// PayoutView is a payout in the public API's shape, as events carry it.
type PayoutView struct {
	Object           string `json:"object"`
	ID               string `json:"id"`
	Amount           int64  `json:"amount"`
	Currency         string `json:"currency"`
	Status           string `json:"status"`
	FailureCode      string `json:"failure_code,omitempty"`
	Automatic        bool   `json:"automatic"`
	BankAccountLast4 string `json:"bank_account_last4"`
	Livemode         bool   `json:"livemode"`
	Created          string `json:"created"`
	Completed        string `json:"completed,omitempty"`
}

// View returns a payout in the public API's shape, times in RFC 3339 UTC.
func View(p *merchant.Payout) PayoutView {
	v := PayoutView{
		Object: "payout", ID: p.ID, Amount: p.Amount.Minor, Currency: p.Amount.Currency, Status: p.Status,
		FailureCode: p.FailureCode, Automatic: p.Automatic, BankAccountLast4: p.BankAccountLast4,
		Livemode: p.Mode == merchant.Live, Created: p.Created.UTC().Format(time.RFC3339),
	}
	if !p.Completed.IsZero() {
		v.Completed = p.Completed.UTC().Format(time.RFC3339)
	}
	return v
}
