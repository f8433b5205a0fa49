package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cashless-dev/cashless/intent"
)

// intentCollector exports the counters of a service's intent drivers (the
// reconcilers of its money paths): re-drives, failed re-drives, and the
// intents parked for an operator.
type intentCollector struct {
	stats                   func() []intent.Stats
	driven, errors, parkedG *prometheus.Desc
}

func newIntentCollector(service string, stats func() []intent.Stats) *intentCollector {
	labels := prometheus.Labels{"service": service}
	return &intentCollector{
		stats: stats,
		driven: prometheus.NewDesc("cashless_intent_redrives_total",
			"Intents the reconciler re-drove without an error, by kind.", []string{"kind"}, labels),
		errors: prometheus.NewDesc("cashless_intent_redrive_errors_total",
			"Re-drives of an intent that failed and will be retried (or parked), by kind.", []string{"kind"}, labels),
		parkedG: prometheus.NewDesc("cashless_intents_parked",
			"Intents parked after repeated failed re-drives, waiting for an operator, by kind.", []string{"kind"}, labels),
	}
}

// Describe implements prometheus.Collector.
func (c *intentCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.driven
	ch <- c.errors
	ch <- c.parkedG
}

// Collect implements prometheus.Collector.
func (c *intentCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.stats() {
		ch <- prometheus.MustNewConstMetric(c.driven, prometheus.CounterValue, float64(s.Driven), s.Kind)
		ch <- prometheus.MustNewConstMetric(c.errors, prometheus.CounterValue, float64(s.Errors), s.Kind)
		ch <- prometheus.MustNewConstMetric(c.parkedG, prometheus.GaugeValue, float64(s.Parked), s.Kind)
	}
}
