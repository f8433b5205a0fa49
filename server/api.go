package server

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cashless-dev/cashless/api"
	"github.com/cashless-dev/cashless/idempotency"
	idemstore "github.com/cashless-dev/cashless/idempotency/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
)

// startAPI serves the public /v1 API over the identity and wallet services,
// and the merchant routes over the merchant service when it runs here.
// Its own database holds the idempotency records, whose stored responses
// are sealed with its own vault keys.
func startAPI(ctx context.Context, db *sqldb.DB, d deps) (started, error) {
	if d.peers.identity == nil || d.peers.wallet == nil {
		return started{}, errors.New("the public API needs the identity and wallet services in the same process")
	}
	v, err := openVault(ctx, d.cfg, db, "api")
	if err != nil {
		return started{}, err
	}
	records := idemstore.New(db, idemstore.Options{})
	store := sealedIdempotency{Store: records, vault: v}
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "cashless_api_request_duration_seconds",
		Help:    "Latency of public API requests by route pattern, method and status.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14), // 0.5 ms … 4 s
	}, []string{"route", "method", "code"})
	if err := registerAll(d.registry, latency); err != nil {
		records.Close()
		v.Close()
		return started{}, err
	}
	var hooks api.Webhooks
	if d.peers.webhooks != nil {
		hooks = d.peers.webhooks
	}
	srv, err := api.New(api.Options{
		Identity:    d.peers.identity,
		Wallet:      d.peers.wallet,
		APIKeys:     d.peers.identity,
		Merchants:   d.peers.merchant,
		Webhooks:    hooks,
		Idempotency: store,
		Logger:      d.logger,
		RateLimit:   d.cfg.Consumer.rateLimit(),
		Observe: func(route, method string, status int, elapsed time.Duration) {
			latency.WithLabelValues(route, methodLabel(method), strconv.Itoa(status)).Observe(elapsed.Seconds())
		},
	})
	if err != nil {
		records.Close()
		v.Close()
		return started{}, err
	}
	sweepCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		idempotency.Sweep(sweepCtx, store, time.Hour, d.logger)
	}()
	return started{public: srv, stop: func(context.Context) error {
		cancel()
		<-done
		records.Close()
		return v.Close()
	}}, nil
}
