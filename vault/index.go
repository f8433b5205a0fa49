package vault

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strings"
)

// BlindIndex returns the HMAC-SHA256 of kind, a zero byte and value under
// the vault's index key. Equal inputs give equal indexes, across vaults
// opened on the same KeyStore and keeper, so a service can look up a row by
// an encrypted field without decrypting; different kinds give unrelated
// indexes for the same value. The caller normalizes value first (see the
// package documentation). kind is a constant of the calling code and must
// not contain a zero byte, which would make two inputs share one index;
// BlindIndex panics if it does.
func (v *Vault) BlindIndex(kind, value string) []byte {
	if strings.IndexByte(kind, 0) >= 0 {
		panic("vault: blind index kind contains a zero byte")
	}
	mac := hmac.New(sha256.New, v.indexKey)
	mac.Write([]byte(kind))
	mac.Write([]byte{0})
	mac.Write([]byte(value))
	return mac.Sum(nil)
}

// DerivedKey returns a 32-byte key for another keyed purpose than the blind
// index (such as signing access tokens), derived with HKDF from the same
// stored secret under its own label, so every instance on the same
// KeyStore and keeper derives the same key and no new secret needs storing.
// Rotate does not change it.
func (v *Vault) DerivedKey(label string) ([]byte, error) {
	if label == "" || label == indexLabel {
		return nil, fmt.Errorf("vault: derived key label %q is reserved", label)
	}
	return v.derive(label)
}

// indexLabel is the HKDF label of the blind-index key.
const indexLabel = "blind index v1"

// derive derives the key of a label from the stored secret.
func (v *Vault) derive(label string) ([]byte, error) {
	key, err := hkdf.Key(sha256.New, v.secret, nil, "cashless vault "+label, keySize)
	if err != nil {
		return nil, fmt.Errorf("derive key %q: %w", label, err)
	}
	return key, nil
}
