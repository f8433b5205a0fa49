package message

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/cashless-dev/cashless/identity"
)

// File appends each message as one JSON line to a file, standing in for
// SMS and email so that a developer, or a test, reads the codes there. It
// holds phone numbers, addresses and codes in clear: it is for
// development only, never for production.
type File struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

var _ identity.Sender = (*File)(nil)

// OpenFile opens the outbox file at path for appending, creating it (mode
// 0600) and its directory (mode 0700) when missing. Close it when done.
func OpenFile(path string) (*File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create outbox directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open outbox: %w", err)
	}
	return &File{path: path, f: f}, nil
}

// Path returns the outbox file's path.
func (f *File) Path() string { return f.path }

// Send implements identity.Sender. Each message is one line, written
// with one write to a file opened for appending, so concurrent senders,
// even in several processes, never interleave within a line.
func (f *File) Send(_ context.Context, m identity.Message) error {
	line, err := json.Marshal(toWire(m))
	if err != nil {
		return fmt.Errorf("encode message: %w", err)
	}
	line = append(line, '\n')
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.f.Write(line); err != nil {
		return fmt.Errorf("write outbox %s: %w", f.path, err)
	}
	return nil
}

// Close closes the file.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.f.Close()
}
