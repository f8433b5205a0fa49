package idempotency

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"time"

	"github.com/cashless-dev/cashless"
)

// Stable error codes of idempotency handling.
const (
	// EKeyRequired: a money-moving call came without an Idempotency-Key.
	EKeyRequired = "idempotency_key_required"
	// EInvalidKey: the key is empty, longer than MaxKeyLen or not
	// printable ASCII.
	EInvalidKey = "invalid_idempotency_key"
	// EKeyReused: the key was first used with a different request.
	EKeyReused = "idempotency_key_reused"
	// EKeyInUse: another attempt with the key is still running.
	EKeyInUse = "idempotency_key_in_use"
)

// Defaults of a store's timing.
const (
	// DefaultLease is how long an attempt holds a key before another may
	// take it over, assuming the first one's process died. Calls take
	// milliseconds (the slowest, a send with automatic top-up, waits up to
	// 5 s for the bank), and after a crash clients get
	// idempotency_key_in_use until the lease ends, so it is short. Should a
	// call outlive it, a retry runs alongside it, which is safe: the
	// services behind the API are idempotent on (user, key).
	DefaultLease = 10 * time.Second
	// DefaultTTL is how long a record is kept; API.md promises 24 hours.
	DefaultTTL = 24 * time.Hour
	// MaxKeyLen is the longest key accepted, in bytes.
	MaxKeyLen = 255
)

// ErrLeaseLost is returned by Complete and Release when the attempt no
// longer holds the key: its lease expired and another attempt took it over.
var ErrLeaseLost = errors.New("idempotency: lease lost")

// Request identifies one call: who made it, the client's key, and a
// fingerprint of what was asked.
type Request struct {
	Scope       string
	Key         string
	Fingerprint [sha256.Size]byte
}

// Response is a stored answer: an HTTP status and the JSON body.
type Response struct {
	Status int
	Body   []byte
}

// Begun is the outcome of Begin: either Token is set and the caller runs
// the call, or Replay holds the stored answer of an earlier attempt.
type Begun struct {
	// Token identifies this attempt to Complete and Release.
	Token string
	// Replay is the response of an earlier attempt that completed.
	Replay *Response
}

// Store keeps idempotency records. Implementations must make Begin atomic:
// of concurrent Begins on one key, exactly one may get a Token.
type Store interface {
	// Begin claims the request's key; see the package comment. Its errors
	// are EKeyReused and EKeyInUse, or internal.
	Begin(ctx context.Context, req Request) (Begun, error)
	// Complete stores the response of the attempt with the token:
	// ErrLeaseLost when the attempt no longer holds the key.
	Complete(ctx context.Context, req Request, token string, res Response) error
	// Release ends the attempt without storing a response, so that the next
	// retry runs the call again: ErrLeaseLost as for Complete.
	Release(ctx context.Context, req Request, token string) error
	// Purge deletes up to limit expired records and says how many it did.
	Purge(ctx context.Context, limit int) (int, error)
}

// Fingerprint returns the digest of a request that a key is bound to.
// Fields are separated by a zero byte, which cannot occur in a method or a
// path, so no two requests share a digest by concatenation.
func Fingerprint(method, path string, body []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(method))
	h.Write([]byte{0})
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(body)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// ValidKey checks a client's key: 1 to MaxKeyLen bytes of printable ASCII
// (space to tilde). The error is coded EInvalidKey.
func ValidKey(key string) error {
	if key == "" || len(key) > MaxKeyLen {
		return &cashless.Error{Code: EInvalidKey, Param: "Idempotency-Key",
			Message: "The Idempotency-Key header must be 1 to 255 characters."}
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return &cashless.Error{Code: EInvalidKey, Param: "Idempotency-Key",
				Message: "The Idempotency-Key header must be printable ASCII."}
		}
	}
	return nil
}

// Sweep purges expired records every interval until ctx ends. Failures are
// logged and retried at the next tick.
func Sweep(ctx context.Context, s Store, every time.Duration, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for {
			n, err := s.Purge(ctx, 1000)
			if err != nil {
				if ctx.Err() == nil {
					log.Warn("purge idempotency records", "err", err)
				}
				break
			}
			if n < 1000 {
				break
			}
		}
	}
}
