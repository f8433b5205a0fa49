package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

type testBundle struct {
	db     *sqldb.DB
	target Target
}

// setup starts a real engine on a fresh database of the dialect.
func setup(t *testing.T, d sqldb.Dialect) *testBundle {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t, d)
	require.NoError(t, sqlstore.Migrate(ctx, db))
	store := sqlstore.New(db)
	eng := ledger.NewEngine(store, ledger.Options{})
	t.Cleanup(func() { require.NoError(t, eng.Close(context.Background())) })
	return &testBundle{db: db, target: Target{Service: eng, Store: store, DB: db}}
}

func TestRunLedger(t *testing.T) {
	t.Parallel()
	for _, d := range sqldbtest.Dialects() {
		for _, w := range Workloads {
			t.Run(string(d)+"/"+w, func(t *testing.T) {
				t.Parallel()
				b := setup(t, d)
				cfg := Config{Workload: w, Duration: time.Second, Concurrency: 64, Accounts: 200, Merchants: 50, Seed: 1, Quiet: true}
				var progress bytes.Buffer
				if w == Mixed {
					cfg.Duration, cfg.Quiet, cfg.Progress = 2*time.Second, false, &progress
				}
				cfg.Raw = w == MerchantHot
				res, err := RunLedger(context.Background(), b.target, cfg)
				require.NoError(t, err)

				require.Positive(t, res.Ops)
				require.Zero(t, res.Errors, "errors by code %v, first: %s", res.ErrorCodes, res.FirstError)
				require.True(t, res.Verified)
				require.Equal(t, w, res.Workload)
				if d == sqldb.MySQL {
					require.Regexp(t, `^(mysql|mariadb|tidb)`, res.Store)
				} else {
					require.Contains(t, res.Store, "sqlite")
				}
				require.LessOrEqual(t, res.P50ms, res.P98ms)
				require.LessOrEqual(t, res.P98ms, res.P99ms)
				require.LessOrEqual(t, res.P99ms, res.P999ms)
				require.LessOrEqual(t, res.P999ms, res.MaxMs)
				require.Positive(t, res.P50ms)
				switch w {
				case P2P:
					require.Equal(t, res.Ops, res.Transfers)
				case MerchantHot, MerchantZipf:
					require.Equal(t, 2*res.Ops, res.Transfers, "a payment is a payment and its fee")
				case Mixed:
					require.Greater(t, res.Transfers, res.Ops)
					require.Less(t, res.Transfers, 2*res.Ops)
					require.Contains(t, progress.String(), "ops/s")
				}
				if cfg.Raw {
					require.Positive(t, res.RawOpsPerS)
					require.InDelta(t, res.TransfersPerS/res.RawOpsPerS, res.Efficiency, 0.001)
				}

				var out bytes.Buffer
				res.WriteJSON(&out)
				require.Equal(t, 1, strings.Count(out.String(), "\n"), "one JSON object on one line")
				var m map[string]any
				require.NoError(t, json.Unmarshal(out.Bytes(), &m))
				for _, k := range []string{"workload", "store", "duration_s", "ops", "ops_per_s", "errors",
					"p50_ms", "p98_ms", "p99_ms", "p999_ms", "transfers", "transfers_per_s", "concurrency", "verified"} {
					require.Contains(t, m, k)
				}
				require.Equal(t, w, m["workload"])
				require.EqualValues(t, res.Ops, m["ops"])
				if cfg.Raw {
					require.Contains(t, m, "raw_ops_per_s")
					require.Contains(t, m, "efficiency")
				}

				out.Reset()
				res.WriteTable(&out)
				require.Contains(t, out.String(), w)
				require.Contains(t, out.String(), "verified")
			})
		}
	}
}

func TestRunLedgerOpenLoop(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldb.SQLite)
	res, err := RunLedger(context.Background(), b.target,
		Config{Workload: P2P, Duration: time.Second, Rate: 200, Concurrency: 64, Accounts: 200, Quiet: true})
	require.NoError(t, err)
	require.InDelta(t, 200, res.Ops, 60, "open loop sends the offered rate, not as fast as it can")
	require.Zero(t, res.Errors)
	require.Equal(t, 200.0, res.Rate)
	require.True(t, res.Verified)
}

func TestRunLedgerRefusesBadConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Workload: "p3p"}, "unknown workload"},
		{Config{Workload: P2P, Accounts: 1}, "at least 2 wallets"},
		{Config{Workload: P2P, Rate: -1}, "rate"},
		{Config{Workload: P2P, Concurrency: -1}, "concurrency"},
		{Config{Workload: P2P, Raw: true}, "raw limit needs"},
		{Config{Workload: P2P}, "no ledger service"},
	} {
		_, err := RunLedger(context.Background(), Target{}, tc.cfg)
		require.ErrorContains(t, err, tc.want)
	}
}

func TestGeneratorOps(t *testing.T) {
	t.Parallel()
	for _, w := range Workloads {
		cfg := Config{Workload: w, Accounts: 10, Merchants: 5}.withDefaults()
		acc := newAccounts(cfg)
		g := newGenerator(acc, cfg, 9999)
		seen := map[string]bool{}
		for range 2000 {
			ts := g.next()
			for i, tr := range ts {
				require.LessOrEqual(t, len(tr.ID), ledger.MaxIDLength, tr.ID)
				require.False(t, seen[tr.ID], "duplicate id %s", tr.ID)
				seen[tr.ID] = true
				require.NotEqual(t, tr.DebitAccountID, tr.CreditAccountID)
				require.Equal(t, i < len(ts)-1, tr.Flags&ledger.Linked != 0, "one linked chain per op")
				if tr.Flags&(ledger.PostPending|ledger.VoidPending) == 0 {
					require.Positive(t, tr.Amount, "%+v", tr)
				}
			}
			g.done(ts, true)
		}
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	ms := func(n int) []time.Duration {
		s := make([]time.Duration, n)
		for i := range s {
			s[i] = time.Duration(i+1) * time.Millisecond
		}
		return s
	}
	for _, tc := range []struct {
		lat  []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 0.5, 0},
		{ms(1), 0.999, time.Millisecond},
		{ms(100), 0.50, 50 * time.Millisecond},
		{ms(100), 0.99, 99 * time.Millisecond},
		{ms(100), 0.999, 100 * time.Millisecond},
		{ms(1000), 0.999, 999 * time.Millisecond},
		{ms(1000), 1, 1000 * time.Millisecond},
	} {
		require.Equal(t, tc.want, percentile(tc.lat, tc.p), "p%v of %d", tc.p, len(tc.lat))
	}
}

func TestStoreLabelStatesDurability(t *testing.T) {
	t.Parallel()
	label := StoreLabel(sqldbtest.Open(t, sqldb.SQLite))
	require.Regexp(t, `^sqlite \d+\.\d+\.\d+ \(WAL, synchronous=FULL\)$`, label)
}

// TestBenchPhones: the benchmark's users sign up with valid Hong Kong
// mobile numbers, all different.
func TestBenchPhones(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for attempt := range benchPhoneBlocks {
		for _, i := range []int{0, 1, 999, 123_456, 999_999} {
			p := benchPhone(i, attempt)
			got, err := identity.NormalizePhone(p, identity.DefaultPhoneRegion)
			require.NoError(t, err, p)
			require.Equal(t, p, got)
			require.False(t, seen[p], p)
			seen[p] = true
		}
	}
}
