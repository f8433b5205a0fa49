package merchant

import (
	"context"

	"github.com/cashless-dev/cashless/money"
)

// Payers is the wallet side of a merchant payment, declared here and
// implemented by the wallet service: the payer's wallet account and the
// caps of their KYC tier, which merchant payments count against as sends
// do.
type Payers interface {
	// ReserveSpend reserves in.Amount under the user's send caps (and
	// checks the step-up code above the threshold), keyed by in.Key, and
	// returns the user's wallet ledger account in the amount's currency.
	// It is idempotent on Key: a second call with the same key reserves
	// nothing more and returns the same account. A cap the amount would
	// pass fails with the wallet's limit_exceeded (Param: the period); a
	// missing or wrong step-up code with identity's totp_required or
	// invalid_totp.
	ReserveSpend(ctx context.Context, in SpendInput) (accountID string, err error)
	// ReleaseSpend gives the reservation under key back, once: the payment
	// it was for failed. Releasing an unknown or released key does
	// nothing.
	ReleaseSpend(ctx context.Context, key string) error
	// WalletAccount returns the user's wallet ledger account in a
	// currency, opening it when needed (refunds credit it).
	WalletAccount(ctx context.Context, userID, currency string) (string, error)
}

// SpendInput is a reservation of a payer's caps.
type SpendInput struct {
	UserID   string
	Key      string // the payment id
	Amount   money.Amount
	TOTPCode string
}

// Risk scores a payment before money moves. The default allows every
// payment; the risk service fills it in.
type Risk interface {
	Score(ctx context.Context, in RiskInput) (RiskDecision, error)
}

// RiskInput is what a payment looks like to the risk scorer.
type RiskInput struct {
	PaymentID  string
	MerchantID string
	PayerID    string
	Amount     money.Amount
}

// RiskDecision is the scorer's verdict: Allow, or a block with a reason.
type RiskDecision struct {
	Allow  bool
	Score  int // 0–100
	Reason string
}

// AllowAll is the default Risk: it allows every payment.
type AllowAll struct{}

// Score implements Risk.
func (AllowAll) Score(context.Context, RiskInput) (RiskDecision, error) {
	return RiskDecision{Allow: true}, nil
}
