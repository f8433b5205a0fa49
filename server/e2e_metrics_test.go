package server_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/sqldb"
)

// The public API's latency is exported per route pattern, never per path
// (which would carry ids).
func TestE2EMetricsByRoute(t *testing.T) {
	t.Parallel()
	p := setupPlatform(t, sqldb.SQLite)
	p.newUser(t, "Metric")
	resp, err := http.Get(p.base + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Contains(t, string(body), `cashless_api_request_duration_seconds_count{code="201",method="POST",route="/v1/auth/signup"} 1`)
}
