package main

import (
	"context"
	"flag"
	"log/slog"
	"time"

	"github.com/cashless-dev/cashless/server"
)

// serveCommand runs the platform until it is told to stop.
type serveCommand struct {
	m               *Main
	cfg             server.Config
	logLevel        slog.Level
	shutdownTimeout time.Duration
	srv             *server.Server
}

func (c *serveCommand) parse(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&c.cfg.Addr, "addr", server.DefaultAddr, "public listener `address` (the /v1 API, health, readiness)")
	fs.StringVar(&c.cfg.InternalAddr, "internal-addr", server.DefaultInternalAddr, "internal listener `address` (service-to-service APIs)")
	metricsFlags(fs, &c.cfg)
	dbFlags(fs, &c.cfg, server.Services())
	servicesFlag(fs, &c.cfg)
	fs.StringVar(&c.cfg.ServiceToken, "service-token", "", "credential of the internal APIs; when empty, one is generated once into <data-dir>/service-token")
	fs.StringVar(&c.cfg.InternalTLSCert, "internal-tls-cert", "", "PEM certificate `file`: serve the internal listener over TLS")
	fs.StringVar(&c.cfg.InternalTLSKey, "internal-tls-key", "", "PEM private key `file` of --internal-tls-cert")
	fs.StringVar(&c.cfg.InternalClientCA, "internal-client-ca", "", "PEM CA `file`: require internal clients to present a certificate it signed (mutual TLS)")
	consumerFlags(fs, &c.cfg.Consumer)
	logLevelFlag(fs, &c.logLevel)
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 30*time.Second, "how long to wait for requests and ledger batches in flight on shutdown")
	return c.m.parseFlags(fs, args, "cashless serve [flags]",
		"Runs the platform: every selected service in this process, each on its own\n"+
			"database, migrated on start. Stops gracefully on SIGINT or SIGTERM.")
}

func (c *serveCommand) run(ctx context.Context) error {
	c.cfg.Logger = slog.New(slog.NewJSONHandler(c.m.Stderr, &slog.HandlerOptions{Level: c.logLevel}))
	srv, err := server.New(ctx, c.cfg)
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		srv.Close(ctx)
		return err
	}
	c.srv = srv
	return nil
}

func (c *serveCommand) wait(ctx context.Context) error {
	if c.srv == nil {
		return nil
	}
	err := c.srv.Wait(ctx)
	c.cfg.Logger.Info("shutting down", "timeout", c.shutdownTimeout.String())
	return err
}

func (c *serveCommand) close() error {
	if c.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	return c.srv.Close(ctx)
}
