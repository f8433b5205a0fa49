package ledgerhttp_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/internal/syncbuf"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
)

func TestServerRefusesBadRequests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const (
		valid  = "Bearer " + testToken
		lookup = ledgerhttp.BasePath + "/accounts/lookup"
	)
	oversize := `{"ids":["` + strings.Repeat("a", ledgerhttp.MaxBodyBytes) + `"]}`
	tooMany := `{"ids":[` + strings.Repeat(`"a",`, ledgerhttp.MaxItems) + `"a"]}`
	tests := []struct {
		name, auth, method, path, body string
		status                         int
		code                           string
	}{
		{"no token", "", "POST", lookup, `{"ids":[]}`, 401, cashless.EUnauthenticated},
		{"wrong token", "Bearer nope", "POST", lookup, `{"ids":[]}`, 401, cashless.EUnauthenticated},
		{"token with a suffix", valid + "x", "POST", lookup, `{"ids":[]}`, 401, cashless.EUnauthenticated},
		{"other scheme", "Basic " + testToken, "POST", lookup, `{"ids":[]}`, 401, cashless.EUnauthenticated},
		{"unknown route without token", "", "GET", "/nope", "", 401, cashless.EUnauthenticated},
		{"unknown field", valid, "POST", lookup, `{"ids":[],"idz":[]}`, 400, ledgerhttp.UnknownParameter},
		{"unknown field in a transfer", valid, "POST", ledgerhttp.BasePath + "/transfers",
			`{"transfers":[{"id":"x","amout":1}]}`, 400, ledgerhttp.UnknownParameter},
		{"unknown query parameter", valid, "GET", ledgerhttp.BasePath + "/accounts/bank/balance?when=now", "", 400, ledgerhttp.UnknownParameter},
		{"malformed JSON", valid, "POST", lookup, `{"ids":[`, 400, ledgerhttp.InvalidJSON},
		{"empty body", valid, "POST", lookup, "", 400, ledgerhttp.InvalidJSON},
		{"two JSON values", valid, "POST", lookup, `{"ids":[]} {}`, 400, ledgerhttp.InvalidJSON},
		{"wrong type", valid, "POST", lookup, `{"ids":[1]}`, 400, cashless.EInvalid},
		{"oversize body", valid, "POST", lookup, oversize, 413, ledgerhttp.RequestTooLarge},
		{"too many ids", valid, "POST", lookup, tooMany, 400, ledger.TooManyEvents},
		{"bad time", valid, "GET", ledgerhttp.BasePath + "/accounts/bank/balance?at=yesterday", "", 400, cashless.EInvalid},
		{"bad limit", valid, "GET", ledgerhttp.BasePath + "/accounts/bank/history?limit=ten", "", 400, cashless.EInvalid},
		{"unknown account", valid, "GET", ledgerhttp.BasePath + "/accounts/ghost/balance", "", 404, ledger.AccountNotFound},
		{"unknown route", valid, "GET", ledgerhttp.BasePath + "/nope", "", 404, cashless.ENotFound},
		{"wrong method", valid, "GET", ledgerhttp.BasePath + "/transfers", "", 405, ledgerhttp.MethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := send(t, b.server.URL, tt.auth, tt.method, tt.path, tt.body)
			require.Equal(t, tt.status, status, body)
			var e struct {
				Error struct{ Code, Message string }
			}
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			require.Equal(t, tt.code, e.Error.Code, body)
			require.NotEmpty(t, e.Error.Message)
		})
	}
}

func TestServerAcceptsAnyCaseOfBearer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	status, body := send(t, b.server.URL, "bearer "+testToken, "POST", ledgerhttp.BasePath+"/accounts/lookup", `{"ids":["ghost"]}`)
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"accounts":[]}`, body)
}

func TestServerWithoutTokenRefusesEverything(t *testing.T) {
	t.Parallel()
	b := setup(t)
	srv := httptest.NewServer(ledgerhttp.NewHandler(b.engine, ledgerhttp.ServerOptions{}))
	t.Cleanup(srv.Close)
	for _, auth := range []string{"", "Bearer ", "Bearer  ", "Bearer x"} {
		status, _ := send(t, srv.URL, auth, "POST", ledgerhttp.BasePath+"/accounts/lookup", `{"ids":[]}`)
		require.Equal(t, http.StatusUnauthorized, status, "%q", auth)
	}
	_, err := ledgerhttp.NewClient(srv.URL, "", nil).LookupAccounts(b.ctx, []string{"bank"})
	require.Equal(t, cashless.EUnauthenticated, cashless.ErrorCode(err))
}

// TestWireFormat pins the JSON of a call: field names, time as RFC 3339,
// timeouts as integer nanoseconds, and refusals inside results, first time
// and replayed.
func TestWireFormat(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.clock.set(1)
	_, err := b.client.CreateAccounts(b.ctx, []ledger.Account{
		{ID: "wallet", Currency: "HKD", Flags: ledger.DebitsMustNotExceedCredits},
		{ID: "bank", Currency: "HKD"},
	})
	require.NoError(t, err)
	b.clock.set(2)
	status, body := send(t, b.server.URL, "Bearer "+testToken, "POST", ledgerhttp.BasePath+"/transfers", `{"transfers":[
		{"id":"t1","debit_account_id":"bank","credit_account_id":"wallet","amount":500,"currency":"HKD","flags":2,"timeout":60000000000},
		{"id":"t2","debit_account_id":"wallet","credit_account_id":"bank","amount":501,"currency":"HKD"}]}`)
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"results":[
		{"timestamp":"2026-03-01T09:00:02Z","replayed":false},
		{"timestamp":"2026-03-01T09:00:02.000001Z","replayed":false,
		 "error":{"code":"exceeds_credits","message":"the debit account's debits would exceed its credits"}}]}`, body)

	b.clock.set(3)
	status, body = send(t, b.server.URL, "Bearer "+testToken, "POST", ledgerhttp.BasePath+"/transfers", `{"transfers":[
		{"id":"t2","debit_account_id":"wallet","credit_account_id":"bank","amount":501,"currency":"HKD"}]}`)
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"results":[{"timestamp":"2026-03-01T09:00:02.000001Z","replayed":true,
		"error":{"code":"exceeds_credits","message":"the debit account's debits would exceed its credits"}}]}`, body)

	status, body = send(t, b.server.URL, "Bearer "+testToken, "POST", ledgerhttp.BasePath+"/transfers/lookup", `{"ids":["t1"]}`)
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"transfers":[{"id":"t1","debit_account_id":"bank","credit_account_id":"wallet","amount":500,
		"currency":"HKD","flags":2,"timeout":60000000000,"timestamp":"2026-03-01T09:00:02Z"}]}`, body)

	status, body = send(t, b.server.URL, "Bearer "+testToken, "GET",
		ledgerhttp.BasePath+"/accounts/wallet/balance?at=2026-03-01T09:00:02.000000001Z", "")
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"debits_posted":0,"credits_posted":0,"debits_pending":0,"credits_pending":500}`, body)
}

func TestInternalErrorsStayInside(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var logs syncbuf.Buffer
	srv := httptest.NewServer(ledgerhttp.NewHandler(b.engine, ledgerhttp.ServerOptions{
		Token:  testToken,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	}))
	t.Cleanup(srv.Close)
	require.NoError(t, b.db.Close()) // every read now fails inside the store

	_, engineErr := b.engine.LookupAccounts(b.ctx, []string{"bank"})
	_, clientErr := ledgerhttp.NewClient(srv.URL, testToken, nil).LookupAccounts(b.ctx, []string{"bank"})
	require.Equal(t, cashless.EInternal, cashless.ErrorCode(engineErr))
	require.Equal(t, cashless.EInternal, cashless.ErrorCode(clientErr))
	require.Equal(t, cashless.ErrorMessage(engineErr), cashless.ErrorMessage(clientErr))
	require.NotContains(t, clientErr.Error(), "closed", "the cause must not reach the client")
	require.Contains(t, logs.String(), "database is closed", "the cause must be logged")

	status, body := send(t, srv.URL, "Bearer "+testToken, "POST", ledgerhttp.BasePath+"/accounts/lookup", `{"ids":["bank"]}`)
	require.Equal(t, http.StatusInternalServerError, status)
	require.JSONEq(t, `{"error":{"code":"internal","message":"An internal error occurred."}}`, body)
}

func TestClosedEngineLooksTheSame(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.NoError(t, b.engine.Close(b.ctx))
	transfers := []ledger.Transfer{{ID: "t1", DebitAccountID: "a", CreditAccountID: "b", Amount: 1, Currency: "HKD"}}
	_, engineErr := b.engine.CreateTransfers(b.ctx, transfers)
	_, clientErr := b.client.CreateTransfers(b.ctx, transfers)
	require.Equal(t, ledger.EngineClosed, cashless.ErrorCode(engineErr))
	require.Equal(t, engineErr.Error(), clientErr.Error())

	status, _ := send(t, b.server.URL, "Bearer "+testToken, "POST", ledgerhttp.BasePath+"/transfers",
		`{"transfers":[{"id":"t1","debit_account_id":"a","credit_account_id":"b","amount":1,"currency":"HKD"}]}`)
	require.Equal(t, http.StatusServiceUnavailable, status)
}

// send makes one raw request and returns the status and body.
func send(t *testing.T, baseURL, auth, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, baseURL+path, strings.NewReader(body))
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	return resp.StatusCode, string(out)
}
