package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"

	"github.com/cashless-dev/cashless/server"
)

// keysCommand is `cashless keys rotate`: it re-wraps the vault's data keys.
type keysCommand struct {
	m        *Main
	cfg      server.Config
	logLevel slog.Level
}

func (c *keysCommand) parse(args []string) error {
	if len(args) == 0 || args[0] != "rotate" {
		if len(args) > 0 && strings.Contains(args[0], "help") {
			fmt.Fprint(c.m.Stdout, "Usage: cashless keys rotate [flags]\n\nRun cashless keys rotate --help for its flags.\n")
			return flag.ErrHelp
		}
		return errors.New("keys: want the action rotate (cashless keys rotate [flags])")
	}
	fs := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
	dbFlags(fs, &c.cfg, server.Services())
	fs.StringVar(&c.cfg.Consumer.VaultKeeper, "vault-keeper", "", "gocloud.dev/secrets `URL` of the key that wraps the data keys; the local key file <data-dir>/vault.key when empty")
	logLevelFlag(fs, &c.logLevel)
	return c.m.parseFlags(fs, args[1:], "cashless keys rotate [flags]",
		"Re-wraps every stored data key of the identity, wallet and api services with the\n"+
			"keeper's current key (so an old KMS key version can be retired) and starts a\n"+
			"new data key for new values. Safe while servers run: values sealed before stay\n"+
			"readable, and running servers read the new keys when they meet them.")
}

func (c *keysCommand) run(ctx context.Context) error {
	c.cfg.Logger = slog.New(slog.NewJSONHandler(c.m.Stderr, &slog.HandlerOptions{Level: c.logLevel}))
	done, err := server.RotateKeys(ctx, c.cfg)
	for _, name := range done {
		fmt.Fprintf(c.m.Stdout, "rotated the %s keys\n", name)
	}
	return err
}
