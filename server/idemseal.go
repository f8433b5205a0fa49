package server

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless/idempotency"
	"github.com/cashless-dev/cashless/vault"
)

// sealedIdempotency stores idempotent responses sealed by the vault. The
// responses it keeps for replay name people (a transfer's parties, a
// request's payer), and personal data never rests in clear.
type sealedIdempotency struct {
	idempotency.Store
	vault *vault.Vault
}

var _ idempotency.Store = sealedIdempotency{}

// responseAAD binds a sealed response to its caller and key, so that a
// body copied to another record does not open.
func responseAAD(req idempotency.Request) []byte {
	return []byte("api/idempotency/" + req.Scope + "\x00" + req.Key)
}

// Begin implements idempotency.Store, unsealing a replayed response.
func (s sealedIdempotency) Begin(ctx context.Context, req idempotency.Request) (idempotency.Begun, error) {
	b, err := s.Store.Begin(ctx, req)
	if err != nil || b.Replay == nil {
		return b, err
	}
	body, err := s.vault.Unseal(ctx, b.Replay.Body, responseAAD(req))
	if err != nil {
		return idempotency.Begun{}, fmt.Errorf("unseal idempotent response: %w", err)
	}
	b.Replay = &idempotency.Response{Status: b.Replay.Status, Body: body}
	return b, nil
}

// Complete implements idempotency.Store, sealing the response.
func (s sealedIdempotency) Complete(ctx context.Context, req idempotency.Request, token string, res idempotency.Response) error {
	body, err := s.vault.Seal(ctx, res.Body, responseAAD(req))
	if err != nil {
		return fmt.Errorf("seal idempotent response: %w", err)
	}
	return s.Store.Complete(ctx, req, token, idempotency.Response{Status: res.Status, Body: body})
}
