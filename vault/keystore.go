package vault

import (
	"context"
	"slices"
	"sync"
)

// indexKeyID is the reserved key id of the blind-index key. Data keys use
// ids from 1 up.
const indexKeyID uint32 = 0

// KeyStore persists wrapped keys. The service that owns the vault declares
// where they live (usually a table next to the encrypted rows).
type KeyStore interface {
	// SaveKey stores the wrapped key under id, replacing any key already
	// stored under that id: Rotate saves a re-wrapped form of the same key.
	SaveKey(ctx context.Context, id uint32, wrapped []byte) error
	// LoadKeys returns every stored wrapped key by id, and an empty map when
	// none is stored yet.
	LoadKeys(ctx context.Context) (map[uint32][]byte, error)
}

var _ KeyStore = (*MemoryKeyStore)(nil)

// MemoryKeyStore is a KeyStore in memory, for tests. Its keys die with the
// process, and with them every value sealed under them.
type MemoryKeyStore struct {
	mu   sync.Mutex
	keys map[uint32][]byte
}

// SaveKey implements KeyStore.
func (s *MemoryKeyStore) SaveKey(_ context.Context, id uint32, wrapped []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = make(map[uint32][]byte)
	}
	s.keys[id] = slices.Clone(wrapped)
	return nil
}

// LoadKeys implements KeyStore.
func (s *MemoryKeyStore) LoadKeys(context.Context) (map[uint32][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[uint32][]byte, len(s.keys))
	for id, w := range s.keys {
		out[id] = slices.Clone(w)
	}
	return out, nil
}
