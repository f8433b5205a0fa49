package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/internal/syncbuf"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
	"github.com/cashless-dev/cashless/server"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// testMain is a Main with captured output and an environment of its own.
type testMain struct {
	*Main
	stdout, stderr *syncbuf.Buffer
}

func newTestMain(env map[string]string) *testMain {
	tm := &testMain{stdout: &syncbuf.Buffer{}, stderr: &syncbuf.Buffer{}}
	tm.Main = &Main{Stdout: tm.stdout, Stderr: tm.stderr, LookupEnv: func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}}
	return tm
}

// run runs a subcommand to completion, as main does, and returns its exit
// status.
func run(t *testing.T, env map[string]string, args ...string) (*testMain, int) {
	t.Helper()
	tm := newTestMain(env)
	ctx := context.Background()
	err := tm.ParseFlags(ctx, args)
	if err == nil {
		err = tm.Run(ctx)
	}
	if cerr := tm.Close(); err == nil {
		err = cerr
	}
	return tm, tm.Exit(err)
}

// serve starts `cashless serve` on free ports with the given extra flags and
// shuts it down when the test ends (unless the test did).
func serve(t *testing.T, env map[string]string, args ...string) *testMain {
	t.Helper()
	tm := newTestMain(env)
	args = append([]string{"serve", "--log-level", "debug"}, args...)
	require.NoError(t, tm.ParseFlags(context.Background(), args))
	require.NoError(t, tm.Run(context.Background()), tm.stderr.String())
	t.Cleanup(func() { tm.Close() })
	return tm
}

func localPorts() []string {
	return []string{"--addr", "127.0.0.1:0", "--internal-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"}
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// fundWallet creates a bank and a wallet account through svc, moves amount
// into the wallet and returns the wallet's balances.
func fundWallet(t *testing.T, svc ledger.Service, amount int64) ledger.Balances {
	t.Helper()
	ctx := context.Background()
	res, err := svc.CreateAccounts(ctx, []ledger.Account{
		{ID: "bank", Currency: "HKD", Code: "bank"},
		{ID: "alice", Currency: "HKD", Code: "wallet", Flags: ledger.DebitsMustNotExceedCredits},
	})
	require.NoError(t, err)
	for _, r := range res {
		require.NoError(t, r.Err)
	}
	res, err = svc.CreateTransfers(ctx, []ledger.Transfer{
		{ID: "topup-1", DebitAccountID: "bank", CreditAccountID: "alice", Amount: amount, Currency: "HKD", Code: "topup"},
	})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	b, err := svc.BalanceAt(ctx, "alice", time.Time{})
	require.NoError(t, err)
	return b
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

func TestServe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tm := serve(t, nil, append(localPorts(), "--data-dir", dir)...)
	srv := tm.server()
	public, internal := "http://"+srv.Addr(), "http://"+srv.InternalAddr()

	resp, _ := get(t, public+"/healthz")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, resp.Header.Get("X-Request-Id"), 32, "a request id is generated")

	resp, body := get(t, public+"/readyz", "X-Request-Id", "req-from-test")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Equal(t, "req-from-test", resp.Header.Get("X-Request-Id"), "the caller's request id is echoed")

	// Without a message endpoint, one-time codes go to the outbox file,
	// which serve says at start is for development only.
	outbox := filepath.Join(dir, "outbox", "messages.jsonl")
	require.Contains(t, tm.stderr.String(), "for development only")
	require.Contains(t, tm.stderr.String(), outbox)
	r, err := http.Post(public+"/v1/auth/signup", "application/json",
		strings.NewReader(`{"phone":"9123 4567","name":"Ada","password":"correct horse battery"}`))
	require.NoError(t, err)
	r.Body.Close()
	require.Equal(t, http.StatusCreated, r.StatusCode)
	require.Regexp(t, `^\{"to":"\+85291234567","channel":"phone","text":"[^"]*","code":"[0-9]{6}","created":"[^"]+"\}\n$`,
		string(readFile(t, outbox)))

	// The internal API refuses a call without the service credential.
	r, err = http.Post(internal+ledgerhttp.BasePath+"/accounts", "application/json", strings.NewReader(`{"accounts":[]}`))
	require.NoError(t, err)
	r.Body.Close()
	require.Equal(t, http.StatusUnauthorized, r.StatusCode)
	_, err = ledgerhttp.NewClient(internal, "wrong", nil).LookupAccounts(context.Background(), []string{"x"})
	require.Equal(t, cashless.EUnauthenticated, cashless.ErrorCode(err))

	// It works with the token generated into the data directory.
	tokenPath := filepath.Join(dir, "service-token")
	st, err := os.Stat(tokenPath)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	token, err := os.ReadFile(tokenPath)
	require.NoError(t, err)
	client := ledgerhttp.NewClient(internal, strings.TrimSpace(string(token)), nil)
	require.Equal(t, int64(1234), fundWallet(t, client, 1234).Posted())

	resp, _ = get(t, public+"/metrics")
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "metrics have a listener of their own")
	resp, body = get(t, "http://"+srv.MetricsAddr()+"/metrics")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "cashless_ledger_batch_size_bucket")
	require.Regexp(t, `(?m)^cashless_ledger_batch_size_count [1-9]`, body, "the transfer's batch was observed")
	require.Contains(t, body, `cashless_http_request_duration_seconds_count{code="200",method="POST",route="/internal/ledger/v1/transfers"} 1`)
	require.Contains(t, body, "go_goroutines")

	// The ledger can be benchmarked through the internal API.
	bm, code := run(t, map[string]string{"CASHLESS_TOKEN": strings.TrimSpace(string(token))},
		"bench", "ledger", "--url", internal, "--workload", "p2p", "--duration", "300ms",
		"--accounts", "20", "--concurrency", "4", "--quiet", "--json")
	require.Equal(t, 0, code, bm.stderr.String())
	lines := strings.Split(strings.TrimSpace(bm.stdout.String()), "\n")
	var result map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &result))
	require.Equal(t, "p2p", result["workload"])

	// Graceful shutdown: it returns, and the listeners are gone.
	require.NoError(t, tm.Close())
	_, err = http.Get(public + "/healthz")
	require.Error(t, err)
	require.Contains(t, tm.stderr.String(), `"request_id":"req-from-test"`, "access logs carry the request id")
	require.NotContains(t, tm.stderr.String(), strings.TrimSpace(string(token)), "the token is never logged")

	// What was written checks out, and a restart reuses the token.
	vm, code := run(t, nil, "verify", "--data-dir", dir)
	require.Equal(t, 0, code, vm.stderr.String())
	require.Contains(t, vm.stdout.String(), "OK")
	again := serve(t, nil, append(localPorts(), "--data-dir", dir)...)
	b, err := ledgerhttp.NewClient("http://"+again.server().InternalAddr(), strings.TrimSpace(string(token)), nil).
		BalanceAt(context.Background(), "alice", time.Time{})
	require.NoError(t, err)
	require.Equal(t, int64(1234), b.Posted())
}

func TestServeServiceToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tm := serve(t, map[string]string{"CASHLESS_SERVICE_TOKEN": "s3cret-token", "CASHLESS_METRICS_TOKEN": "m3trics-token"},
		append(localPorts(), "--data-dir", dir)...)
	client := ledgerhttp.NewClient("http://"+tm.server().InternalAddr(), "s3cret-token", nil)
	require.Equal(t, int64(99), fundWallet(t, client, 99).Posted())
	require.NoFileExists(t, filepath.Join(dir, "service-token"), "a given token is not written")
	metrics := "http://" + tm.server().MetricsAddr() + "/metrics"
	resp, _ := get(t, metrics)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the metrics need their token")
	resp, _ = get(t, metrics, "Authorization", "Bearer m3trics-token")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, tm.Close())
	require.NotContains(t, tm.stderr.String(), "s3cret-token")
	require.NotContains(t, tm.stderr.String(), "m3trics-token")
}

// TestServeAddrFromEnv uses the real environment, so it cannot run in
// parallel.
func TestServeAddrFromEnv(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	t.Setenv("CASHLESS_ADDR", addr)
	t.Setenv("CASHLESS_INTERNAL_ADDR", "127.0.0.1:0")
	t.Setenv("CASHLESS_METRICS_ADDR", "127.0.0.1:0")
	t.Setenv("CASHLESS_DATA_DIR", t.TempDir())

	m := &Main{Stdout: io.Discard, Stderr: io.Discard} // nil LookupEnv: the process environment
	require.NoError(t, m.ParseFlags(context.Background(), []string{"serve"}))
	require.NoError(t, m.Run(context.Background()))
	defer m.Close()
	require.Equal(t, addr, m.cmd.(*serveCommand).srv.Addr())
	resp, _ := get(t, "http://"+addr+"/healthz")
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestServeRefusesUnknownService(t *testing.T) {
	t.Parallel()
	tm, code := run(t, nil, "serve", "--data-dir", t.TempDir(), "--services", "ledger,graph")
	require.Equal(t, 1, code)
	require.Contains(t, tm.stderr.String(), `unknown service "graph"`)
}

func TestEnvironmentSetsFlags(t *testing.T) {
	t.Parallel()
	newFlags := func() (*flag.FlagSet, *string, *int, *time.Duration) {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		return fs, fs.String("data-dir", "./data", ""), fs.Int("accounts", 10, ""), fs.Duration("shutdown-timeout", time.Second, "")
	}
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		dir      string
		accounts int
		timeout  time.Duration
		err      string
	}{
		{name: "defaults", dir: "./data", accounts: 10, timeout: time.Second},
		{name: "environment", env: map[string]string{"CASHLESS_DATA_DIR": "/srv", "CASHLESS_ACCOUNTS": "5", "CASHLESS_SHUTDOWN_TIMEOUT": "1m"},
			dir: "/srv", accounts: 5, timeout: time.Minute},
		{name: "command line wins", args: []string{"--data-dir", "/cli"}, env: map[string]string{"CASHLESS_DATA_DIR": "/srv"},
			dir: "/cli", accounts: 10, timeout: time.Second},
		{name: "empty is unset", env: map[string]string{"CASHLESS_DATA_DIR": ""}, dir: "./data", accounts: 10, timeout: time.Second},
		{name: "bad value", env: map[string]string{"CASHLESS_ACCOUNTS": "many"}, err: "CASHLESS_ACCOUNTS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs, dir, accounts, timeout := newFlags()
			err := newTestMain(tt.env).parseFlags(fs, tt.args, "x", "")
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.dir, *dir)
			require.Equal(t, tt.accounts, *accounts)
			require.Equal(t, tt.timeout, *timeout)
		})
	}
}

func TestMigrateThenVerify(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"CASHLESS_DATA_DIR": dir}

	tm, code := run(t, env, "verify")
	require.Equal(t, 1, code, "nothing to verify yet")
	require.Contains(t, tm.stderr.String(), "no ledger database")

	tm, code = run(t, env, "migrate")
	require.Equal(t, 0, code, tm.stderr.String())
	require.FileExists(t, filepath.Join(dir, "ledger.db"))

	tm, code = run(t, env, "verify")
	require.Equal(t, 0, code, tm.stderr.String())
	require.Contains(t, tm.stdout.String(), "OK")

	tm, code = run(t, nil, "verify", "--db", "sqlite:"+filepath.Join(dir, "ledger.db"), "--json")
	require.Equal(t, 0, code, tm.stderr.String())
	var report struct {
		OK       bool             `json:"ok"`
		Problems []ledger.Problem `json:"problems"`
	}
	require.NoError(t, json.Unmarshal([]byte(tm.stdout.String()), &report))
	require.True(t, report.OK)
	require.Empty(t, report.Problems)
}

func TestBenchLedger(t *testing.T) {
	t.Parallel()
	tm, code := run(t, nil, "bench", "ledger", "--db", "sqlite:", "--workload", "merchant-hot",
		"--duration", "300ms", "--accounts", "20", "--concurrency", "4", "--quiet", "--json")
	require.Equal(t, 0, code, tm.stderr.String())
	lines := strings.Split(strings.TrimSpace(tm.stdout.String()), "\n")
	require.Greater(t, len(lines), 1, "a table, then the JSON line")
	var result map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &result))
	require.Equal(t, "merchant-hot", result["workload"])
	require.Greater(t, result["ops"], 0.0)

	tm, code = run(t, nil, "bench", "payments", "--url", "http://127.0.0.1:1")
	require.Equal(t, 2, code)
	require.Contains(t, tm.stderr.String(), "not yet available")
	_, code = run(t, nil, "bench", "ledger", "--workload", "p2p")
	require.Equal(t, 1, code, "neither --db nor --url")
}

// bench p2p --embedded signs users up, tops them up and sends through the
// public API of a platform it starts, then verifies the ledger.
func TestBenchP2PEmbedded(t *testing.T) {
	t.Parallel()
	tm, code := run(t, nil, "bench", "p2p", "--embedded", "--accounts", "6", "--duration", "500ms",
		"--rate", "40", "--concurrency", "4", "--quiet", "--json")
	require.Equal(t, 0, code, tm.stderr.String())
	lines := strings.Split(strings.TrimSpace(tm.stdout.String()), "\n")
	var result map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &result))
	require.Equal(t, "p2p", result["workload"])
	require.Greater(t, result["ops"], 5.0)
	require.Equal(t, result["ops"], result["transfers"], "every send succeeded")
	require.Equal(t, true, result["verified"])

	_, code = run(t, nil, "bench", "p2p")
	require.Equal(t, 1, code, "neither --url nor --embedded")
}

func TestVersionHelpAndUnknown(t *testing.T) {
	t.Parallel()
	tm, code := run(t, nil, "version")
	require.Equal(t, 0, code)
	require.Contains(t, tm.stdout.String(), "cashless dev (go")

	tm, code = run(t, nil, "--help")
	require.Equal(t, 0, code)
	for _, s := range subcommands {
		require.Contains(t, tm.stdout.String(), s.name)
	}

	tm, code = run(t, nil, "serve", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, tm.stdout.String(), "--ledger-db")
	require.Contains(t, tm.stdout.String(), "CASHLESS_INTERNAL_TLS_CERT")

	tm = newTestMain(nil)
	err := tm.ParseFlags(context.Background(), []string{"frobnicate"})
	require.ErrorContains(t, err, `unknown subcommand "frobnicate"`)
	require.Equal(t, 1, tm.Exit(err))
	require.Error(t, tm.ParseFlags(context.Background(), nil))
	require.Error(t, tm.ParseFlags(context.Background(), []string{"serve", "--no-such-flag"}))
}

// TestServeMySQL runs the platform on MySQL when CASHLESS_TEST_MYSQL is set:
// the ledger gets its own database, <name>_ledger, created on start.
func TestServeMySQL(t *testing.T) {
	t.Parallel()
	url := sqldbtest.URL(t, sqldb.MySQL) // skips without CASHLESS_TEST_MYSQL
	ledgerURL, err := sqldb.ForService(url, "ledger")
	require.NoError(t, err)
	t.Cleanup(func() { sqldb.DropMySQLDatabase(context.Background(), strings.TrimPrefix(ledgerURL, "mysql:")) })

	tm := serve(t, nil, append(localPorts(), "--data-dir", t.TempDir(), "--db", url, "--service-token", "t0ken")...)
	resp, body := get(t, "http://"+tm.server().Addr()+"/readyz")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	client := ledgerhttp.NewClient("http://"+tm.server().InternalAddr(), "t0ken", nil)
	require.Equal(t, int64(500), fundWallet(t, client, 500).Posted())
	require.NoError(t, tm.Close())

	db, err := sql.Open("mysql", os.Getenv(sqldbtest.EnvMySQL))
	require.NoError(t, err)
	defer db.Close()
	name := ledgerURL[strings.LastIndex(ledgerURL, "/")+1:]
	if i := strings.IndexByte(name, '?'); i >= 0 {
		name = name[:i]
	}
	var found string
	require.NoError(t, db.QueryRow("SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?", name).Scan(&found))
	require.True(t, strings.HasSuffix(found, "_ledger"), found)

	vm, code := run(t, nil, "verify", "--db", url)
	require.Equal(t, 0, code, vm.stderr.String())
	require.Contains(t, vm.stdout.String(), "transfers  1")
}

// server returns the running server of a serve command.
func (tm *testMain) server() *server.Server {
	return tm.cmd.(*serveCommand).srv
}
