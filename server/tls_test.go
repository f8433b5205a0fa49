package server

import (
	"context"
	"crypto/x509"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/internal/tlstest"
	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
)

// TestInternalMutualTLS serves the internal API with mutual TLS: only a
// client with a certificate from the client CA gets through.
func TestInternalMutualTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "internal CA")
	ca.WriteCert(t, dir, "ca")
	ca.Issue(t, dir, "server", x509.ExtKeyUsageServerAuth)
	ca.Issue(t, dir, "client", x509.ExtKeyUsageClientAuth)
	file := func(name string) string { return filepath.Join(dir, name) }

	s := start(t, Config{ServiceToken: "tok",
		InternalTLSCert: file("server.pem"), InternalTLSKey: file("server.key"), InternalClientCA: file("ca.pem")})
	url := "https://" + s.InternalAddr()
	lookup := func(cert, key string) error {
		tlsConfig, err := ledgerhttp.ClientTLSConfig(cert, key, file("ca.pem"))
		require.NoError(t, err)
		client := ledgerhttp.NewClient(url, "tok", ledgerhttp.NewHTTPClient(tlsConfig))
		_, err = client.LookupAccounts(context.Background(), []string{"nobody"})
		return err
	}
	require.NoError(t, lookup(file("client.pem"), file("client.key")))
	require.Error(t, lookup("", ""), "a client without a certificate is refused")
	_, err := ledgerhttp.NewClient("http://"+s.InternalAddr(), "tok", nil).LookupAccounts(context.Background(), []string{"x"})
	require.Error(t, err, "plain HTTP is refused")
}
