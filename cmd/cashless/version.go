package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
)

// versionCommand prints the version of the binary.
type versionCommand struct{ m *Main }

func (c *versionCommand) parse(args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	return c.m.parseFlags(fs, args, "cashless version", "Prints the version of cashless and of the Go toolchain that built it.")
}

func (c *versionCommand) run(context.Context) error {
	_, err := fmt.Fprintf(c.m.Stdout, "cashless %s (%s %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
