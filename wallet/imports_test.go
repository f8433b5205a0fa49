package wallet_test

import (
	"testing"

	"github.com/cashless-dev/cashless/internal/importcheck"
)

// TestDomainImportsNoAdapters keeps the wallet domain free of drivers,
// HTTP and brokers, and of its own store: adapters depend on the domain,
// never the reverse.
func TestDomainImportsNoAdapters(t *testing.T) {
	t.Parallel()
	importcheck.Forbid(t, 10, "database/sql", "net/http", "modernc.org/", "github.com/go-sql-driver/", "github.com/nats-io/",
		"github.com/cashless-dev/cashless/wallet/", "github.com/cashless-dev/cashless/sqldb", "github.com/cashless-dev/cashless/ledger/")
}
