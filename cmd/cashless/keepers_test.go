package main

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gocloud.dev/secrets"
)

// The binary can wrap data keys with every KMS the documentation names.
func TestKeeperSchemesRegistered(t *testing.T) {
	t.Parallel()
	for _, scheme := range []string{"base64key", "awskms", "azurekeyvault", "gcpkms", "hashivault"} {
		require.True(t, secrets.DefaultURLMux().ValidKeeperScheme(scheme), scheme)
	}
}
