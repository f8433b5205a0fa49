package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
)

func TestDatabaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string
		err  string
	}{
		{name: "default", cfg: Config{}, want: "sqlite:data/ledger.db"},
		{name: "data dir", cfg: Config{DataDir: "/srv/cashless/"}, want: "sqlite:/srv/cashless/ledger.db"},
		{name: "sqlite dir", cfg: Config{DataDir: "/x", DB: "sqlite:/var/db/"}, want: "sqlite:/var/db/ledger.db"},
		{name: "mysql server", cfg: Config{DB: "mysql:root@tcp(127.0.0.1:3306)/"}, want: "mysql:root@tcp(127.0.0.1:3306)/cashless_ledger"},
		{name: "mysql named", cfg: Config{DB: "mysql:root@tcp(127.0.0.1:3306)/pay"}, want: "mysql:root@tcp(127.0.0.1:3306)/pay_ledger"},
		{name: "override", cfg: Config{DB: "mysql:root@tcp(db:3306)/", ServiceDB: map[string]string{"ledger": "sqlite:/l.db"}}, want: "sqlite:/l.db"},
		{name: "bad override", cfg: Config{ServiceDB: map[string]string{"ledger": "postgres://x"}}, err: "unknown scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.cfg.DatabaseURL("ledger")
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
	got, err := Config{DB: "mysql:root@tcp(127.0.0.1:3306)/pay"}.DatabaseURL("wallet")
	require.NoError(t, err)
	require.Equal(t, "mysql:root@tcp(127.0.0.1:3306)/pay_wallet", got)
	_, err = Config{}.DatabaseURL("graph")
	require.ErrorContains(t, err, `unknown service "graph"`)
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := New(ctx, Config{DataDir: t.TempDir(), Services: []string{"ledger", "graph"}})
	require.ErrorContains(t, err, `unknown service "graph" (known: ledger, identity, wallet, merchant, api)`)
	_, err = New(ctx, Config{DataDir: t.TempDir(), ServiceDB: map[string]string{"risk": "sqlite:/r.db"}})
	require.ErrorContains(t, err, `unknown service "risk"`)
	_, err = New(ctx, Config{DataDir: t.TempDir(), Services: []string{"wallet"}})
	require.ErrorContains(t, err, "needs the ledger and identity services in the same process")
	_, err = New(ctx, Config{DataDir: t.TempDir(), InternalTLSCert: "cert.pem"})
	require.ErrorContains(t, err, "both a certificate and a key")
}

func TestServiceTokenIsCreatedOnceAndReused(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	cfg := Config{DataDir: dir}.withDefaults()
	first, err := cfg.serviceToken(cfg.Logger)
	require.NoError(t, err)
	require.Len(t, first, 52)
	st, err := os.Stat(filepath.Join(dir, tokenFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	again, err := cfg.serviceToken(cfg.Logger)
	require.NoError(t, err)
	require.Equal(t, first, again)

	cfg.ServiceToken = "given"
	given, err := cfg.serviceToken(cfg.Logger)
	require.NoError(t, err)
	require.Equal(t, "given", given)
}

// start runs a server on free ports in a fresh data directory.
func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	cfg.Addr, cfg.InternalAddr = "127.0.0.1:0", "127.0.0.1:0"
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s, err := New(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close(context.Background()) })
	require.NoError(t, s.Start())
	return s
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	return resp.StatusCode, v
}

func TestReadiness(t *testing.T) {
	t.Parallel()
	s := start(t, Config{})
	base := "http://" + s.Addr()
	code, body := getJSON(t, base+"/readyz")
	require.Equal(t, http.StatusOK, code, body)

	// A database that stops answering makes the server unready, naming the service.
	require.NoError(t, s.units[0].db.Read.Close())
	code, body = getJSON(t, base+"/readyz")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, []any{"ledger"}, body["failing"])

	// Alive all the same.
	code, _ = getJSON(t, base+"/healthz")
	require.Equal(t, http.StatusOK, code)

	// Shutting down is never ready.
	s.ready.Store(false)
	code, _ = getJSON(t, base+"/readyz")
	require.Equal(t, http.StatusServiceUnavailable, code)
}

func TestCloseIsIdempotent(t *testing.T) {
	t.Parallel()
	s := start(t, Config{})
	require.NoError(t, s.Close(context.Background()))
	require.NoError(t, s.Close(context.Background()))
	_, err := http.Get("http://" + s.Addr() + "/healthz")
	require.Error(t, err)
}

// TestCloseLosesNothingAcknowledged closes the server under load: every
// transfer the ledger acknowledged is there after a restart.
func TestCloseLosesNothingAcknowledged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s := start(t, Config{DataDir: dir, ServiceToken: "tok"})
	client := ledgerhttp.NewClient("http://"+s.InternalAddr(), "tok", nil)
	res, err := client.CreateAccounts(ctx, []ledger.Account{{ID: "bank", Currency: "HKD"}, {ID: "shop", Currency: "HKD"}})
	require.NoError(t, err)
	require.NoError(t, errors.Join(res[0].Err, res[1].Err))

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	for w := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				res, err := client.CreateTransfers(ctx, []ledger.Transfer{{ID: id, DebitAccountID: "bank", CreditAccountID: "shop", Amount: 1, Currency: "HKD"}})
				if err != nil {
					return // the server is going away
				}
				if res[0].Err != nil {
					t.Errorf("transfer %s: %v", id, res[0].Err)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		})
	}
	time.Sleep(200 * time.Millisecond)
	require.NoError(t, s.Close(ctx))
	wg.Wait()
	require.NotEmpty(t, acked)

	again := start(t, Config{DataDir: dir, ServiceToken: "tok"})
	found, err := ledgerhttp.NewClient("http://"+again.InternalAddr(), "tok", nil).LookupTransfers(ctx, acked)
	require.NoError(t, err)
	require.Len(t, found, len(acked))
}
