package ledgerhttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
)

// TestClientOddAccountIDs covers ids that are valid in the ledger but
// special in a URL path.
func TestClientOddAccountIDs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	want := map[string]ledger.Balances{
		".":   {DebitsPosted: 7},
		"..":  {CreditsPosted: 7},
		"a.b": {},
	}
	b.clock.set(1)
	res, err := b.client.CreateAccounts(b.ctx, []ledger.Account{
		{ID: ".", Currency: "HKD"}, {ID: "..", Currency: "HKD"}, {ID: "a.b", Currency: "HKD"},
	})
	require.NoError(t, err)
	require.Equal(t, []ledger.Result{{Timestamp: at(1)}, {Timestamp: at(1)}, {Timestamp: at(1)}}, res)
	b.clock.set(2)
	res, err = b.client.CreateTransfers(b.ctx, []ledger.Transfer{
		{ID: "t1", DebitAccountID: ".", CreditAccountID: "..", Amount: 7, Currency: "HKD"},
	})
	require.NoError(t, err)
	require.Equal(t, []ledger.Result{{Timestamp: at(2)}}, res)

	for id, balances := range want {
		got, err := b.client.BalanceAt(b.ctx, id, time.Time{})
		require.NoError(t, err, id)
		require.Equal(t, balances, got, id)
		page, err := b.client.History(b.ctx, ledger.HistoryFilter{AccountID: id})
		require.NoError(t, err, id)
		direct, err := b.engine.History(b.ctx, ledger.HistoryFilter{AccountID: id})
		require.NoError(t, err, id)
		require.Equal(t, direct, page, id)
	}
}

func TestClientErrors(t *testing.T) {
	t.Parallel()

	t.Run("proxy error without a JSON body", func(t *testing.T) {
		t.Parallel()
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "upstream down", http.StatusBadGateway)
		}))
		t.Cleanup(proxy.Close)
		_, err := ledgerhttp.NewClient(proxy.URL, testToken, nil).LookupAccounts(context.Background(), []string{"a"})
		require.Equal(t, cashless.EUnavailable, cashless.ErrorCode(err))
		require.Equal(t, "The ledger answered 502 Bad Gateway.", cashless.ErrorMessage(err))
	})

	t.Run("no server", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		srv.Close()
		_, err := ledgerhttp.NewClient(srv.URL, testToken, nil).History(context.Background(), ledger.HistoryFilter{AccountID: "a"})
		var urlErr *url.Error
		require.ErrorAs(t, err, &urlErr)
		require.ErrorContains(t, err, "get history: ")
		require.Equal(t, cashless.EInternal, cashless.ErrorCode(err))
	})

	t.Run("cancelled context", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := b.client.CreateTransfers(ctx, []ledger.Transfer{{ID: "t1"}})
		require.ErrorIs(t, err, context.Canceled)
	})

	t.Run("base URL with a trailing slash", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		accounts, err := ledgerhttp.NewClient(b.server.URL+"/", testToken, nil).LookupAccounts(b.ctx, []string{"a"})
		require.NoError(t, err)
		require.Equal(t, []ledger.Account{}, accounts)
	})
}
