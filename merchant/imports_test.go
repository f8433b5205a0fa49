package merchant_test

import (
	"testing"

	"github.com/cashless-dev/cashless/internal/importcheck"
)

// TestDomainImportsNoAdapters keeps the merchant domain free of drivers,
// HTTP and its own store: adapters depend on the domain, never the
// reverse.
func TestDomainImportsNoAdapters(t *testing.T) {
	t.Parallel()
	importcheck.Forbid(t, 10, "database/sql", "net/http", "modernc.org/", "github.com/go-sql-driver/", "github.com/nats-io/",
		"github.com/cashless-dev/cashless/merchant/", "github.com/cashless-dev/cashless/sqldb", "github.com/cashless-dev/cashless/ledger/",
		"github.com/cashless-dev/cashless/wallet")
}
