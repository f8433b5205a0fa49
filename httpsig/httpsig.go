// Package httpsig signs and verifies HTTP requests with HTTP Message
// Signatures (RFC 9421) and Content-Digest (RFC 9530), in the small subset
// Cashless needs: the derived components @method, @authority, @path,
// @query and @target-uri, header fields by name, the signature parameters
// created, expires, keyid, alg and nonce, and the algorithms hmac-sha256
// and ed25519. Component parameters (;sf, ;key, ;bs, ;req, ;name) are not
// supported and are refused.
//
// It imports only the standard library, so that the Go client can use it
// without pulling in the server.
package httpsig

import (
	"crypto/ed25519"
	"errors"
)

// Stable error codes of verification; the API answers 401 to each.
const (
	// ESignatureMissing: the request has no Signature-Input or Signature
	// field, or no signature with a label in both.
	ESignatureMissing = "signature_missing"
	// ESignatureInvalid: a signature that does not parse, names an unknown
	// key or algorithm, does not cover the required components, or does
	// not verify.
	ESignatureInvalid = "signature_invalid"
	// ESignatureExpired: created is older than MaxAge, in the future
	// beyond the allowed skew, or past its expires.
	ESignatureExpired = "signature_expired"
	// EDigestMismatch: Content-Digest is missing, malformed or not the
	// digest of the body.
	EDigestMismatch = "digest_mismatch"
	// ESignatureReplayed: the same signature was already accepted within
	// MaxAge.
	ESignatureReplayed = "signature_replayed"
)

// Error is a verification failure with a stable code. Message may be
// shown to the caller; it never holds key material.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

func newError(code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Code returns the code of the first *Error in err's chain, or "" when
// there is none (a failure of the key resolver or replay store).
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Algorithms.
const (
	AlgHMACSHA256 = "hmac-sha256"
	AlgEd25519    = "ed25519"
)

// SigningKey is the key a client signs with: Secret for hmac-sha256,
// PrivateKey for ed25519. ID is sent as the keyid parameter.
type SigningKey struct {
	ID         string
	Alg        string
	Secret     []byte
	PrivateKey ed25519.PrivateKey
}

// VerifyingKey is the key a server checks a keyid's signatures with:
// Secret for hmac-sha256, PublicKey for ed25519. Alg is the one algorithm
// the key may be used with; a signature naming another is refused, so a
// public key can never be taken as an HMAC secret.
type VerifyingKey struct {
	Alg       string
	Secret    []byte
	PublicKey ed25519.PublicKey
}

// ErrUnknownKey is what a KeyResolver returns for a keyid it does not
// know; Verify answers it with ESignatureInvalid.
var ErrUnknownKey = errors.New("unknown key")
