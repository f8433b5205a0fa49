package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/server"
	"github.com/cashless-dev/cashless/sqldb"
)

// verifyCommand checks the ledger's hash chain and invariants.
type verifyCommand struct {
	m    *Main
	cfg  server.Config
	json bool
}

func (c *verifyCommand) parse(args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	dbFlags(fs, &c.cfg, []string{"ledger"})
	fs.BoolVar(&c.json, "json", false, "print the report as one JSON object")
	return c.m.parseFlags(fs, args, "cashless verify [--db URL | --data-dir DIR | --ledger-db URL] [--json]",
		"Recomputes the ledger's hash chain over its transfers and recorded refusals and\n"+
			"checks every invariant: each account's balances equal the sum of its transfers,\n"+
			"debits equal credits per currency, no wallet is overdrawn, no refused transfer\n"+
			"is committed. It finds the ledger's database as serve does: --ledger-db\n"+
			"as it is, else the ledger's own database derived from --db or --data-dir (on\n"+
			"MySQL, --db mysql:.../NAME means database NAME_ledger). A SQLite file is used as\n"+
			"it is. Exits with status 1 when any check fails.")
}

func (c *verifyCommand) run(ctx context.Context) error {
	url, err := c.cfg.DatabaseURL("ledger")
	if err != nil {
		return err
	}
	// Verify reads; it must not create an empty database and call it valid.
	if d, path, _ := sqldb.ParseURL(url); d == sqldb.SQLite {
		if path == "" {
			return fmt.Errorf("verify needs the path of a ledger database (sqlite:<path>)")
		}
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("no ledger database at %s (run cashless migrate or serve first)", path)
		}
	}
	db, err := sqldb.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	report, err := ledger.Verify(ctx, sqlstore.New(db))
	if err != nil {
		return fmt.Errorf("verify %s: %w", db.Name, err)
	}
	if report.Problems == nil {
		report.Problems = []ledger.Problem{}
	}
	if c.json {
		out := struct {
			DB string `json:"db"`
			OK bool   `json:"ok"`
			*ledger.Report
		}{db.Name, report.OK(), report}
		if err := json.NewEncoder(c.m.Stdout).Encode(out); err != nil {
			return err
		}
	} else {
		c.print(db.Name, report)
	}
	if !report.OK() {
		return fmt.Errorf("ledger %s FAILED verification: %s", db.Name, problemSummary(report.Problems))
	}
	return nil
}

func (c *verifyCommand) print(name string, r *ledger.Report) {
	w := c.m.Stdout
	fmt.Fprintf(w, "ledger     %s\nbatches    %d\ntransfers  %d\nrefusals   %d\naccounts   %d\npending    %d\n",
		name, r.Batches, r.Transfers, r.Refusals, r.Accounts, r.Pending)
	if r.OK() {
		fmt.Fprintln(w, "OK: the hash chain and every invariant hold.")
		return
	}
	fmt.Fprintf(w, "%d problem(s):\n", len(r.Problems))
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  %-9s %s: %s\n", p.Kind, p.Object, p.Detail)
	}
}

// problemSummary counts problems by kind: "3 problems (2 account, 1 chain)".
func problemSummary(ps []ledger.Problem) string {
	byKind := map[string]int{}
	for _, p := range ps {
		byKind[p.Kind]++
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(byKind)) {
		parts = append(parts, fmt.Sprintf("%d %s", byKind[k], k))
	}
	return fmt.Sprintf("%d problem(s) (%s)", len(ps), strings.Join(parts, ", "))
}
