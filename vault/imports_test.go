package vault_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/internal/importcheck"
)

// TestImportsNoCloudKeeper keeps cloud SDKs out of every binary that uses
// the vault: binaries opt in to a KMS driver themselves (see doc.go).
func TestImportsNoCloudKeeper(t *testing.T) {
	t.Parallel()
	for f, paths := range importcheck.Imports(t, 4) {
		for _, path := range paths {
			if strings.HasPrefix(path, "gocloud.dev/secrets/") {
				require.Equal(t, "gocloud.dev/secrets/localsecrets", path, "%s imports a cloud keeper", f)
			}
		}
	}
}
