package vault_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestImportsNoCloudKeeper keeps cloud SDKs out of every binary that uses
// the vault: binaries opt in to a KMS driver themselves (see doc.go).
func TestImportsNoCloudKeeper(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	checked := 0
	for _, f := range files {
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "gocloud.dev/secrets/") {
				require.Equal(t, "gocloud.dev/secrets/localsecrets", path, "%s imports a cloud keeper", f)
			}
		}
		checked++
	}
	require.Greater(t, checked, 4)
}
