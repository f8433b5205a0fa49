package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/cashless-dev/cashless/bench"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/server"
	"github.com/cashless-dev/cashless/sqldb"
)

// benchP2PCommand is `cashless bench p2p`.
type benchP2PCommand struct {
	m        *Main
	url, db  string
	embedded bool
	json     bool
	profile  string
	cfg      bench.Config
}

func (c *benchP2PCommand) parse(args []string) error {
	fs := flag.NewFlagSet("bench p2p", flag.ContinueOnError)
	fs.StringVar(&c.url, "url", "", "drive the public API of a running server at this base `URL` (e.g. http://127.0.0.1:8080)")
	fs.BoolVar(&c.embedded, "embedded", false, "start the platform in this process and drive its public API over loopback HTTP")
	fs.StringVar(&c.db, "db", "sqlite:", "with --embedded: platform database `URL` (sqlite: alone is a fresh temporary directory, removed afterwards; mysql:<DSN> uses <name>_<service> databases)")
	fs.DurationVar(&c.cfg.Duration, "duration", 10*time.Second, "how long the timed run lasts")
	fs.IntVar(&c.cfg.Concurrency, "concurrency", 256, "closed-loop workers, and the most requests in flight with --rate")
	fs.Float64Var(&c.cfg.Rate, "rate", 0, "offered load in sends/s (open loop); 0 runs closed loop for the maximum throughput")
	fs.IntVar(&c.cfg.Accounts, "accounts", 1000, "users signed up and topped up before the run")
	fs.BoolVar(&c.json, "json", false, "print the result as one JSON object on the last line as well")
	fs.BoolVar(&c.cfg.Quiet, "quiet", false, "no progress lines")
	fs.StringVar(&c.profile, "cpuprofile", "", "with --embedded: write a CPU profile of the timed run and the server to `file` (go tool pprof)")
	if err := c.m.parseFlags(fs, args,
		"cashless bench p2p (--url URL | --embedded [--db URL]) [flags]",
		"Signs up users, tops them up, then sends P2P transfers between random pairs\n"+
			"through POST /v1/transfers, and reports throughput and latency percentiles\n"+
			"measured from when each send was due."); err != nil {
		return err
	}
	if (c.url == "") == !c.embedded {
		return errors.New("bench p2p: give exactly one of --url or --embedded")
	}
	return nil
}

func (c *benchP2PCommand) run(ctx context.Context) error {
	c.cfg.Progress = c.m.Stderr
	target := bench.P2PTarget{URL: c.url, StoreName: c.url}
	if c.embedded {
		srv, t, cleanup, err := c.startEmbedded(ctx)
		if err != nil {
			return err
		}
		defer cleanup()
		defer srv.Close(context.Background())
		target = t
	}
	if c.profile != "" {
		f, err := os.Create(c.profile)
		if err != nil {
			return err
		}
		defer f.Close()
		target.Started = func() { pprof.StartCPUProfile(f) }
		defer pprof.StopCPUProfile()
	}
	res, err := bench.RunP2P(ctx, target, c.cfg)
	if err != nil {
		return err
	}
	res.WriteTable(c.m.Stdout)
	if c.json {
		res.WriteJSON(c.m.Stdout)
	}
	return nil
}

// startEmbedded starts the whole platform on loopback. Durability is the
// server's own (SQLite synchronous=FULL, MySQL as configured). Two settings
// differ from a production server, and the output says so: password
// hashing is cheap (signing up thousands of users at production argon2id
// cost would take longer than the run) and the per-address, lookup and
// signup rate limits are off (every benchmark user calls from 127.0.0.1,
// and sends faster than a person looks people up).
func (c *benchP2PCommand) startEmbedded(ctx context.Context) (*server.Server, bench.P2PTarget, func(), error) {
	dir, err := os.MkdirTemp("", "cashless-bench-*")
	if err != nil {
		return nil, bench.P2PTarget{}, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	cfg := server.Config{
		Addr:         "127.0.0.1:0",
		InternalAddr: "127.0.0.1:0",
		DataDir:      dir,
		Logger:       slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Consumer: server.ConsumerConfig{
			FastPasswordHashing: true,
			IPRate:              -1,
			LookupsPerMinute:    -1,
			IPLookupsPerMinute:  -1,
			SignupsPerHour:      -1,
			BankLatency:         time.Millisecond,
		},
	}
	if c.db != "sqlite:" {
		cfg.DB = c.db
	}
	srv, err := server.New(ctx, cfg)
	if err != nil {
		cleanup()
		return nil, bench.P2PTarget{}, nil, err
	}
	if err := srv.Start(); err != nil {
		srv.Close(ctx)
		cleanup()
		return nil, bench.P2PTarget{}, nil, err
	}
	ledgerURL, err := cfg.DatabaseURL("ledger")
	if err != nil {
		srv.Close(ctx)
		cleanup()
		return nil, bench.P2PTarget{}, nil, err
	}
	db, err := sqldb.Open(ctx, ledgerURL)
	if err != nil {
		srv.Close(ctx)
		cleanup()
		return nil, bench.P2PTarget{}, nil, err
	}
	cleanup = func() {
		db.Close()
		os.RemoveAll(dir)
	}
	fmt.Fprintln(c.m.Stderr, "p2p: embedded platform: cheap password hashing and no per-address, lookup or signup rate limits (benchmark settings); durability unchanged")
	t := bench.P2PTarget{
		URL:       "http://" + srv.Addr(),
		StoreName: "embedded " + sqldb.Redact(ledgerURL),
		Store:     sqlstore.New(db),
	}
	return srv, t, cleanup, nil
}
