package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics describe the requests the listeners serve.
type httpMetrics struct {
	duration *prometheus.HistogramVec
}

// newRegistry returns the server's own registry (never the global one, so
// that several servers can run in one process, as tests do) with the Go
// runtime, process and HTTP metrics registered.
func newRegistry() (*prometheus.Registry, *httpMetrics) {
	reg := prometheus.NewRegistry()
	m := &httpMetrics{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cashless_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route, method and status code.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "code"}),
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.duration,
	)
	return reg, m
}

// registerAll registers collectors, failing on the first that clashes.
func registerAll(r prometheus.Registerer, cs ...prometheus.Collector) error {
	var errs []error
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// listenMetrics binds the metrics listener on Config.MetricsAddr. Metrics
// reachable beyond this machine without a token are allowed, for networks
// that restrict scrapers themselves, but warned about.
func (s *Server) listenMetrics() (net.Listener, error) {
	addr := s.cfg.MetricsAddr
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	if ip, ok := l.Addr().(*net.TCPAddr); ok && !ip.IP.IsLoopback() && s.cfg.MetricsToken == "" {
		s.log.Warn("metrics are served beyond this machine without a token; set a metrics token", "metrics_addr", l.Addr().String())
	}
	return l, nil
}

// metricsHandler serves GET /metrics from the server's registry, behind
// the metrics token when one is set, and nothing else.
func (s *Server) metricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", requireToken(s.cfg.MetricsToken,
		promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry})))
	return s.instrument(mux)
}

// requireToken lets through only requests with "Authorization: Bearer
// <token>" (any case of "Bearer"); an empty token lets every request
// through. It compares SHA-256 sums in constant time, so that neither the
// token's bytes nor its length leak through timing.
func requireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const scheme = "Bearer "
		if h := r.Header.Get("Authorization"); len(h) > len(scheme) && strings.EqualFold(h[:len(scheme)], scheme) {
			if got := sha256.Sum256([]byte(h[len(scheme):])); subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
				next.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
		http.Error(w, "A valid bearer token is required.", http.StatusUnauthorized)
	})
}
