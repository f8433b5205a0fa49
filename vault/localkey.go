package vault

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/secrets/localsecrets"
)

// LocalKeyFile returns the URL of a local keeper whose key lives in
// dir/vault.key. On first use it creates dir (mode 0700) and the file (mode
// 0600) with a random 32-byte key; afterwards it reuses the key. It refuses a
// key file that group or others may read. The file holds the key in
// base64.URLEncoding, the form localsecrets expects in its URL, so the URL
// itself is a secret: never log it.
func LocalKeyFile(dir string) (keeperURL string, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("local key file: %w", err)
	}
	path := filepath.Join(dir, "vault.key")
	if err := createKeyFile(dir, path); err != nil {
		return "", fmt.Errorf("local key file: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("local key file: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("local key file: %s has mode %v, want 0600", path, info.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("local key file: %w", err)
	}
	encoded := strings.TrimSpace(string(b))
	if _, err := localsecrets.Base64Key(encoded); err != nil {
		return "", fmt.Errorf("local key file %s: %w", path, err)
	}
	return localsecrets.Scheme + "://" + encoded, nil
}

// createKeyFile writes a new key to path unless it exists. The key is
// written to a temporary file and linked into place, so a concurrent caller
// never reads a half-written key and the first writer wins.
func createKeyFile(dir, path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	tmp, err := os.CreateTemp(dir, ".vault.key-*") // mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	key := make([]byte, 32)
	rand.Read(key)
	_, err = tmp.WriteString(base64.URLEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}
