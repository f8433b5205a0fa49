package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Result is what a run measured. Its JSON form (WriteJSON) is the
// machine-readable line BENCH.md asks for.
type Result struct {
	Workload      string  `json:"workload"`
	Store         string  `json:"store"`
	DurationS     float64 `json:"duration_s"`
	Ops           int64   `json:"ops"`
	OpsPerS       float64 `json:"ops_per_s"`
	Errors        int64   `json:"errors"`
	P50ms         float64 `json:"p50_ms"`
	P98ms         float64 `json:"p98_ms"`
	P99ms         float64 `json:"p99_ms"`
	P999ms        float64 `json:"p999_ms"`
	MaxMs         float64 `json:"max_ms"`
	Transfers     int64   `json:"transfers"`
	TransfersPerS float64 `json:"transfers_per_s"`
	// RawOpsPerS is the raw limit in transfer rows per second; zero when
	// not measured.
	RawOpsPerS float64 `json:"raw_ops_per_s,omitempty"`
	// Efficiency is TransfersPerS / RawOpsPerS. The unit is transfers, not
	// ops, because the raw limit counts transfer rows: a merchant payment is
	// one op but two transfer rows, and comparing ops would halve its score.
	Efficiency float64 `json:"efficiency,omitempty"`
	// Rate is the offered load in ops/s; zero for closed loop.
	Rate float64 `json:"rate"`
	// Missed counts open-loop ops that fell due during the run but were
	// never sent because every worker was still busy.
	Missed      int64 `json:"missed,omitempty"`
	Concurrency int   `json:"concurrency"`
	// ErrorCodes counts failed ops by error code (exceeds_credits, internal, ...).
	ErrorCodes map[string]int64 `json:"error_codes,omitempty"`
	// FirstError is the message of the first failure, to start a diagnosis.
	FirstError string `json:"first_error,omitempty"`
	// Verified reports that the ledger's invariants held after the run;
	// false when the ledger was remote and could not be checked here.
	Verified bool `json:"verified"`
	// MaxRSSMiB is the peak resident memory of the benchmark process (which
	// holds the ledger when it runs in-process), from /proc; 0 where unknown.
	MaxRSSMiB float64 `json:"max_rss_mib,omitempty"`
}

// maxRSSMiB reads the process's peak resident set size (VmHWM) on Linux.
func maxRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err == nil {
				return round(kb/1024, 1)
			}
		}
	}
	return 0
}

func (r *runner) result() *Result {
	res := &Result{
		Workload:    r.cfg.Workload,
		DurationS:   round(r.elapsed.Seconds(), 3),
		Rate:        r.cfg.Rate,
		Concurrency: r.cfg.Concurrency,
		ErrorCodes:  map[string]int64{},
	}
	var lat []time.Duration
	for _, t := range r.tallies {
		lat = append(lat, t.latencies...)
		res.Ops += t.ops
		res.Transfers += t.transfers
		for code, n := range t.errors {
			res.ErrorCodes[code] += n
			res.Errors += n
		}
		if t.firstErr != nil && res.FirstError == "" {
			res.FirstError = t.firstErr.Error()
		}
	}
	if len(res.ErrorCodes) == 0 {
		res.ErrorCodes = nil
	}
	slices.Sort(lat)
	res.P50ms = ms(percentile(lat, 0.50))
	res.P98ms = ms(percentile(lat, 0.98))
	res.P99ms = ms(percentile(lat, 0.99))
	res.P999ms = ms(percentile(lat, 0.999))
	res.MaxMs = ms(percentile(lat, 1))
	if s := r.elapsed.Seconds(); s > 0 {
		res.OpsPerS = round(float64(res.Ops)/s, 1)
		res.TransfersPerS = round(float64(res.Transfers)/s, 1)
	}
	if r.cfg.Rate > 0 {
		res.Missed = max(0, int64(math.Ceil(r.cfg.Rate*r.cfg.Duration.Seconds()))-res.Ops)
	}
	return res
}

func (r *Result) setRaw(rowsPerS float64) {
	r.RawOpsPerS = round(rowsPerS, 1)
	if rowsPerS > 0 {
		r.Efficiency = round(r.TransfersPerS/rowsPerS, 4)
	}
}

// percentile returns the nearest-rank p-quantile of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return round(float64(d)/float64(time.Millisecond), 3) }

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// WriteTable writes the result for people.
func (r *Result) WriteTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "%s\t"+format+"\n", append([]any{k}, args...)...) }
	row("workload", "%s", r.Workload)
	row("store", "%s", r.Store)
	if r.Rate > 0 {
		row("load", "open loop, %g ops/s offered, at most %d in flight", r.Rate, r.Concurrency)
	} else {
		row("load", "closed loop, %d workers", r.Concurrency)
	}
	row("duration", "%.2f s", r.DurationS)
	row("ops", "%d (%.1f ops/s)", r.Ops, r.OpsPerS)
	row("transfers", "%d (%.1f transfers/s)", r.Transfers, r.TransfersPerS)
	row("errors", "%d%s", r.Errors, r.errorDetail())
	if r.Missed > 0 {
		row("missed", "%d ops due but never sent: the system under test could not keep up", r.Missed)
	}
	row("latency", "p50 %.3f ms  p98 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms", r.P50ms, r.P98ms, r.P99ms, r.P999ms, r.MaxMs)
	if r.RawOpsPerS > 0 {
		row("raw limit", "%.1f transfer rows/s; efficiency %.1f%%", r.RawOpsPerS, 100*r.Efficiency)
	}
	if r.MaxRSSMiB > 0 {
		row("memory", "peak RSS %.1f MiB", r.MaxRSSMiB)
	}
	if r.Verified {
		row("invariants", "verified")
	} else {
		row("invariants", "NOT CHECKED here: run `cashless verify` against the server's database")
	}
	tw.Flush()
}

func (r *Result) errorDetail() string {
	if r.Errors == 0 {
		return ""
	}
	var parts []string
	for _, code := range slices.Sorted(maps.Keys(r.ErrorCodes)) {
		parts = append(parts, fmt.Sprintf("%s %d", code, r.ErrorCodes[code]))
	}
	return fmt.Sprintf(" (%s; first: %s)", strings.Join(parts, ", "), r.FirstError)
}

// WriteJSON writes the result as one JSON object on one line.
func (r *Result) WriteJSON(w io.Writer) {
	_ = json.NewEncoder(w).Encode(r)
}
