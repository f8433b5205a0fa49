package ledgerhttp_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/internal/tlstest"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
)

func TestMutualTLS(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	ca := tlstest.NewCA(t, "ledger test CA")
	other := tlstest.NewCA(t, "someone else's CA")
	ca.WriteCert(t, dir, "ca")
	ca.Issue(t, dir, "server", x509.ExtKeyUsageServerAuth)
	ca.Issue(t, dir, "client", x509.ExtKeyUsageClientAuth)
	other.Issue(t, dir, "stranger", x509.ExtKeyUsageClientAuth)
	file := func(name string) string { return filepath.Join(dir, name) }

	serverTLS, err := ledgerhttp.ServerTLSConfig(file("server.pem"), file("server.key"), file("ca.pem"))
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(ledgerhttp.NewHandler(b.engine, ledgerhttp.ServerOptions{Token: testToken}))
	srv.TLS = serverTLS
	srv.StartTLS()
	t.Cleanup(srv.Close)

	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	clientFor := func(cert, key string) *ledgerhttp.Client {
		t.Helper()
		cfg, err := ledgerhttp.ClientTLSConfig(cert, key, file("ca.pem"))
		require.NoError(t, err)
		if len(cfg.Certificates) > 0 {
			// Present the certificate even when its CA is not one the server
			// asks for, which crypto/tls would otherwise not do.
			cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
				return &cfg.Certificates[0], nil
			}
		}
		return ledgerhttp.NewClient(srv.URL, testToken, ledgerhttp.NewHTTPClient(cfg))
	}

	b.clock.set(1)
	res, err := clientFor(file("client.pem"), file("client.key")).CreateAccounts(b.ctx, []ledger.Account{{ID: "bank", Currency: "HKD"}})
	require.NoError(t, err)
	require.Equal(t, []ledger.Result{{Timestamp: at(1)}}, res)

	_, err = clientFor("", "").LookupAccounts(b.ctx, []string{"bank"})
	require.ErrorContains(t, err, "certificate required")

	_, err = clientFor(file("stranger.pem"), file("stranger.key")).LookupAccounts(b.ctx, []string{"bank"})
	require.ErrorContains(t, err, "unknown certificate authority")
}

func TestTLSConfigErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	notPEM := filepath.Join(dir, "not.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("hello"), 0o600))
	ca := tlstest.NewCA(t, "ca")
	ca.Issue(t, dir, "server", x509.ExtKeyUsageServerAuth)
	cert, key := filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")

	_, err := ledgerhttp.ServerTLSConfig(missing, key, "")
	require.ErrorContains(t, err, "load server certificate: ")
	_, err = ledgerhttp.ServerTLSConfig(cert, key, notPEM)
	require.ErrorContains(t, err, "no PEM certificate")
	_, err = ledgerhttp.ClientTLSConfig(cert, "", "")
	require.ErrorContains(t, err, "load client certificate: ")
	_, err = ledgerhttp.ClientTLSConfig("", "", missing)
	require.ErrorContains(t, err, "read CA certificates: ")

	cfg, err := ledgerhttp.ServerTLSConfig(cert, key, "")
	require.NoError(t, err)
	require.Len(t, cfg.Certificates, 1)
	require.Nil(t, cfg.ClientCAs, "no client CA means no client certificates asked for")
}
