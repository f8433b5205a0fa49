package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/internal/testclock"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// testBundle is what most ledger tests need: an engine on a fresh database
// with a controllable clock.
type testBundle struct {
	ctx    context.Context
	db     *sqldb.DB
	store  *sqlstore.Store
	engine *ledger.Engine
	clock  *testclock.Clock
}

func setup(t *testing.T, d sqldb.Dialect) *testBundle {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t, d)
	require.NoError(t, sqlstore.Migrate(ctx, db))
	clk := testclock.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	store := sqlstore.New(db)
	eng := ledger.NewEngine(store, ledger.Options{Now: clk.Now, ExpiryInterval: time.Hour})
	t.Cleanup(func() { require.NoError(t, eng.Close(ctx)) })
	return &testBundle{ctx: ctx, db: db, store: store, engine: eng, clock: clk}
}

// eachStore runs fn once per store dialect with a fresh bundle.
func eachStore(t *testing.T, fn func(t *testing.T, tb *testBundle)) {
	for _, d := range []sqldb.Dialect{sqldb.SQLite, sqldb.MySQL} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, d))
		})
	}
}

func (tb *testBundle) accounts(t *testing.T, accounts ...ledger.Account) {
	t.Helper()
	res, err := tb.engine.CreateAccounts(tb.ctx, accounts)
	require.NoError(t, err)
	for i, r := range res {
		require.NoError(t, r.Err, "account %s", accounts[i].ID)
	}
}

func (tb *testBundle) transfer(t *testing.T, transfers ...ledger.Transfer) []ledger.Result {
	t.Helper()
	res, err := tb.engine.CreateTransfers(tb.ctx, transfers)
	require.NoError(t, err)
	require.Len(t, res, len(transfers))
	return res
}

// codes returns the error code of each result ("" for success).
func codes(res []ledger.Result) []string {
	out := make([]string, len(res))
	for i, r := range res {
		out[i] = cashless.ErrorCode(r.Err)
	}
	return out
}

func (tb *testBundle) balances(t *testing.T, id string) ledger.Balances {
	t.Helper()
	b, err := tb.engine.BalanceAt(tb.ctx, id, time.Time{})
	require.NoError(t, err)
	return b
}

func (tb *testBundle) verify(t *testing.T) *ledger.Report {
	t.Helper()
	r, err := ledger.Verify(tb.ctx, tb.store)
	require.NoError(t, err)
	require.True(t, r.OK(), "verify: %+v", r.Problems)
	return r
}

func wallet(id string) ledger.Account {
	return ledger.Account{ID: id, Currency: "HKD", Code: "wallet", Flags: ledger.DebitsMustNotExceedCredits}
}

func system(id string) ledger.Account {
	return ledger.Account{ID: id, Currency: "HKD", Code: "bank"}
}

func pay(id, from, to string, amount int64) ledger.Transfer {
	return ledger.Transfer{ID: id, DebitAccountID: from, CreditAccountID: to, Amount: amount, Currency: "HKD", Code: "p2p"}
}

func codeOf(err error) string { return cashless.ErrorCode(err) }
