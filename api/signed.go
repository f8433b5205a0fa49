package api

import (
	"context"
	"net/http"
)

// Error codes of signed requests (RFC 9421 HTTP Message Signatures).
const (
	// ESignatureRequired: the merchant requires signed requests and this
	// one carries no Signature and Signature-Input (401).
	ESignatureRequired = "signature_required"
	// EInvalidSignature: a signature that does not verify, covers too
	// little, is stale or was seen before (401).
	EInvalidSignature = "invalid_signature"
)

// RequestVerifier checks the signatures of merchant calls. It knows which
// merchants require them and with what keys (an HMAC secret or an Ed25519
// public key registered per merchant), and verifies method, path,
// content-digest (RFC 9530) and the created timestamp. The API runs it on
// every merchant route once the caller is known and the body is read, and
// answers its errors (ESignatureRequired, EInvalidSignature) with 401.
type RequestVerifier interface {
	// Verify returns nil when the merchant does not require signatures or
	// the request is signed as it must be.
	Verify(ctx context.Context, merchantID string, r *http.Request, body []byte) error
}

// verifySigned runs the verifier, if any, on a merchant call.
func (s *Server) verifySigned(c *call) error {
	if s.signatures == nil || c.actor.MerchantID == "" {
		return nil
	}
	return s.signatures.Verify(c.ctx, c.actor.MerchantID, c.r, c.body)
}
