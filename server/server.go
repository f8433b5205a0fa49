// Package server composes the Cashless platform in one process: it opens and
// migrates each selected service's own database, starts the services, and
// serves them on up to three listeners. The public listener answers /healthz,
// /readyz and the public API; the internal listener carries the
// service-to-service APIs, which require the service credential and may
// require mutual TLS; the metrics listener serves /metrics, with a token
// when one is set.
//
// Services are listed in one registry (services.go); a service is added by
// adding its entry there.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
	"github.com/cashless-dev/cashless/sqldb"
	vaultstore "github.com/cashless-dev/cashless/vault/sqlstore"
)

// Defaults of Config.
const (
	DefaultAddr         = "127.0.0.1:8080"
	DefaultInternalAddr = "127.0.0.1:8081"
	DefaultDataDir      = "./data"

	// DefaultMetricsAddr is where cashless serve exposes /metrics unless
	// told otherwise. Config's zero value serves no metrics.
	DefaultMetricsAddr = "127.0.0.1:9090"
)

// Config is what the platform needs to start. The zero value runs every
// service on SQLite files in ./data, listening on localhost only.
type Config struct {
	// Addr is the public listener's address; DefaultAddr when empty.
	Addr string
	// InternalAddr is the internal listener's address; DefaultInternalAddr
	// when empty.
	InternalAddr string
	// DataDir holds the SQLite files and the generated service token;
	// DefaultDataDir when empty.
	DataDir string
	// DB is the platform-wide database URL, from which each service's own
	// database is derived (sqldb.ForService); "sqlite:<DataDir>/" when empty.
	DB string
	// ServiceDB overrides the database URL of single services, keyed by
	// service name. Such a URL is used as it is.
	ServiceDB map[string]string
	// Services names the services to run; every known service when empty.
	Services []string
	// ServiceToken is the credential of the internal APIs. When empty it is
	// read from <DataDir>/service-token, which is created on first use.
	ServiceToken string
	// InternalTLSCert and InternalTLSKey make the internal listener serve
	// TLS; InternalClientCA makes it require client certificates signed by
	// that CA as well.
	InternalTLSCert, InternalTLSKey, InternalClientCA string
	// MetricsAddr is the address of the listener that serves GET /metrics
	// (Prometheus); empty serves no metrics. The metrics are never on the
	// public listener: they tell anyone the platform's traffic per route.
	MetricsAddr string
	// MetricsToken, when set, must come as "Authorization: Bearer <token>"
	// on every scrape.
	MetricsToken string
	// Logger receives operational and access logs; slog.Default() when nil.
	Logger *slog.Logger

	// Consumer is the configuration of identity, wallet and the public API.
	Consumer ConsumerConfig
	// Merchant is the configuration of the merchant service.
	Merchant MerchantConfig
}

// Server is the running platform. Create it with New, start serving with
// Start (or Run), and stop it with Close.
type Server struct {
	cfg       Config
	log       *slog.Logger
	registry  *prometheus.Registry
	metrics   *httpMetrics
	units     []*unit // started services, in start order
	tlsConfig *tls.Config

	public, internal *http.Server
	publicAddr       string
	internalAddr     string
	metricsSrv       *http.Server // nil without MetricsAddr
	metricsAddr      string
	ready            atomic.Bool
	errc             chan error // listener failures
	closeOnce        sync.Once
	closeErr         error
}

// New opens and migrates the database of every selected service and starts
// the services. It does not listen yet: call Start or Run.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	selected, err := cfg.selected()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, errc: make(chan error, 3)}
	s.registry, s.metrics = newRegistry()

	if cfg.InternalTLSCert != "" || cfg.InternalTLSKey != "" || cfg.InternalClientCA != "" {
		if cfg.InternalTLSCert == "" || cfg.InternalTLSKey == "" {
			return nil, errors.New("internal TLS needs both a certificate and a key")
		}
		if s.tlsConfig, err = ledgerhttp.ServerTLSConfig(cfg.InternalTLSCert, cfg.InternalTLSKey, cfg.InternalClientCA); err != nil {
			return nil, fmt.Errorf("internal TLS: %w", err)
		}
	}
	token, err := cfg.serviceToken(s.log)
	if err != nil {
		return nil, err
	}
	p := &peers{}
	for _, svc := range selected {
		u, err := startService(ctx, svc, cfg, deps{token: token, logger: s.log.With("service", svc.name), registry: s.registry, cfg: cfg, peers: p})
		if err != nil {
			s.closeUnits(ctx)
			return nil, err
		}
		s.units = append(s.units, u)
	}
	return s, nil
}

// Start binds both listeners and serves them in the background. A listener
// that fails later is reported by Wait.
func (s *Server) Start() error {
	pub, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	in, err := net.Listen("tcp", s.cfg.InternalAddr)
	if err != nil {
		pub.Close()
		return fmt.Errorf("listen on %s: %w", s.cfg.InternalAddr, err)
	}
	var ml net.Listener
	if s.cfg.MetricsAddr != "" {
		if ml, err = s.listenMetrics(); err != nil {
			pub.Close()
			in.Close()
			return err
		}
	}
	s.publicAddr, s.internalAddr = pub.Addr().String(), in.Addr().String()
	if s.tlsConfig != nil {
		in = tls.NewListener(in, s.tlsConfig)
	}
	s.public = s.httpServer(s.publicHandler())
	s.internal = s.httpServer(s.internalHandler())
	go s.serve(s.public, pub)
	go s.serve(s.internal, in)
	if ml != nil {
		s.metricsAddr = ml.Addr().String()
		s.metricsSrv = s.httpServer(s.metricsHandler())
		go s.serve(s.metricsSrv, ml)
	}
	s.ready.Store(true)
	s.log.Info("listening", "addr", s.publicAddr, "internal_addr", s.internalAddr,
		"internal_tls", s.tlsConfig != nil, "internal_mtls", s.cfg.InternalClientCA != "",
		"metrics_addr", s.metricsAddr, "metrics_token", s.cfg.MetricsToken != "")
	return nil
}

// Wait blocks until ctx is done (and returns nil) or a listener fails (and
// returns its error).
func (s *Server) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-s.errc:
		return err
	}
}

// Run starts the server and waits as Wait does. The caller still calls Close.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Start(); err != nil {
		return err
	}
	return s.Wait(ctx)
}

// Addr returns the public listener's bound address, empty before Start.
func (s *Server) Addr() string { return s.publicAddr }

// InternalAddr returns the internal listener's bound address, empty before
// Start.
func (s *Server) InternalAddr() string { return s.internalAddr }

// MetricsAddr returns the metrics listener's bound address, empty before
// Start or without Config.MetricsAddr.
func (s *Server) MetricsAddr() string { return s.metricsAddr }

// Close shuts down gracefully: it reports not ready, stops accepting
// connections, waits for requests in flight, then closes the services (the
// ledger engine finishes its batches in flight) and finally their databases.
// Requests still running when ctx ends are cut off. Close may be called more
// than once; later calls return the first result.
func (s *Server) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.ready.Store(false)
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i, srv := range []*http.Server{s.public, s.internal, s.metricsSrv} {
			if srv == nil {
				continue
			}
			wg.Go(func() {
				if err := srv.Shutdown(ctx); err != nil {
					srv.Close()
					errs[i] = fmt.Errorf("shut down HTTP: %w", err)
				}
			})
		}
		wg.Wait()
		errs = append(errs, s.closeUnits(ctx))
		s.closeErr = errors.Join(errs...)
		if s.closeErr != nil {
			s.log.Error("stopped with errors", "error", s.closeErr)
		} else {
			s.log.Info("stopped")
		}
	})
	return s.closeErr
}

// closeUnits stops the started services in reverse order, then closes their
// databases.
func (s *Server) closeUnits(ctx context.Context) error {
	var errs []error
	for i := len(s.units) - 1; i >= 0; i-- {
		if err := s.units[i].close(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	s.units = nil
	return errors.Join(errs...)
}

func (s *Server) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

func (s *Server) serve(srv *http.Server, l net.Listener) {
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.ready.Store(false)
		s.errc <- fmt.Errorf("serve %s: %w", l.Addr(), err)
	}
}

// Migrate creates or upgrades the database of every selected service
// without starting anything.
func Migrate(ctx context.Context, cfg Config) error {
	cfg = cfg.withDefaults()
	selected, err := cfg.selected()
	if err != nil {
		return err
	}
	for _, svc := range selected {
		db, err := openService(ctx, svc, cfg)
		if err != nil {
			return err
		}
		cfg.Logger.Info("migrated", "service", svc.name, "db", db.Name)
		if err := db.Close(); err != nil {
			return fmt.Errorf("close %s database: %w", svc.name, err)
		}
	}
	return nil
}

// openService opens a service's database and migrates it.
func openService(ctx context.Context, svc service, cfg Config) (*sqldb.DB, error) {
	url, err := cfg.DatabaseURL(svc.name)
	if err != nil {
		return nil, err
	}
	db, err := sqldb.OpenWith(ctx, url, sqldb.Options{RelaxedSync: svc.relaxedSync})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", svc.name, err)
	}
	err = svc.migrate(ctx, db)
	if err == nil && svc.vault {
		err = vaultstore.Migrate(ctx, db, svc.name)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s database %s: %w", svc.name, db.Name, err)
	}
	return db, nil
}
