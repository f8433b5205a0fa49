package wallet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/limits"
	"github.com/cashless-dev/cashless/vault"
)

// Defaults of Options.
const (
	defaultRequestTTL        = 7 * 24 * time.Hour
	defaultAutoTopupWait     = 5 * time.Second
	defaultReconcileInterval = 3 * time.Second
	defaultReconcileGrace    = 2 * time.Second
	defaultParkAfter         = 20
)

// New returns the wallet service. It opens the ledger's bank settlement
// account of every currency the limits allow (sys.bank.<CUR>) and starts
// the reconciler, which Close stops.
func New(store Store, dir Directory, l ledger.Service, b bank.Connector, v *vault.Vault, opts Options) (*Wallets, error) {
	if store == nil || dir == nil || l == nil || b == nil || v == nil {
		return nil, errors.New("new wallet service: store, directory, ledger, bank and vault are required")
	}
	if opts.Limits == nil {
		opts.Limits = limits.Default()
	}
	if err := opts.Limits.Validate(); err != nil {
		return nil, fmt.Errorf("new wallet service: limits: %w", err)
	}
	if opts.RequestTTL <= 0 {
		opts.RequestTTL = defaultRequestTTL
	}
	if opts.AutoTopupWait <= 0 {
		opts.AutoTopupWait = defaultAutoTopupWait
	}
	if opts.ReconcileInterval == 0 {
		opts.ReconcileInterval = defaultReconcileInterval
	}
	if opts.ReconcileGrace <= 0 {
		opts.ReconcileGrace = defaultReconcileGrace
	}
	if opts.ParkAfter <= 0 {
		opts.ParkAfter = defaultParkAfter
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	// Times are stored to the microsecond, so the clock reads no finer: an
	// object answered as it is made carries the time every later read and
	// replay shows.
	now := func() time.Time { return opts.Now().Truncate(time.Microsecond) }
	w := &Wallets{
		store: store, dir: dir, ledger: l, bank: b, vault: v,
		limits: opts.Limits, currencies: opts.Limits.Currencies(), opts: opts, now: now, log: opts.Logger,
		halt: make(chan struct{}), done: make(chan struct{}),
	}
	w.transferQueue = store.TransferQueue()
	driverOpts := intent.Options{LeaseFor: opts.ReconcileGrace, MaxTries: opts.ParkAfter, Now: now, Logger: opts.Logger}
	w.transfers = intent.NewDriver("p2p", w.transferQueue, w.redriveTransfer, driverOpts)
	w.fundings = intent.NewDriver("funding", store.FundingQueue(), w.redriveFunding, driverOpts)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.openSystemAccounts(ctx); err != nil {
		return nil, fmt.Errorf("new wallet service: %w", err)
	}
	if opts.ReconcileInterval > 0 {
		go w.reconcileLoop()
	} else {
		close(w.done)
	}
	return w, nil
}

// openSystemAccounts creates the bank settlement account of each currency.
// They carry no balance flags: the bank side goes negative as money comes
// in from banks.
func (w *Wallets) openSystemAccounts(ctx context.Context) error {
	var accounts []ledger.Account
	for _, cur := range w.currencies {
		accounts = append(accounts, ledger.Account{ID: bankAccountID(cur), Currency: cur, Code: "bank"})
	}
	if len(accounts) == 0 {
		return nil
	}
	res, err := w.ledger.CreateAccounts(ctx, accounts)
	if err != nil {
		return fmt.Errorf("create bank accounts: %w", err)
	}
	for i, r := range res {
		if r.Err != nil {
			return fmt.Errorf("create bank account %s: %w", accounts[i].ID, r.Err)
		}
		w.opened.Store(accounts[i].ID, true)
	}
	return nil
}

// stop ends the reconciler and waits for its current pass.
func (w *Wallets) stop(ctx context.Context) error {
	if w.halt == nil { // not made by New: nothing runs
		return nil
	}
	w.stopOnce.Do(func() { close(w.halt) })
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop wallet reconciler: %w", ctx.Err())
	}
}

// reconcileLoop runs Reconcile at start and then every ReconcileInterval.
func (w *Wallets) reconcileLoop() {
	defer close(w.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-w.halt:
			cancel()
		case <-ctx.Done():
		}
	}()
	tick := time.NewTicker(w.opts.ReconcileInterval)
	defer tick.Stop()
	for {
		if err := w.Reconcile(ctx); err != nil && ctx.Err() == nil {
			w.log.Error("wallet reconciler pass failed", "err", err)
		}
		select {
		case <-w.halt:
			return
		case <-tick.C:
		}
	}
}

// invalid returns an EInvalid error naming a parameter.
func invalid(param, msg string) error {
	return &cashless.Error{Code: cashless.EInvalid, Message: msg, Param: param}
}
