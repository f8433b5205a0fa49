// Package importcheck lets a package's tests assert what its source files
// may import, so that rules such as "the domain imports no driver" are
// enforced by the build rather than by review.
package importcheck

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Imports returns, for each non-test Go file in the current directory, the
// import paths it declares. It fails the test when there are fewer than
// minFiles files, so a check can never pass by reading nothing.
func Imports(t testing.TB, minFiles int) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	out := map[string][]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range parsed.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			out[f] = append(out[f], path)
		}
		if out[f] == nil {
			out[f] = []string{}
		}
	}
	require.GreaterOrEqual(t, len(out), minFiles, "too few files read")
	return out
}

// Forbid fails the test when a non-test file of the current directory
// imports a path that starts with one of the prefixes.
func Forbid(t testing.TB, minFiles int, prefixes ...string) {
	t.Helper()
	for f, paths := range Imports(t, minFiles) {
		for _, path := range paths {
			for _, bad := range prefixes {
				require.False(t, strings.HasPrefix(path, bad), "%s imports %s", f, path)
			}
		}
	}
}
