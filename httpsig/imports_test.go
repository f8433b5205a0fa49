package httpsig_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/internal/importcheck"
)

// TestImportsOnlyStandardLibrary keeps the package free of dependencies,
// so that the Go client can sign requests without importing the server.
func TestImportsOnlyStandardLibrary(t *testing.T) {
	t.Parallel()
	for f, paths := range importcheck.Imports(t, 6) {
		for _, p := range paths {
			first, _, _ := strings.Cut(p, "/")
			require.NotContains(t, first, ".", "%s imports %s", f, p)
		}
	}
}
