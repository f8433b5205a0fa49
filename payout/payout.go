package payout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/money"
)

// Defaults of Options.
const (
	defaultInterval  = 3 * time.Second
	defaultLeaseFor  = 2 * time.Second
	defaultParkAfter = 20
)

// maxKey is the longest idempotency key the API accepts.
const maxKey = 255

// Options configure the payout service.
type Options struct {
	// Now is the clock (time.Now when nil); the daily settlement reads the
	// local day and cut-off from it.
	Now func() time.Time
	// Logger gets the reconciler's errors (slog.Default when nil).
	Logger *slog.Logger
	// Interval is how often the background reconciler runs (3 s when
	// zero; negative: never, a test runs Reconcile itself).
	Interval time.Duration
	// LeaseFor is how long a driver holds a payout before the reconciler
	// may take it over (2 s when zero).
	LeaseFor time.Duration
	// ParkAfter is how many failed re-drives park a payout (20 when zero).
	ParkAfter int
	// Currencies are the currencies paid out (["HKD"] when empty).
	Currencies []string
}

// Service implements merchant.Payouts and runs the daily settlement.
type Service struct {
	store  Store
	ledger ledger.Service
	banks  map[merchant.Mode]bank.Connector
	src    merchant.SettlementSource
	opts   Options
	log    *slog.Logger
	driver *intent.Driver

	halt      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

var _ merchant.Payouts = (*Service)(nil)

// New returns the payout service: live payouts go to the live bank
// connector and test payouts to the test one, so test money never reaches
// a real bank. It opens the ledger's bank accounts of both modes in every
// currency and starts the reconciler, which Close stops.
func New(store Store, l ledger.Service, live, test bank.Connector, src merchant.SettlementSource, opts Options) (*Service, error) {
	if store == nil || l == nil || live == nil || test == nil || src == nil {
		return nil, errors.New("new payout service: store, ledger, both bank connectors and settlement source are required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Interval == 0 {
		opts.Interval = defaultInterval
	}
	if opts.LeaseFor <= 0 {
		opts.LeaseFor = defaultLeaseFor
	}
	if opts.ParkAfter <= 0 {
		opts.ParkAfter = defaultParkAfter
	}
	if len(opts.Currencies) == 0 {
		opts.Currencies = []string{"HKD"}
	}
	s := &Service{
		store: store, ledger: l, src: src, opts: opts, log: opts.Logger,
		banks: map[merchant.Mode]bank.Connector{merchant.Live: live, merchant.Test: test},
		halt:  make(chan struct{}), done: make(chan struct{}),
	}
	s.driver = intent.NewDriver("payout", store.Queue(), s.redrive,
		intent.Options{LeaseFor: opts.LeaseFor, MaxTries: opts.ParkAfter, Now: s.now, Logger: opts.Logger})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.openBankAccounts(ctx); err != nil {
		return nil, fmt.Errorf("new payout service: %w", err)
	}
	if opts.Interval > 0 {
		go s.loop()
	} else {
		close(s.done)
	}
	return s, nil
}

// now reads the clock to the microsecond, as times are stored, so that a
// payout answered as it is made shows what every later read shows.
func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// openBankAccounts creates the accounts payouts credit. The live one is
// the wallet's bank account, opened with the same fields so either
// service may open it first.
func (s *Service) openBankAccounts(ctx context.Context) error {
	var accounts []ledger.Account
	for _, cur := range s.opts.Currencies {
		for _, m := range []merchant.Mode{merchant.Live, merchant.Test} {
			accounts = append(accounts, ledger.Account{ID: merchant.BankAccountID(m, cur), Currency: cur, Code: "bank"})
		}
	}
	res, err := s.ledger.CreateAccounts(ctx, accounts)
	if err != nil {
		return fmt.Errorf("create bank accounts: %w", err)
	}
	for i, r := range res {
		if r.Err != nil {
			return fmt.Errorf("create bank account %s: %w", accounts[i].ID, r.Err)
		}
	}
	return nil
}

// Close stops the reconciler and waits for its current pass.
func (s *Service) Close() {
	s.closeOnce.Do(func() { close(s.halt) })
	<-s.done
}

func (s *Service) loop() {
	defer close(s.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.halt:
			cancel()
		case <-ctx.Done():
		}
	}()
	tick := time.NewTicker(s.opts.Interval)
	defer tick.Stop()
	for {
		if err := s.Reconcile(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("payout reconciler pass failed", "err", err)
		}
		select {
		case <-s.halt:
			return
		case <-tick.C:
		}
	}
}

// Reconcile is one pass of the reconciler, which also runs every
// Options.Interval: it finishes pending payouts whose lease has ended
// (applying a recorded bank outcome, making a missing hold, asking the
// bank about an order whose notification was lost, submitting an order
// the bank never got), then runs the daily settlement check.
func (s *Service) Reconcile(ctx context.Context) error {
	return errors.Join(s.driver.Pass(ctx), s.Settle(ctx))
}

// Stats returns the reconciler's counters, for metrics.
func (s *Service) Stats() intent.Stats { return s.driver.Stats() }

// CreatePayout implements merchant.Payouts.
func (s *Service) CreatePayout(ctx context.Context, merchantID string, mode merchant.Mode, in merchant.PayoutInput) (*merchant.Payout, error) {
	if !slices.Contains(s.opts.Currencies, in.Currency) {
		return nil, &cashless.Error{Code: merchant.ECurrencyNotSupported, Message: "Payouts are made in " + fmt.Sprint(s.opts.Currencies) + ".", Param: "currency"}
	}
	if in.Amount < 0 {
		return nil, &cashless.Error{Code: merchant.EInvalidAmount, Message: "A payout's amount is positive, or zero for the whole balance.", Param: "amount"}
	}
	if len(in.IdempotencyKey) > maxKey {
		return nil, &cashless.Error{Code: cashless.EInvalid, Message: "An idempotency key is 1 to 255 characters.", Param: "idempotency_key"}
	}
	return s.create(ctx, merchantID, mode, in, false)
}

// create is the money path of manual and automatic payouts.
func (s *Service) create(ctx context.Context, merchantID string, mode merchant.Mode, in merchant.PayoutInput, automatic bool) (*merchant.Payout, error) {
	if in.IdempotencyKey != "" {
		prev, err := s.store.PayoutByKey(ctx, merchantID, mode, in.IdempotencyKey)
		switch {
		case err == nil:
			return replay(prev, in)
		case cashless.ErrorCode(err) != merchant.EPayoutNotFound:
			return nil, fmt.Errorf("read payout: %w", err)
		}
	}
	set, err := s.src.Settlement(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	if set.BankAccount == "" {
		return nil, cashless.Errorf(merchant.ENoSettlementAccount, "The merchant has no settlement bank account.")
	}
	available, err := s.available(ctx, merchantID, mode, in.Currency)
	if err != nil {
		return nil, err
	}
	amount := in.Amount
	if amount == 0 {
		amount = available
	}
	if amount <= 0 || amount > available {
		return nil, insufficient()
	}
	now := s.now()
	r := &Record{
		Payout: merchant.Payout{
			ID: id.New(id.Payout), MerchantID: merchantID, Mode: mode,
			Amount: money.Amount{Minor: amount, Currency: in.Currency}, Status: StatusPending,
			Automatic: automatic, BankAccountLast4: last4(set.BankAccount), Created: now,
		},
		Requested: in.Amount, IdempotencyKey: in.IdempotencyKey,
		Lease: intent.NewLease(now.Add(s.opts.LeaseFor)),
	}
	if r.IdempotencyKey == "" { // one key per payout keeps the unique index whole
		r.IdempotencyKey = "id:" + r.ID
	}
	stored, created, err := s.store.CreatePayout(ctx, r)
	if err != nil {
		return nil, err
	}
	if !created {
		return replay(stored, in)
	}
	code, err := s.hold(ctx, stored)
	if err != nil {
		return nil, err // pending: the reconciler makes the hold
	}
	if code != "" {
		if _, err := s.finish(ctx, stored, StatusFailed, code); err != nil {
			return nil, err
		}
		return nil, failure(code)
	}
	if err := s.submit(ctx, stored, set.BankAccount); err != nil {
		return nil, err
	}
	cur, err := s.store.Payout(ctx, stored.ID) // an instant bank may have answered
	if err != nil {
		return nil, fmt.Errorf("read payout: %w", err)
	}
	return &cur.Payout, nil
}

// replay answers a call whose idempotency key made a payout before: the
// payout, the error its first call answered with, or EIdempotencyKeyReused
// for another currency or amount.
func replay(r *Record, in merchant.PayoutInput) (*merchant.Payout, error) {
	if r.Amount.Currency != in.Currency || r.Requested != in.Amount {
		return nil, cashless.Errorf(merchant.EIdempotencyKeyReused, "This idempotency key was used for another payout.")
	}
	if r.Status == StatusFailed && r.FailureCode == merchant.EInsufficientBalance {
		return nil, failure(r.FailureCode)
	}
	return &r.Payout, nil
}

// available is the merchant's available balance: zero for an account the
// ledger does not have yet (the merchant was never paid).
func (s *Service) available(ctx context.Context, merchantID string, mode merchant.Mode, currency string) (int64, error) {
	accts, err := s.ledger.LookupAccounts(ctx, []string{merchant.AccountID(merchantID, mode, currency)})
	if err != nil {
		return 0, fmt.Errorf("read balance: %w", err)
	}
	if len(accts) == 0 {
		return 0, nil
	}
	return accts[0].Available(), nil
}

func insufficient() error {
	return cashless.Errorf(merchant.EInsufficientBalance, "The merchant's available balance does not cover the payout.")
}

// failure is the error of a payout that failed as it was made.
func failure(code string) error {
	switch code {
	case merchant.EInsufficientBalance:
		return insufficient()
	default:
		return cashless.Errorf(code, "The payout failed.")
	}
}

func last4(account string) string {
	if len(account) <= 4 {
		return account
	}
	return account[len(account)-4:]
}

// Payout implements merchant.Payouts.
func (s *Service) Payout(ctx context.Context, merchantID string, mode merchant.Mode, pid string) (*merchant.Payout, error) {
	r, err := s.record(ctx, merchantID, mode, pid)
	if err != nil {
		return nil, err
	}
	return &r.Payout, nil
}

// record reads a payout of one merchant in one mode; another's is not
// found.
func (s *Service) record(ctx context.Context, merchantID string, mode merchant.Mode, pid string) (*Record, error) {
	r, err := s.store.Payout(ctx, pid)
	if err != nil {
		return nil, err
	}
	if r.MerchantID != merchantID || r.Mode != mode {
		return nil, cashless.Errorf(merchant.EPayoutNotFound, "No such payout: %s.", pid)
	}
	return r, nil
}

// Payouts implements merchant.Payouts.
func (s *Service) Payouts(ctx context.Context, merchantID string, mode merchant.Mode, p cashless.Page) ([]*merchant.Payout, bool, error) {
	rs, more, err := s.store.Payouts(ctx, merchantID, mode, p)
	if err != nil {
		return nil, false, err
	}
	out := make([]*merchant.Payout, len(rs))
	for i, r := range rs {
		out[i] = &r.Payout
	}
	return out, more, nil
}
