package bank_test

import (
	"testing"

	"github.com/cashless-dev/cashless/internal/importcheck"
)

// TestImportsNoAdapters keeps the package free of drivers, HTTP and
// brokers, so that any service can use it.
func TestImportsNoAdapters(t *testing.T) {
	t.Parallel()
	importcheck.Forbid(t, 3, "database/sql", "net/http", "modernc.org/", "github.com/go-sql-driver/", "github.com/nats-io/",
		"github.com/cashless-dev/cashless/sqldb")
}
