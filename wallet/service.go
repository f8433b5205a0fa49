package wallet

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/limits"
	"github.com/cashless-dev/cashless/vault"
)

// Store is the wallet's storage. Its halves are declared next to the code
// that uses them: MoneyStore (wallets, transfers, funding, requests, limit
// usage) and SocialStore (contacts, feed).
type Store interface {
	MoneyStore
	SocialStore
	SpendStore
}

// Options configure a Wallets.
type Options struct {
	// Limits are the caps per KYC tier; limits.Default() when nil.
	Limits *limits.Config
	// RequestTTL is how long a money request stays payable (7 days).
	RequestTTL time.Duration
	// AutoTopup tops a wallet up from the bank when a send finds the
	// balance short, by the missing amount, and retries the send once.
	AutoTopup bool
	// AutoTopupWait bounds how long a send waits for the bank to confirm
	// an automatic top-up (5 seconds when zero).
	AutoTopupWait time.Duration
	// ReconcileInterval is how often the reconciler runs (3 seconds when
	// zero; negative turns the background loop off, leaving Reconcile to
	// the caller).
	ReconcileInterval time.Duration
	// ReconcileGrace is how long a driver holds an intent's or funding's
	// lease: the request path's before the reconciler may take it over,
	// and the reconciler's before it looks at a row it could not finish
	// again (2 seconds when zero). An automatic top-up extends the
	// request path's lease over its wait.
	ReconcileGrace time.Duration
	// ParkAfter is how many failed re-drives park an intent or funding,
	// which the reconciler then leaves alone for an operator (20 when
	// zero).
	ParkAfter int
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Logger gets the reconciler's reports (slog.Default when nil).
	Logger *slog.Logger
}

// Wallets is the wallet service. It implements Service.
type Wallets struct {
	store  Store
	dir    Directory
	ledger ledger.Service
	bank   bank.Connector
	vault  *vault.Vault
	limits *limits.Config
	// currencies are the ones the limits cover, sorted: the currencies a
	// wallet may hold. The limits do not change once the service runs.
	currencies []string
	opts       Options
	now        func() time.Time
	log        *slog.Logger

	// transferQueue holds the leases of transfer intents; transfers and
	// fundings are the reconciler's drivers.
	transferQueue intent.Queue
	transfers     *intent.Driver
	fundings      *intent.Driver

	opened sync.Map   // ledger account ids known to exist
	openMu sync.Mutex // one account open at a time

	stopOnce sync.Once
	halt     chan struct{} // closed by stop
	done     chan struct{} // closed when the reconciler has returned
}

var _ Service = (*Wallets)(nil)

// Close stops the wallet's background work (the reconciler).
func (w *Wallets) Close(ctx context.Context) error { return w.stop(ctx) }
