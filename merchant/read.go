package merchant

import (
	"context"
	"time"

	"github.com/cashless-dev/cashless"
)

// payment reads a payment of the actor's merchant and mode.
func (m *Merchants) payment(ctx context.Context, a Actor, id string) (*Payment, error) {
	p, err := m.store.Payment(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.MerchantID != a.MerchantID || p.Mode != a.Mode {
		return nil, cashless.Errorf(EPaymentNotFound, "No such payment: %s.", id)
	}
	return p, nil
}

// Payment implements Service.
func (m *Merchants) Payment(ctx context.Context, a Actor, id string) (*Payment, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, err
	}
	return m.payment(ctx, a, id)
}

// Payments implements Service.
func (m *Merchants) Payments(ctx context.Context, a Actor, p cashless.Page) ([]*Payment, bool, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, false, err
	}
	return m.store.Payments(ctx, a.MerchantID, a.Mode, p)
}

// RefundByID implements Service.
func (m *Merchants) RefundByID(ctx context.Context, a Actor, id string) (*Refund, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, err
	}
	r, err := m.store.Refund(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.MerchantID != a.MerchantID || r.Mode != a.Mode {
		return nil, cashless.Errorf(ERefundNotFound, "No such refund: %s.", id)
	}
	return r, nil
}

// Refunds implements Service.
func (m *Merchants) Refunds(ctx context.Context, a Actor, p cashless.Page) ([]*Refund, bool, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, false, err
	}
	return m.store.Refunds(ctx, a.MerchantID, a.Mode, p)
}

// Balances implements Service: Available is what refunds and payouts may
// take; Pending is held by payouts in flight.
func (m *Merchants) Balances(ctx context.Context, a Actor) ([]Balance, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, err
	}
	var out []Balance
	for _, cur := range m.opts.Currencies {
		b, err := m.ledger.BalanceAt(ctx, AccountID(a.MerchantID, a.Mode, cur), zeroTime)
		if err != nil {
			return nil, err
		}
		out = append(out, Balance{Currency: cur, Available: b.Available(), Pending: b.DebitsPending})
	}
	return out, nil
}

func (m *Merchants) payouts() (Payouts, error) {
	if m.opts.Payouts == nil {
		return nil, internal("payouts are not configured")
	}
	return m.opts.Payouts, nil
}

// CreatePayout implements Service by way of Options.Payouts.
func (m *Merchants) CreatePayout(ctx context.Context, a Actor, in PayoutInput) (*Payout, error) {
	if err := a.Require(PermPayout); err != nil {
		return nil, err
	}
	po, err := m.payouts()
	if err != nil {
		return nil, err
	}
	return po.CreatePayout(ctx, a.MerchantID, a.Mode, in)
}

// Payout implements Service by way of Options.Payouts.
func (m *Merchants) Payout(ctx context.Context, a Actor, id string) (*Payout, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, err
	}
	po, err := m.payouts()
	if err != nil {
		return nil, err
	}
	return po.Payout(ctx, a.MerchantID, a.Mode, id)
}

// Payouts implements Service by way of Options.Payouts.
func (m *Merchants) Payouts(ctx context.Context, a Actor, p cashless.Page) ([]*Payout, bool, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, false, err
	}
	po, err := m.payouts()
	if err != nil {
		return nil, false, err
	}
	return po.Payouts(ctx, a.MerchantID, a.Mode, p)
}

// PayoutReport implements Service by way of Options.Payouts.
func (m *Merchants) PayoutReport(ctx context.Context, a Actor, id string) (*PayoutReport, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, err
	}
	po, err := m.payouts()
	if err != nil {
		return nil, err
	}
	return po.Report(ctx, a.MerchantID, a.Mode, id)
}

// Event implements Service.
func (m *Merchants) Event(ctx context.Context, a Actor, id string) (*Event, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, err
	}
	return m.store.Event(ctx, a.MerchantID, a.Mode, id)
}

// Events implements Service.
func (m *Merchants) Events(ctx context.Context, a Actor, p cashless.Page) ([]*Event, bool, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, false, err
	}
	return m.store.Events(ctx, a.MerchantID, a.Mode, p)
}

// zeroTime asks the ledger for balances as of now.
var zeroTime time.Time
