package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// crashServer runs `cashless serve` as a child process (this test binary,
// running TestCrashChild) that can be killed and started again on the same
// address and databases. Every life's output goes to one log file, whose
// tail a failed test prints.
type crashServer struct {
	t      *testing.T
	args   []string
	base   string // the public API's URL
	log    string
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
	lives  int
	kills  int
}

func newCrashServer(t *testing.T, args []string, base, log string) *crashServer {
	s := &crashServer{t: t, args: args, base: base, log: log}
	t.Cleanup(func() {
		if s.cmd != nil { // a failed test left it running
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("server output without the access log, last lines (all in %s):\n%s", s.log, tail(s.log, 60))
		}
	})
	s.start()
	return s
}

// start starts a new life and waits until the server is ready.
func (s *crashServer) start() {
	t := s.t
	s.lives++
	args, err := json.Marshal(s.args)
	require.NoError(t, err)
	out, err := os.OpenFile(s.log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	require.NoError(t, err)
	defer out.Close() // the child has its own descriptor
	fmt.Fprintf(out, "=== life %d\n", s.lives)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), envCrashChild+"=1", envCrashArgs+"="+string(args))
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // its outcome is read from cmd.ProcessState
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited
	s.waitReady()
}

// waitReady polls /readyz until it answers 200.
func (s *crashServer) waitReady() {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-s.exited:
			s.cmd = nil
			s.t.Fatalf("life %d of the server exited while starting", s.lives)
		default:
		}
		if resp, err := c.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("life %d of the server not ready after 30s", s.lives)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// kill ends the running life with SIGKILL.
func (s *crashServer) kill() {
	t := s.t
	require.NoError(t, s.cmd.Process.Kill(), "life %d ended before it was killed", s.lives)
	<-s.exited
	ws, ok := s.cmd.ProcessState.Sys().(syscall.WaitStatus)
	require.True(t, ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL,
		"life %d ended with %v, not by the kill", s.lives, s.cmd.ProcessState)
	s.cmd = nil
	s.kills++
}

// stop ends the running life gracefully, with SIGTERM, and checks that it
// shut down cleanly.
func (s *crashServer) stop() {
	t := s.t
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("life %d did not stop within 30s of SIGTERM", s.lives)
	}
	require.True(t, s.cmd.ProcessState.Success(), "life %d stopped with %v", s.lives, s.cmd.ProcessState)
	s.cmd = nil
}

// tail returns the last n lines of a file, leaving out the access log's
// lines, which would hide the rest.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var lines [][]byte
	for line := range bytes.Lines(b) {
		if !bytes.Contains(line, []byte(`"msg":"api request"`)) {
			lines = append(lines, bytes.TrimRight(line, "\n"))
		}
	}
	return string(bytes.Join(lines[max(0, len(lines)-n):], []byte("\n")))
}
