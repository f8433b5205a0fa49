package httpsig

import (
	"context"
	"sync"
	"time"
)

// ReplayCache remembers the signatures Verify accepted, so that one is
// not accepted twice. The in-memory one protects a single process only:
// when several instances serve the API, give Verify a ReplayCache backed
// by their shared database (an INSERT of keyid and signature hash that
// fails on a duplicate key, and a DELETE of rows past until).
type ReplayCache interface {
	// Remember records the signature sig of keyID at now, to be kept until
	// until, and reports whether it was new; false means it was already
	// recorded and has not yet expired. It must be atomic: of concurrent
	// calls with one signature, at most one reports true.
	Remember(ctx context.Context, keyID string, sig []byte, now, until time.Time) (bool, error)
}

// DefaultReplayEntries is the size of the default in-memory cache.
const DefaultReplayEntries = 100_000

// MemoryReplayCache is a ReplayCache in one process's memory holding at
// most a fixed number of signatures. Entries leave in the order they came,
// when they expire or, if more than the limit arrive within MaxAge, early:
// then the oldest lose their protection first, so size the limit above
// the peak number of signed requests per MaxAge.
type MemoryReplayCache struct {
	mu    sync.Mutex
	max   int
	seen  map[string]time.Time
	queue []replayEntry
	head  int
}

type replayEntry struct {
	key   string
	until time.Time
}

// NewMemoryReplayCache returns an empty cache of at most max entries
// (DefaultReplayEntries when max <= 0).
func NewMemoryReplayCache(max int) *MemoryReplayCache {
	if max <= 0 {
		max = DefaultReplayEntries
	}
	return &MemoryReplayCache{max: max, seen: make(map[string]time.Time)}
}

var _ ReplayCache = (*MemoryReplayCache)(nil)

// Remember implements ReplayCache.
func (c *MemoryReplayCache) Remember(_ context.Context, keyID string, sig []byte, now, until time.Time) (bool, error) {
	key := keyID + "\x00" + string(sig)
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.head < len(c.queue) {
		e := c.queue[c.head]
		if e.until.After(now) && len(c.queue)-c.head < c.max {
			break
		}
		if c.seen[e.key].Equal(e.until) {
			delete(c.seen, e.key)
		}
		c.queue[c.head] = replayEntry{}
		c.head++
	}
	if c.head > len(c.queue)/2 {
		c.queue = append(c.queue[:0], c.queue[c.head:]...)
		c.head = 0
	}
	if u, ok := c.seen[key]; ok && u.After(now) {
		return false, nil
	}
	c.seen[key] = until
	c.queue = append(c.queue, replayEntry{key: key, until: until})
	return true, nil
}

// Len returns the number of signatures held.
func (c *MemoryReplayCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
