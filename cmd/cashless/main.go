// Command cashless runs the Cashless payments platform and its tools:
//
//	cashless serve     run the platform
//	cashless migrate   create or upgrade the services' databases
//	cashless verify    check the ledger's hash chain and invariants
//	cashless bench     benchmark the ledger
//	cashless webhooks  stream a merchant's events to a local server
//	cashless version   print the version
//
// Every flag can also be set in the environment as CASHLESS_<FLAG>
// (upper case, dashes as underscores); a flag on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	m := NewMain()
	err := m.ParseFlags(ctx, os.Args[1:])
	if err == nil {
		err = m.Run(ctx)
	}
	if err == nil {
		err = m.Wait(ctx) // serve: until a signal or a listener failure
	}
	stop() // a second signal ends the process at once
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	os.Exit(m.Exit(err))
}

// Main is the program, kept apart from main so that tests run it in-process.
type Main struct {
	Stdout, Stderr io.Writer
	// LookupEnv reads the environment; os.LookupEnv when nil.
	LookupEnv func(string) (string, bool)

	cmd command
}

// command is one subcommand.
type command interface {
	// parse reads the subcommand's arguments.
	parse(args []string) error
	// run does the work. A command that keeps running (serve) returns once
	// it is started and also implements waitCloser.
	run(ctx context.Context) error
}

// waitCloser is a command that keeps running after run returns.
type waitCloser interface {
	wait(ctx context.Context) error
	close() error
}

// exitError is an error with its own exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// NewMain returns a Main on the process's standard output and error.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, LookupEnv: os.LookupEnv}
}

var subcommands = []struct{ name, summary string }{
	{"serve", "run the platform"},
	{"migrate", "create or upgrade the services' databases, then exit"},
	{"verify", "check the ledger's hash chain and invariants"},
	{"keys", "rotate the vault's data keys (cashless keys rotate)"},
	{"bench", "benchmark the ledger and the API (cashless bench --help)"},
	{"webhooks", "forward a merchant's events to a local server (cashless webhooks listen)"},
	{"version", "print the version"},
}

// ParseFlags chooses the subcommand named by args[0] and parses the rest of
// args as its flags. It returns flag.ErrHelp after printing help on request.
func (m *Main) ParseFlags(_ context.Context, args []string) error {
	if len(args) == 0 {
		m.usage(m.Stderr)
		return errors.New("missing subcommand")
	}
	var c command
	switch args[0] {
	case "-h", "-help", "--help", "help":
		m.usage(m.Stdout)
		return flag.ErrHelp
	case "serve":
		c = &serveCommand{m: m}
	case "migrate":
		c = &migrateCommand{m: m}
	case "verify":
		c = &verifyCommand{m: m}
	case "keys":
		c = &keysCommand{m: m}
	case "bench":
		c = &benchCommand{m: m}
	case "webhooks":
		c = &webhooksCommand{m: m}
	case "version":
		c = &versionCommand{m: m}
	default:
		return fmt.Errorf("unknown subcommand %q (see cashless --help)", args[0])
	}
	if err := c.parse(args[1:]); err != nil {
		return err
	}
	m.cmd = c
	return nil
}

// Run runs the parsed subcommand. For serve it returns once the server
// listens; Wait then blocks until it should stop.
func (m *Main) Run(ctx context.Context) error { return m.cmd.run(ctx) }

// Wait blocks while a long-running subcommand runs: until ctx is done or the
// server fails. It returns at once for the others.
func (m *Main) Wait(ctx context.Context) error {
	if w, ok := m.cmd.(waitCloser); ok {
		return w.wait(ctx)
	}
	return nil
}

// Close stops a long-running subcommand gracefully.
func (m *Main) Close() error {
	if w, ok := m.cmd.(waitCloser); ok {
		return w.close()
	}
	return nil
}

// Exit reports err on standard error and returns the process's exit status:
// 0 without an error or after help, the exitError's own status, 1 otherwise.
func (m *Main) Exit(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(m.Stderr, "cashless:", err)
	if e, ok := errors.AsType[*exitError](err); ok {
		return e.code
	}
	return 1
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprint(w, "Cashless, a self-hostable payments platform.\n\nUsage: cashless <subcommand> [flags]\n\nSubcommands:\n")
	for _, s := range subcommands {
		fmt.Fprintf(w, "  %-9s %s\n", s.name, s.summary)
	}
	fmt.Fprint(w, "\nRun cashless <subcommand> --help for its flags. Every flag can also be set\n"+
		"as the environment variable CASHLESS_<FLAG> (upper case, dashes as underscores),\n"+
		"e.g. CASHLESS_DATA_DIR; a flag given on the command line wins.\n")
}

func (m *Main) lookupEnv(name string) (string, bool) {
	if m.LookupEnv == nil {
		return os.LookupEnv(name)
	}
	return m.LookupEnv(name)
}
