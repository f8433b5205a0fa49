package server_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/server"
	"github.com/cashless-dev/cashless/sqldb"
)

// scrape gets url with the Authorization header auth (none when empty).
func scrape(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// The metrics tell request rates and volumes per route, so they are served
// on a listener of their own, never on the public port, and with a token
// when one is set. The public API's latency is exported per route pattern,
// never per path (which would carry ids).
func TestE2EMetricsByRoute(t *testing.T) {
	t.Parallel()
	const token = "scrape-s3cret"
	p := setupPlatform(t, sqldb.SQLite, func(c *server.Config) {
		c.MetricsAddr = "127.0.0.1:0"
		c.MetricsToken = token
	})
	p.newUser(t, "Metric")

	status, _ := scrape(t, p.base+"/metrics", "")
	require.Equal(t, http.StatusNotFound, status, "the public port serves no metrics")
	status, _ = scrape(t, p.base+"/metrics", "Bearer "+token)
	require.Equal(t, http.StatusNotFound, status, "not even with the token")

	metrics := "http://" + p.srv.MetricsAddr() + "/metrics"
	require.NotEqual(t, p.base, "http://"+p.srv.MetricsAddr())
	for _, auth := range []string{"", "Bearer ", "Bearer wrong", "Basic " + token, token} {
		status, body := scrape(t, metrics, auth)
		require.Equal(t, http.StatusUnauthorized, status, "Authorization %q", auth)
		require.NotContains(t, body, "cashless_")
	}
	status, body := scrape(t, metrics, "bearer "+token)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `cashless_api_request_duration_seconds_count{code="201",method="POST",route="/v1/auth/signup"} 1`)
	require.Contains(t, body, "go_goroutines")
	for _, kind := range []string{"p2p", "funding"} {
		require.Contains(t, body, `cashless_intents_parked{kind="`+kind+`",service="wallet"} 0`)
		require.Contains(t, body, `cashless_intent_redrive_errors_total{kind="`+kind+`",service="wallet"} 0`)
	}
	require.NotContains(t, p.logs.String(), token, "the token is never logged")
}

// Without a token the metrics listener answers anyone who reaches it, and
// with no address there is no metrics listener at all.
func TestE2EMetricsListener(t *testing.T) {
	t.Parallel()
	open := setupPlatform(t, sqldb.SQLite, func(c *server.Config) { c.MetricsAddr = "127.0.0.1:0" })
	status, body := scrape(t, "http://"+open.srv.MetricsAddr()+"/metrics", "")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "cashless_ledger_batch_size")
	status, _ = scrape(t, "http://"+open.srv.MetricsAddr()+"/healthz", "")
	require.Equal(t, http.StatusNotFound, status, "the metrics listener serves metrics only")

	none := setupPlatform(t, sqldb.SQLite)
	require.Empty(t, none.srv.MetricsAddr())
	status, _ = scrape(t, none.base+"/metrics", "")
	require.Equal(t, http.StatusNotFound, status)
}
