package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger/ledgerhttp"
)

// TestInternalMutualTLS serves the internal API with mutual TLS: only a
// client with a certificate from the client CA gets through.
func TestInternalMutualTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca, caKey := newCert(t, dir, "ca", nil, nil)
	newCert(t, dir, "server", ca, caKey)
	newCert(t, dir, "client", ca, caKey)
	file := func(name string) string { return filepath.Join(dir, name) }

	s := start(t, Config{ServiceToken: "tok",
		InternalTLSCert: file("server.pem"), InternalTLSKey: file("server-key.pem"), InternalClientCA: file("ca.pem")})
	url := "https://" + s.InternalAddr()
	lookup := func(cert, key string) error {
		tlsConfig, err := ledgerhttp.ClientTLSConfig(cert, key, file("ca.pem"))
		require.NoError(t, err)
		client := ledgerhttp.NewClient(url, "tok", ledgerhttp.NewHTTPClient(tlsConfig))
		_, err = client.LookupAccounts(context.Background(), []string{"nobody"})
		return err
	}
	require.NoError(t, lookup(file("client.pem"), file("client-key.pem")))
	require.Error(t, lookup("", ""), "a client without a certificate is refused")
	_, err := ledgerhttp.NewClient("http://"+s.InternalAddr(), "tok", nil).LookupAccounts(context.Background(), []string{"x"})
	require.Error(t, err, "plain HTTP is refused")
}

// newCert writes <name>.pem and <name>-key.pem into dir: a CA when parent is
// nil, otherwise a certificate for 127.0.0.1 signed by parent.
func newCert(t *testing.T, dir, name string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+"-key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return cert, key
}
