package server

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/merchant"
	merchantstore "github.com/cashless-dev/cashless/merchant/sqlstore"
	"github.com/cashless-dev/cashless/payout"
	payoutstore "github.com/cashless-dev/cashless/payout/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/webhook"
	webhookstore "github.com/cashless-dev/cashless/webhook/sqlstore"
)

// MerchantConfig configures the merchant service: collection, payouts
// and webhooks. The zero value is a safe default.
type MerchantConfig struct {
	// PayoutBankLatency is the simulated bank's delay before it confirms a
	// payout; PayoutFailureRate the share that fail.
	PayoutBankLatency time.Duration
	PayoutFailureRate float64
	// WebhookSchedule overrides the delays between webhook delivery
	// attempts (webhook.DefaultSchedule when empty).
	WebhookSchedule []time.Duration
	// ReconcileInterval is how often the merchant service's reconcilers
	// (payments, refunds, payouts, expiry, settlement) run; 3 s when zero.
	ReconcileInterval time.Duration
}

// migrateMerchant creates the merchant service's tables: its own, the
// payouts' and the webhooks', all in the merchant database.
func migrateMerchant(ctx context.Context, db *sqldb.DB) error {
	if err := merchantstore.Migrate(ctx, db); err != nil {
		return err
	}
	if err := payoutstore.Migrate(ctx, db); err != nil {
		return err
	}
	return webhookstore.Migrate(ctx, db)
}

// settlementSource hands the payout service the merchant service, which
// exists only after the payouts it is given.
type settlementSource struct {
	m atomic.Pointer[merchant.Merchants]
}

func (s *settlementSource) get() (*merchant.Merchants, error) {
	if m := s.m.Load(); m != nil {
		return m, nil
	}
	return nil, errors.New("the merchant service is starting")
}

func (s *settlementSource) Settlement(ctx context.Context, merchantID string) (*merchant.Settlement, error) {
	m, err := s.get()
	if err != nil {
		return nil, err
	}
	return m.Settlement(ctx, merchantID)
}

func (s *settlementSource) SettlementMerchants(ctx context.Context, after string, limit int) ([]string, error) {
	m, err := s.get()
	if err != nil {
		return nil, err
	}
	return m.SettlementMerchants(ctx, after, limit)
}

// startMerchant runs the merchant service with its payouts (over a
// simulated bank per mode) and its webhook deliveries.
func startMerchant(ctx context.Context, db *sqldb.DB, d deps) (st started, err error) {
	if d.peers.ledger == nil || d.peers.wallet == nil {
		return started{}, errors.New("the merchant service needs the ledger and wallet services in the same process")
	}
	cfg := d.cfg.Merchant
	v, err := openVault(ctx, d.cfg, db, "merchant")
	if err != nil {
		return started{}, err
	}
	var closers []func(context.Context) error
	defer func() {
		if err != nil {
			for i := len(closers) - 1; i >= 0; i-- {
				err = errors.Join(err, closers[i](ctx))
			}
		}
	}()
	closers = append(closers, func(context.Context) error { return v.Close() })

	// Payout confirmations go to the payout service, which exists only
	// after the banks; one that comes before is dropped, and the
	// reconciler asks the bank again.
	var payouts atomic.Pointer[payout.Service]
	notify := func(o bank.Outcome) {
		if p := payouts.Load(); p != nil {
			p.BankOutcome(o)
		}
	}
	simOpts := bank.SimOptions{Latency: cfg.PayoutBankLatency, Jitter: cfg.PayoutBankLatency / 4, FailureRate: cfg.PayoutFailureRate}
	live, test := bank.NewSimulated(simOpts, notify), bank.NewSimulated(simOpts, notify)
	closers = append(closers, func(context.Context) error { live.Close(); test.Close(); return nil })

	interval := cfg.ReconcileInterval
	src := &settlementSource{}
	pstore := payoutstore.New(db)
	closers = append(closers, func(context.Context) error { pstore.Close(); return nil })
	p, err := payout.New(pstore, d.peers.ledger, live, test, src, payout.Options{Logger: d.logger, Interval: interval})
	if err != nil {
		return started{}, err
	}
	payouts.Store(p)
	closers = append(closers, func(context.Context) error { p.Close(); return nil })

	mstore := merchantstore.New(db)
	closers = append(closers, func(context.Context) error { mstore.Close(); return nil })
	m, err := merchant.New(mstore, d.peers.ledger, d.peers.wallet, v, merchant.Options{
		Payouts:           p,
		Logger:            d.logger,
		ReconcileInterval: interval,
	})
	if err != nil {
		return started{}, err
	}
	src.m.Store(m)
	closers = append(closers, m.Close)

	hooks := webhook.New(webhookstore.New(db), v, webhook.Options{
		Schedule: cfg.WebhookSchedule,
		Logger:   d.logger,
		OnDisabled: func(ctx context.Context, e *webhook.Endpoint) {
			d.logger.WarnContext(ctx, "webhook endpoint disabled after failing", "endpoint", e.ID, "merchant", e.MerchantID)
		},
	})
	runCtx, cancel := context.WithCancel(context.Background())
	go hooks.Run(runCtx)
	closers = append(closers, func(context.Context) error { cancel(); hooks.Close(); return nil })

	if err := registerAll(d.registry, newIntentCollector("merchant", func() []intent.Stats { return append(m.Stats(), p.Stats()) })); err != nil {
		return started{}, fmt.Errorf("register merchant metrics: %w", err)
	}
	d.peers.merchant = m
	d.peers.webhooks = hooks
	return started{stop: func(ctx context.Context) error {
		var errs []error
		for i := len(closers) - 1; i >= 0; i-- {
			errs = append(errs, closers[i](ctx))
		}
		return errors.Join(errs...)
	}}, nil
}
