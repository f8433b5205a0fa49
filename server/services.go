package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	idemstore "github.com/cashless-dev/cashless/idempotency/sqlstore"
	identitystore "github.com/cashless-dev/cashless/identity/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	walletstore "github.com/cashless-dev/cashless/wallet/sqlstore"
)

// service is one of the platform's services as the server runs it. Each
// owns its database: the server opens and migrates it, then calls start.
// Adding a service (identity, wallet, merchant, risk, graph, analytics) means
// adding its entry to services, in an order where a service starts after
// those it depends on.
type service struct {
	name string
	// relaxedSync opens the service's SQLite database with
	// sqldb.Options.RelaxedSync: only for data a retry rebuilds.
	relaxedSync bool
	// vault gives the service a vault whose keys live in its database
	// (their table is migrated with the service's; keys rotate rotates them).
	vault bool
	// migrate creates or upgrades the service's tables.
	migrate func(ctx context.Context, db *sqldb.DB) error
	// start runs the service on its migrated database.
	start func(ctx context.Context, db *sqldb.DB, d deps) (started, error)
}

// services is the registry, in start order.
var services = []service{
	{name: "ledger", migrate: migrateLedger, start: startLedger},
	{name: "identity", migrate: identitystore.Migrate, start: startIdentity, vault: true},
	{name: "wallet", migrate: walletstore.Migrate, start: startWallet, vault: true},
	{name: "merchant", migrate: migrateMerchant, start: startMerchant, vault: true},
	// The API's database holds idempotency records only: after a power
	// loss a lost record makes a retry run again, and every service behind
	// the API is itself idempotent on (user, key), so the retry gets the
	// same outcome. It does not fsync every commit.
	{name: "api", migrate: idemstore.Migrate, start: startAPI, relaxedSync: true, vault: true},
}

// Services returns the names of every known service, in start order.
func Services() []string {
	names := make([]string, len(services))
	for i, svc := range services {
		names[i] = svc.name
	}
	return names
}

func lookup(name string) (service, bool) {
	for _, svc := range services {
		if svc.name == name {
			return svc, true
		}
	}
	return service{}, false
}

// deps is what the server hands every service it starts.
type deps struct {
	token    string // the internal APIs' credential
	logger   *slog.Logger
	registry prometheus.Registerer
	cfg      Config
	peers    *peers
}

// started is what a running service gives back to the server.
type started struct {
	// internal serves the service's internal API under /internal/<name>/
	// on the internal listener; nil when it has none.
	internal http.Handler
	// public serves the service's part of the public API under /v1/; nil
	// when it has none.
	public http.Handler
	// stop stops the service, finishing the work in flight. The server
	// closes the database afterwards.
	stop func(ctx context.Context) error
}

// unit is a started service with its database.
type unit struct {
	name string
	db   *sqldb.DB
	started
}

func startService(ctx context.Context, svc service, cfg Config, d deps) (*unit, error) {
	db, err := openService(ctx, svc, cfg)
	if err != nil {
		return nil, err
	}
	st, err := svc.start(ctx, db, d)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("start %s: %w", svc.name, err)
	}
	d.logger.Info("started", "db", db.Name)
	return &unit{name: svc.name, db: db, started: st}, nil
}

func (u *unit) close(ctx context.Context) error {
	var err error
	if u.stop != nil {
		if cerr := u.stop(ctx); cerr != nil {
			err = fmt.Errorf("stop %s: %w", u.name, cerr)
		}
	}
	if cerr := u.db.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("close %s database: %w", u.name, cerr))
	}
	return err
}
