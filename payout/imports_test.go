package payout_test

import (
	"testing"

	"github.com/cashless-dev/cashless/internal/importcheck"
)

// TestImportsNoAdapters keeps the domain free of drivers and HTTP: the
// store and the connectors are its seams.
func TestImportsNoAdapters(t *testing.T) {
	t.Parallel()
	importcheck.Forbid(t, 5, "database/sql", "net/http", "modernc.org/", "github.com/go-sql-driver/",
		"github.com/cashless-dev/cashless/sqldb")
}
