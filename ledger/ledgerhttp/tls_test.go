package ledgerhttp_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
)

func TestMutualTLS(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	ca := newCA(t, "ledger test CA")
	other := newCA(t, "someone else's CA")
	ca.writeCert(t, dir, "ca")
	ca.issue(t, dir, "server", x509.ExtKeyUsageServerAuth)
	ca.issue(t, dir, "client", x509.ExtKeyUsageClientAuth)
	other.issue(t, dir, "stranger", x509.ExtKeyUsageClientAuth)
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
	ca := newCA(t, "ca")
	ca.issue(t, dir, "server", x509.ExtKeyUsageServerAuth)
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

// testCA is a certificate authority made up for one test.
type testCA struct {
	cert *x509.Certificate
	der  []byte
	key  *ecdsa.PrivateKey
}

func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return &testCA{cert: cert, der: der, key: key}
}

func (ca *testCA) writeCert(t *testing.T, dir, name string) {
	t.Helper()
	writePEM(t, filepath.Join(dir, name+".pem"), "CERTIFICATE", ca.der)
}

// issue writes <name>.pem and <name>.key: a certificate for 127.0.0.1
// signed by the CA, and its key.
func (ca *testCA) issue(t *testing.T, dir, name string, usage x509.ExtKeyUsage) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	writePEM(t, filepath.Join(dir, name+".pem"), "CERTIFICATE", der)
	writePEM(t, filepath.Join(dir, name+".key"), "PRIVATE KEY", keyDER)
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600))
}
