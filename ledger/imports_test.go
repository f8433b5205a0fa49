package ledger_test

import (
	"testing"

	"github.com/cashless-dev/cashless/internal/importcheck"
)

// TestDomainImportsNoAdapters keeps the ledger domain free of drivers, HTTP
// and brokers: adapters depend on the domain, never the reverse.
func TestDomainImportsNoAdapters(t *testing.T) {
	t.Parallel()
	importcheck.Forbid(t, 6, "database/sql", "net/http", "modernc.org/", "github.com/go-sql-driver/", "github.com/nats-io/",
		"github.com/prometheus/", "github.com/cashless-dev/cashless/ledger/", "github.com/cashless-dev/cashless/sqldb")
}
