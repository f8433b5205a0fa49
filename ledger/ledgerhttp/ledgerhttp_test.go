package ledgerhttp_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
)

const testToken = "s3cret-token"

// testBundle is a real engine on a fresh SQLite file, served over HTTP, with
// a client of it. The engine's clock stands still until the test moves it.
type testBundle struct {
	ctx    context.Context
	db     *sqldb.DB
	engine *ledger.Engine
	server *httptest.Server
	client *ledgerhttp.Client
	clock  *clock
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "l.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, sqlstore.Migrate(ctx, db))
	clk := &clock{}
	clk.set(0)
	eng := ledger.NewEngine(sqlstore.New(db), ledger.Options{Now: clk.now, ExpiryInterval: time.Hour})
	t.Cleanup(func() { require.NoError(t, eng.Close(context.Background())) })
	srv := httptest.NewServer(ledgerhttp.NewHandler(eng, ledgerhttp.ServerOptions{Token: testToken}))
	t.Cleanup(srv.Close)
	return &testBundle{
		ctx:    ctx,
		db:     db,
		engine: eng,
		server: srv,
		client: ledgerhttp.NewClient(srv.URL, testToken, nil),
		clock:  clk,
	}
}

// epoch is the time the test clocks start from.
var epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// at is epoch plus whole seconds: the time of a step, and the timestamp of
// the first transfer committed in it.
func at(sec int) time.Time { return epoch.Add(time.Duration(sec) * time.Second) }

// clock is a test clock that the scenario sets before each step, so that
// two runs of the same steps get the same timestamps.
type clock struct{ micros atomic.Int64 }

func (c *clock) set(sec int)    { c.micros.Store(at(sec).UnixMicro()) }
func (c *clock) now() time.Time { return time.UnixMicro(c.micros.Load()).UTC() }
