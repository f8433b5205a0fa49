package merchant

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/vault"
)

// Options configure Merchants; zero fields take the defaults.
type Options struct {
	// Currencies merchants may collect in (["HKD"] when empty).
	Currencies []string
	// Risk scores payments (AllowAll when nil).
	Risk Risk
	// Payouts does the payout calls (they answer an internal error when
	// nil).
	Payouts Payouts
	// Now is the clock (time.Now when nil).
	Now    func() time.Time
	Logger *slog.Logger
	// ReconcileInterval is how often the background loop runs Reconcile
	// (3 s when zero; negative turns the loop off).
	ReconcileInterval time.Duration
	// LeaseFor is how long the reconciler holds a payment or refund it
	// re-drives (2 s).
	LeaseFor time.Duration
	// Grace is how long the call that made a payment or refund holds it
	// before the reconciler may take it over (2 s).
	Grace time.Duration
	// ParkAfter is how many failed re-drives park an intent (20).
	ParkAfter int
	// DefaultExpiry is a payment request's life when none is asked (600 s).
	DefaultExpiry time.Duration
}

// Merchants is the merchant service: it implements Service and
// SettlementSource.
type Merchants struct {
	store    Store
	ledger   ledger.Service
	payers   Payers
	vault    *vault.Vault
	opts     Options
	custKey  []byte
	payments *intent.Driver
	refunds  *intent.Driver

	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

var (
	_ Service          = (*Merchants)(nil)
	_ SettlementSource = (*Merchants)(nil)
)

// New returns the merchant service and opens the system ledger accounts
// (fee accounts per mode and currency, the test payer and test bank).
func New(store Store, l ledger.Service, payers Payers, v *vault.Vault, opts Options) (*Merchants, error) {
	if len(opts.Currencies) == 0 {
		opts.Currencies = []string{"HKD"}
	}
	if opts.Risk == nil {
		opts.Risk = AllowAll{}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ReconcileInterval == 0 {
		opts.ReconcileInterval = 3 * time.Second
	}
	if opts.LeaseFor <= 0 {
		opts.LeaseFor = 2 * time.Second
	}
	if opts.Grace <= 0 {
		opts.Grace = 2 * time.Second
	}
	if opts.ParkAfter <= 0 {
		opts.ParkAfter = 20
	}
	if opts.DefaultExpiry <= 0 {
		opts.DefaultExpiry = 600 * time.Second
	}
	key, err := v.DerivedKey("merchant.customer")
	if err != nil {
		return nil, fmt.Errorf("derive customer key: %w", err)
	}
	m := &Merchants{store: store, ledger: l, payers: payers, vault: v, opts: opts, custKey: key, stop: make(chan struct{})}
	var accts []ledger.Account
	for _, cur := range opts.Currencies {
		for _, mode := range []Mode{Live, Test} {
			accts = append(accts, ledger.Account{ID: FeeAccountID(mode, cur), Currency: cur, Code: "fees"})
		}
		accts = append(accts, ledger.Account{ID: TestPayerAccountID(cur), Currency: cur, Code: "testpayer"},
			ledger.Account{ID: BankAccountID(Test, cur), Currency: cur, Code: "bank"})
	}
	if err := m.openAccounts(context.Background(), accts); err != nil {
		return nil, err
	}
	io := intent.Options{LeaseFor: opts.LeaseFor, MaxTries: opts.ParkAfter, Now: opts.Now, Logger: opts.Logger}
	m.payments = intent.NewDriver("merchant_payment", store.PaymentQueue(), m.drivePayment, io)
	m.refunds = intent.NewDriver("merchant_refund", store.RefundQueue(), m.driveRefund, io)
	if opts.ReconcileInterval > 0 {
		m.wg.Add(1)
		go m.loop()
	}
	return m, nil
}

// openAccounts creates ledger accounts; one that exists already counts.
func (m *Merchants) openAccounts(ctx context.Context, accts []ledger.Account) error {
	res, err := m.ledger.CreateAccounts(ctx, accts)
	if err != nil {
		return fmt.Errorf("open ledger accounts: %w", err)
	}
	for i, r := range res {
		if r.Err != nil {
			return fmt.Errorf("open ledger account %s: %w", accts[i].ID, r.Err)
		}
	}
	return nil
}

func (m *Merchants) loop() {
	defer m.wg.Done()
	t := time.NewTicker(m.opts.ReconcileInterval)
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-m.stop; cancel() }()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			if err := m.Reconcile(ctx); err != nil && !errors.Is(err, context.Canceled) {
				m.opts.Logger.Error("merchant reconcile", "err", err)
			}
		}
	}
}

// Reconcile is one pass of the reconciler: it expires the payment
// requests past their expiry and drives every payment and refund left
// processing (by a crash or a timeout) to its end.
func (m *Merchants) Reconcile(ctx context.Context) error {
	for {
		n, err := m.store.ExpirePaymentRequests(ctx, m.opts.Now(), 100, m.requestEvent(EventPaymentRequestExpired))
		if err != nil {
			return err
		}
		if n < 100 {
			break
		}
	}
	if err := m.payments.Pass(ctx); err != nil {
		return err
	}
	return m.refunds.Pass(ctx)
}

// Close stops the background loop.
func (m *Merchants) Close(ctx context.Context) error {
	m.once.Do(func() { close(m.stop) })
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// internal wraps an unexpected failure for the API, which answers 500.
func internal(format string, args ...any) error {
	return &cashless.Error{Code: cashless.EInternal, Message: fmt.Sprintf(format, args...)}
}
