package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"gocloud.dev/secrets"
	_ "gocloud.dev/secrets/localsecrets" // base64key:// only; see doc.go for cloud keepers
)

const (
	version   byte = 1
	keySize        = 32
	nonceSize      = 12
	headerLen      = 1 + 4 + nonceSize
)

var (
	// ErrUnknownKey is returned by Unseal for a value sealed under a key id
	// that the KeyStore does not hold.
	ErrUnknownKey = errors.New("unknown data key")
	// ErrCorrupt is returned by Unseal for a value that is malformed,
	// tampered with, or opened with other aad than it was sealed with.
	ErrCorrupt = errors.New("sealed value is corrupt or does not belong here")
)

// Vault seals and unseals personal data and computes blind indexes. It is
// safe for concurrent use, including Rotate while Seal and Unseal run.
type Vault struct {
	keeper *secrets.Keeper
	store  KeyStore

	// rotateMu lets one Rotate run at a time without holding mu during
	// keeper calls.
	rotateMu sync.Mutex
	mu       sync.RWMutex
	current  uint32                 // key id for new seals
	aeads    map[uint32]cipher.AEAD // unwrapped data keys, by id
	indexKey []byte                 // HMAC key of the blind index
	secret   []byte                 // the stored secret the index key derives from
}

// Open opens the keeper at keeperURL and the keys in store. On first use,
// when store holds no key, it creates the blind-index key and a first data
// key and saves them wrapped. Close the vault to release the keeper.
func Open(ctx context.Context, keeperURL string, store KeyStore) (*Vault, error) {
	keeper, err := secrets.OpenKeeper(ctx, keeperURL)
	if err != nil {
		return nil, fmt.Errorf("open vault: %w", err)
	}
	v := &Vault{keeper: keeper, store: store, aeads: make(map[uint32]cipher.AEAD)}
	if err := v.load(ctx); err != nil {
		keeper.Close()
		return nil, fmt.Errorf("open vault: %w", err)
	}
	return v, nil
}

func (v *Vault) load(ctx context.Context) error {
	wrapped, err := v.store.LoadKeys(ctx)
	if err != nil {
		return fmt.Errorf("load keys: %w", err)
	}
	indexSecret, err := v.unwrapOrCreate(ctx, wrapped, indexKeyID)
	if err != nil {
		return fmt.Errorf("index key: %w", err)
	}
	// HKDF keeps the stored secret and the HMAC key distinct; other uses
	// of the secret get keys of their own from other labels (DerivedKey).
	v.secret = indexSecret
	if v.indexKey, err = v.derive(indexLabel); err != nil {
		return fmt.Errorf("derive index key: %w", err)
	}
	for id := range wrapped {
		v.current = max(v.current, id)
	}
	if v.current == indexKeyID {
		v.current = 1
	}
	dataKey, err := v.unwrapOrCreate(ctx, wrapped, v.current)
	if err != nil {
		return fmt.Errorf("data key %d: %w", v.current, err)
	}
	v.aeads[v.current], err = newAEAD(dataKey)
	return err
}

// unwrapOrCreate unwraps key id from wrapped, or creates, wraps and saves a
// new key when wrapped has none under id.
func (v *Vault) unwrapOrCreate(ctx context.Context, wrapped map[uint32][]byte, id uint32) ([]byte, error) {
	if w, ok := wrapped[id]; ok {
		key, err := v.keeper.Decrypt(ctx, w)
		if err != nil {
			return nil, fmt.Errorf("unwrap: %w", err)
		}
		return key, nil
	}
	key := make([]byte, keySize)
	rand.Read(key)
	w, err := v.keeper.Encrypt(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("wrap: %w", err)
	}
	if err := v.store.SaveKey(ctx, id, w); err != nil {
		return nil, fmt.Errorf("save: %w", err)
	}
	return key, nil
}

// Close releases the keeper. The vault must not be used afterwards.
func (v *Vault) Close() error {
	return v.keeper.Close()
}

// Seal encrypts plaintext under the current data key, bound to aad. The same
// aad must be given to Unseal; it is authenticated, not encrypted or stored.
func (v *Vault) Seal(ctx context.Context, plaintext, aad []byte) ([]byte, error) {
	v.mu.RLock()
	id, aead := v.current, v.aeads[v.current]
	v.mu.RUnlock()

	out := make([]byte, headerLen, headerLen+len(plaintext)+aead.Overhead())
	out[0] = version
	binary.BigEndian.PutUint32(out[1:5], id)
	rand.Read(out[5:headerLen])
	return aead.Seal(out, out[5:headerLen], plaintext, additionalData(out[:5], aad)), nil
}

// Unseal decrypts a value made by Seal with the same aad. It returns an
// error wrapping ErrCorrupt when the value is malformed, was altered, or aad
// differs, and one wrapping ErrUnknownKey when its key is not in the store.
func (v *Vault) Unseal(ctx context.Context, sealed, aad []byte) ([]byte, error) {
	if len(sealed) < headerLen || sealed[0] != version {
		return nil, fmt.Errorf("unseal: %w", ErrCorrupt)
	}
	id := binary.BigEndian.Uint32(sealed[1:5])
	if id == indexKeyID {
		return nil, fmt.Errorf("unseal: %w", ErrCorrupt)
	}
	aead, err := v.aead(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("unseal: %w", err)
	}
	plaintext, err := aead.Open(nil, sealed[5:headerLen], sealed[headerLen:], additionalData(sealed[:5], aad))
	if err != nil {
		return nil, fmt.Errorf("unseal: %w", ErrCorrupt)
	}
	return plaintext, nil
}

// additionalData binds the header to the caller's aad, so the version and
// key id cannot be changed without failing authentication.
func additionalData(header, aad []byte) []byte {
	return append(append(make([]byte, 0, len(header)+len(aad)), header...), aad...)
}

// aead returns the cipher of data key id, unwrapping it through the keeper
// the first time. A key not yet in memory may have been added by another
// instance's Rotate, so the store is read again.
func (v *Vault) aead(ctx context.Context, id uint32) (cipher.AEAD, error) {
	v.mu.RLock()
	aead, ok := v.aeads[id]
	v.mu.RUnlock()
	if ok {
		return aead, nil
	}
	wrapped, err := v.store.LoadKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("load keys: %w", err)
	}
	w, ok := wrapped[id]
	if !ok {
		return nil, fmt.Errorf("key %d: %w", id, ErrUnknownKey)
	}
	key, err := v.keeper.Decrypt(ctx, w)
	if err != nil {
		return nil, fmt.Errorf("unwrap key %d: %w", id, err)
	}
	aead, err = newAEAD(key)
	if err != nil {
		return nil, fmt.Errorf("key %d: %w", id, err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if cached, ok := v.aeads[id]; ok {
		return cached, nil
	}
	v.aeads[id] = aead
	return aead, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("data key has %d bytes, want %d", len(key), keySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
