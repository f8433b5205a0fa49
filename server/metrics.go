package server

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// httpMetrics describe the requests both listeners serve.
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
