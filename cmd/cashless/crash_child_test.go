package main

import (
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCrashChild is the server TestCrashSend kills: `cashless serve` with
// the flags in CASHLESS_CRASH_ARGS, run through Main as main runs it. It
// does nothing unless run by TestCrashSend.
func TestCrashChild(t *testing.T) {
	if os.Getenv(envCrashChild) != "1" {
		t.Skip("run as a child process by TestCrashSend")
	}
	var args []string
	require.NoError(t, json.Unmarshal([]byte(os.Getenv(envCrashArgs)), &args))
	// SIGTERM ends the last life gracefully; the timeout only ends an orphan.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()

	// The flags are the whole configuration: no CASHLESS_* variable of the
	// test's environment may change it.
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr, LookupEnv: func(string) (string, bool) { return "", false }}
	err := m.ParseFlags(ctx, append([]string{"serve"}, args...))
	if err == nil {
		err = m.Run(ctx)
	}
	if err == nil {
		err = m.Wait(ctx)
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	require.NoError(t, err)
}
