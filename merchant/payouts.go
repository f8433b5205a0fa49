package merchant

import (
	"context"

	"github.com/cashless-dev/cashless"
)

// Payouts is the payout side of the merchant service, declared here and
// implemented by package payout, which keeps payouts in the merchant
// service's database. The merchant service checks the actor's permission
// and passes the merchant and mode on.
type Payouts interface {
	// CreatePayout pays in.Amount (the whole available balance when zero)
	// out to the merchant's settlement account: ENoSettlementAccount,
	// EInsufficientBalance, EInvalidAmount. It is idempotent on
	// (merchant, mode, in.IdempotencyKey).
	CreatePayout(ctx context.Context, merchantID string, mode Mode, in PayoutInput) (*Payout, error)
	// Payout returns one payout: EPayoutNotFound.
	Payout(ctx context.Context, merchantID string, mode Mode, id string) (*Payout, error)
	// Payouts lists payouts newest first.
	Payouts(ctx context.Context, merchantID string, mode Mode, p cashless.Page) ([]*Payout, bool, error)
	// Report lists what a payout paid out; its lines add up to the
	// payout's amount.
	Report(ctx context.Context, merchantID string, mode Mode, id string) (*PayoutReport, error)
}

// Settlement is what a payout needs to know of a merchant.
type Settlement struct {
	MerchantID string
	// BankAccount is the full settlement account number (opened from the
	// vault), empty when the merchant has none.
	BankAccount      string
	BankAccountLast4 string
	TimeZone         string // IANA name
	Cutoff           string // "HH:MM" local
}

// SettlementSource gives payouts the merchants to settle, declared here
// and implemented by the merchant service.
type SettlementSource interface {
	// Settlement returns one merchant's settlement details:
	// EMerchantNotFound.
	Settlement(ctx context.Context, merchantID string) (*Settlement, error)
	// SettlementMerchants lists merchant ids in id order after the given
	// one, up to limit, for the daily settlement's scan.
	SettlementMerchants(ctx context.Context, after string, limit int) ([]string, error)
}
