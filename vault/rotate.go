package vault

import (
	"context"
	"crypto/rand"
	"fmt"
)

// Rotate re-wraps every stored key, the blind-index key included, with the
// keeper's current key, so that an older keeper key can be retired, and
// starts a new data key for new seals. Values sealed before keep opening.
// Seal and Unseal go on while it runs; a failure leaves the vault sealing
// with its previous key. Run it from one instance at a time (see the
// package documentation).
func (v *Vault) Rotate(ctx context.Context) error {
	v.rotateMu.Lock()
	defer v.rotateMu.Unlock()

	wrapped, err := v.store.LoadKeys(ctx)
	if err != nil {
		return fmt.Errorf("rotate: load keys: %w", err)
	}
	next := v.current
	for id, w := range wrapped {
		next = max(next, id)
		key, err := v.keeper.Decrypt(ctx, w)
		if err != nil {
			return fmt.Errorf("rotate: unwrap key %d: %w", id, err)
		}
		rewrapped, err := v.keeper.Encrypt(ctx, key)
		if err != nil {
			return fmt.Errorf("rotate: wrap key %d: %w", id, err)
		}
		if err := v.store.SaveKey(ctx, id, rewrapped); err != nil {
			return fmt.Errorf("rotate: save key %d: %w", id, err)
		}
	}
	next++

	key := make([]byte, keySize)
	rand.Read(key)
	aead, err := newAEAD(key)
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	w, err := v.keeper.Encrypt(ctx, key)
	if err != nil {
		return fmt.Errorf("rotate: wrap key %d: %w", next, err)
	}
	if err := v.store.SaveKey(ctx, next, w); err != nil {
		return fmt.Errorf("rotate: save key %d: %w", next, err)
	}

	v.mu.Lock()
	defer v.mu.Unlock()
	v.aeads[next] = aead
	v.current = next
	return nil
}
