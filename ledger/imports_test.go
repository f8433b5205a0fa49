package ledger_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDomainImportsNoAdapters keeps the ledger domain free of drivers, HTTP
// and brokers: adapters depend on the domain, never the reverse.
func TestDomainImportsNoAdapters(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	forbidden := []string{"database/sql", "net/http", "modernc.org/", "github.com/go-sql-driver/", "github.com/nats-io/", "github.com/prometheus/",
		"github.com/cashless-dev/cashless/ledger/", "github.com/cashless-dev/cashless/sqldb"}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				require.False(t, strings.HasPrefix(path, bad), "%s imports %s", f, path)
			}
		}
		checked++
	}
	require.Greater(t, checked, 5)
}
