package vault

import (
	"crypto/hmac"
	"crypto/sha256"
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
