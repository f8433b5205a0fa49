package server

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
)

func migrateLedger(ctx context.Context, db *sqldb.DB) error { return sqlstore.Migrate(ctx, db) }

// startLedger runs the ledger engine on its store and serves it as the
// internal ledger API.
func startLedger(_ context.Context, db *sqldb.DB, d deps) (started, error) {
	m := newLedgerMetrics()
	if err := registerAll(d.registry, m.size, m.duration, m.errors); err != nil {
		return started{}, err
	}
	engine := ledger.NewEngine(sqlstore.New(db), ledger.Options{Logger: d.logger, Observe: m.observe})
	d.peers.ledger = engine
	return started{
		internal: ledgerhttp.NewHandler(engine, ledgerhttp.ServerOptions{Token: d.token, Logger: d.logger}),
		stop:     engine.Close,
	}, nil
}

// ledgerMetrics describe the engine's batches: how many transfers share a
// commit, how long a commit takes, and how many fail whole.
type ledgerMetrics struct {
	size     prometheus.Histogram
	duration prometheus.Histogram
	errors   prometheus.Counter
}

func newLedgerMetrics() *ledgerMetrics {
	return &ledgerMetrics{
		size: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "cashless_ledger_batch_size",
			Help:    "Transfers committed together in one ledger batch.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 14), // 1 … 8192
		}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "cashless_ledger_batch_duration_seconds",
			Help:    "Time to validate and commit one ledger batch.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16), // 100µs … 3.3s
		}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cashless_ledger_batch_errors_total",
			Help: "Ledger batches that failed whole (every transfer in them failed).",
		}),
	}
}

func (m *ledgerMetrics) observe(s ledger.BatchStats) {
	m.size.Observe(float64(s.Transfers))
	m.duration.Observe(s.Duration.Seconds())
	if s.Err != nil {
		m.errors.Inc()
	}
}
