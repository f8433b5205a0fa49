package webhook_test

import (
	"testing"

	"github.com/cashless-dev/cashless/internal/importcheck"
)

// TestDomainImportsNoStore keeps the webhook domain, which receivers and
// the delivery engine share, free of SQL and drivers: the store depends
// on the domain, never the reverse. It sends over HTTP, so net/http stays.
func TestDomainImportsNoStore(t *testing.T) {
	t.Parallel()
	importcheck.Forbid(t, 6, "database/sql", "modernc.org/", "github.com/go-sql-driver/",
		"github.com/cashless-dev/cashless/webhook/", "github.com/cashless-dev/cashless/sqldb", "github.com/cashless-dev/cashless/vault")
}
