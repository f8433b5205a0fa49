package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/cashless-dev/cashless/bench"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
)

// benchCommand dispatches to the benchmark of one part of the platform.
type benchCommand struct {
	m   *Main
	sub command
}

const benchUsage = `Usage: cashless bench <target> [flags]

Benchmarks report figures; they are not tests.

Targets:
  ledger    the ledger alone, in-process (--db) or a running server (--url)
  p2p       P2P sends through the public API, of a running server (--url) or in-process (--embedded)
  payments  merchant payments end to end (not yet available)

Run cashless bench <target> --help for its flags.
`

func (c *benchCommand) parse(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.m.Stderr, benchUsage)
		return errors.New("bench: missing target")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(c.m.Stdout, benchUsage)
		return flag.ErrHelp
	case "ledger":
		c.sub = &benchLedgerCommand{m: c.m}
	case "p2p":
		c.sub = &benchP2PCommand{m: c.m}
	case "payments":
		c.sub = notYetAvailable{}
	default:
		return fmt.Errorf("bench: unknown target %q (want ledger, p2p or payments)", args[0])
	}
	return c.sub.parse(args[1:])
}

func (c *benchCommand) run(ctx context.Context) error { return c.sub.run(ctx) }

// notYetAvailable stands for the benchmarks of services that do not exist yet.
type notYetAvailable struct{}

func (notYetAvailable) parse([]string) error { return nil }
func (notYetAvailable) run(context.Context) error {
	return &exitError{code: 2, err: errors.New("not yet available: needs the wallet/merchant services")}
}

// benchLedgerCommand is `cashless bench ledger`.
type benchLedgerCommand struct {
	m        *Main
	db, url  string
	token    string
	json     bool
	cfg      bench.Config
	logLevel slog.Level
}

func (c *benchLedgerCommand) parse(args []string) error {
	fs := flag.NewFlagSet("bench ledger", flag.ContinueOnError)
	fs.StringVar(&c.db, "db", "", "run the ledger in-process on this database `URL` (sqlite: alone is a fresh temporary file, removed afterwards)")
	fs.StringVar(&c.url, "url", "", "drive the ledger of a running server at this internal API `URL` instead")
	fs.StringVar(&c.cfg.Workload, "workload", "", "workload `name`: "+strings.Join(bench.Workloads, ", "))
	fs.DurationVar(&c.cfg.Duration, "duration", 10*time.Second, "how long the timed run lasts")
	fs.IntVar(&c.cfg.Concurrency, "concurrency", 256, "closed-loop workers, and the most ops in flight with --rate")
	fs.Float64Var(&c.cfg.Rate, "rate", 0, "offered load in ops/s (open loop); 0 runs closed loop for the maximum throughput")
	fs.IntVar(&c.cfg.Accounts, "accounts", 10000, "funded wallets")
	fs.IntVar(&c.cfg.Merchants, "merchants", 1000, "merchants of merchant-zipf and mixed")
	fs.BoolVar(&c.cfg.Raw, "raw", false, "also measure the database's raw limit (needs --db)")
	fs.BoolVar(&c.cfg.OneTransfer, "one-transfer", false, "merchant payments without their linked fee: one transfer per op (and per request with --url)")
	fs.BoolVar(&c.json, "json", false, "print the result as one JSON object on the last line as well")
	fs.BoolVar(&c.cfg.Quiet, "quiet", false, "no progress lines")
	fs.StringVar(&c.token, "token", "", "service credential for --url (the server's <data-dir>/service-token or --service-token)")
	if err := c.m.parseFlags(fs, args,
		"cashless bench ledger (--db URL | --url URL) --workload NAME [flags]",
		"Drives the ledger with a workload, checks its invariants afterwards (with --db)\n"+
			"and reports throughput and latency percentiles."); err != nil {
		return err
	}
	switch {
	case (c.db == "") == (c.url == ""):
		return errors.New("bench ledger: give exactly one of --db or --url (or CASHLESS_DB / CASHLESS_URL)")
	case c.cfg.Workload == "":
		return fmt.Errorf("bench ledger: --workload is required: one of %s", strings.Join(bench.Workloads, ", "))
	}
	return nil
}

func (c *benchLedgerCommand) run(ctx context.Context) error {
	c.cfg.Progress = c.m.Stderr
	var target bench.Target
	if c.url != "" {
		target = bench.Target{Service: ledgerhttp.NewClient(c.url, c.token, nil), StoreName: c.url}
	} else {
		db, cleanup, err := openBenchDB(ctx, c.db)
		if err != nil {
			return err
		}
		defer cleanup()
		store := sqlstore.New(db)
		logger := slog.New(slog.NewJSONHandler(c.m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		engine := ledger.NewEngine(store, ledger.Options{Logger: logger})
		defer engine.Close(context.Background())
		target = bench.Target{Service: engine, Store: store, DB: db}
	}
	res, err := bench.RunLedger(ctx, target, c.cfg)
	if err != nil {
		return err
	}
	res.WriteTable(c.m.Stdout)
	if c.json {
		res.WriteJSON(c.m.Stdout)
	}
	return nil
}

// openBenchDB opens and migrates the benchmark's database. cleanup closes
// it, and removes it when it is a temporary file.
func openBenchDB(ctx context.Context, url string) (*sqldb.DB, func(), error) {
	d, rest, err := sqldb.ParseURL(url)
	if err != nil {
		return nil, nil, err
	}
	if d == sqldb.MySQL {
		if cfg, err := mysql.ParseDSN(rest); err != nil || cfg.DBName == "" {
			return nil, nil, errors.New("--db mysql:<DSN> must name a database, e.g. mysql:root@tcp(127.0.0.1:3306)/cashless_bench")
		}
	}
	db, err := sqldb.Open(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() {
		db.Close()
		if d == sqldb.SQLite && rest == "" {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(db.Path + suffix)
			}
		}
	}
	if err := sqlstore.Migrate(ctx, db); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("migrate %s: %w", db.Name, err)
	}
	return db, cleanup, nil
}
