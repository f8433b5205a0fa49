package server

import (
	"context"
	"errors"
	"time"

	"github.com/cashless-dev/cashless/api"
	"github.com/cashless-dev/cashless/idempotency"
	idemstore "github.com/cashless-dev/cashless/idempotency/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
)

func migrateAPI(ctx context.Context, db *sqldb.DB) error { return idemstore.Migrate(ctx, db) }

// startAPI serves the public /v1 API over the identity and wallet services.
// Its own database holds the idempotency records.
func startAPI(_ context.Context, db *sqldb.DB, d deps) (started, error) {
	if d.peers.identity == nil || d.peers.wallet == nil {
		return started{}, errors.New("the public API needs the identity and wallet services in the same process")
	}
	store := idemstore.New(db, idemstore.Options{})
	limits := api.DefaultRateLimit()
	if r := d.cfg.Consumer.UserRate; r != 0 {
		limits.UserRate, limits.UserBurst = max(r, 0), max(int(2*r), 1)
	}
	if r := d.cfg.Consumer.IPRate; r != 0 {
		limits.IPRate, limits.IPBurst = max(r, 0), max(int(6*r), 1)
	}
	srv, err := api.New(api.Options{
		Identity:    d.peers.identity,
		Wallet:      d.peers.wallet,
		Idempotency: store,
		Logger:      d.logger,
		RateLimit:   limits,
	})
	if err != nil {
		store.Close()
		return started{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		idempotency.Sweep(ctx, store, time.Hour, d.logger)
	}()
	return started{public: srv, stop: func(context.Context) error {
		cancel()
		<-done
		store.Close()
		return nil
	}}, nil
}
