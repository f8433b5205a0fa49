package main

import (
	"context"
	"flag"
	"log/slog"

	"github.com/cashless-dev/cashless/server"
)

// migrateCommand creates or upgrades the selected services' databases.
type migrateCommand struct {
	m        *Main
	cfg      server.Config
	logLevel slog.Level
}

func (c *migrateCommand) parse(args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dbFlags(fs, &c.cfg, server.Services())
	servicesFlag(fs, &c.cfg)
	logLevelFlag(fs, &c.logLevel)
	return c.m.parseFlags(fs, args, "cashless migrate [flags]",
		"Creates or upgrades the database of every selected service, then exits.\n"+
			"serve does the same on start; migrate lets a deployment do it first.")
}

func (c *migrateCommand) run(ctx context.Context) error {
	c.cfg.Logger = slog.New(slog.NewJSONHandler(c.m.Stderr, &slog.HandlerOptions{Level: c.logLevel}))
	return server.Migrate(ctx, c.cfg)
}
