package ledger

import (
	"context"
	"errors"
	"time"
)

// ErrConflict marks a write transaction that lost a race with another writer
// (a deadlock, or another engine committing the same transfer id first). The
// engine retries the batch; nothing of it was written.
var ErrConflict = errors.New("write conflict")

// Store is the ledger's storage, declared here where it is used. The SQL
// implementation lives in ledger/sqlstore and passes one conformance suite on
// SQLite and MySQL.
type Store interface {
	// WriteBatch runs fn inside one write transaction and commits it if fn
	// returns nil. It returns ErrConflict (wrapped) when the transaction lost a
	// race with another writer (deadlock, duplicate key) and may be retried.
	WriteBatch(ctx context.Context, fn func(BatchTx) error) error
	// CreateAccounts inserts the accounts that do not exist yet and returns
	// the stored version of every id keyed by id, and which ids it created.
	// It runs again itself when it loses a race with another creator.
	CreateAccounts(ctx context.Context, accounts []Account) (stored map[string]Account, created map[string]bool, err error)
	// Accounts returns the accounts among ids that exist, keyed by id.
	Accounts(ctx context.Context, ids []string) (map[string]Account, error)
	// Transfers returns the committed transfers among ids, keyed by id.
	Transfers(ctx context.Context, ids []string) (map[string]StoredTransfer, error)
	// Refusals returns the recorded refusals among ids, keyed by id.
	Refusals(ctx context.Context, ids []string) (map[string]Refusal, error)
	// LatestEntry returns the newest transfer touching the account at or
	// before the timestamp (unix microseconds), and false when there is none.
	LatestEntry(ctx context.Context, accountID string, atMicros int64) (StoredTransfer, bool, error)
	// Entries returns up to limit transfers touching the account with
	// timestamps strictly between after and before (unix microseconds; 0 for
	// no bound), newest first when desc is true, oldest first otherwise.
	Entries(ctx context.Context, accountID string, afterMicros, beforeMicros int64, desc bool, limit int) ([]StoredTransfer, error)
	// DuePending returns up to limit outstanding pending transfers whose
	// expiry is at or before nowMicros.
	DuePending(ctx context.Context, nowMicros int64, limit int) ([]PendingTransfer, error)
	// Scan streams, from one consistent snapshot, the chain head, every
	// committed batch in order, every recorded refusal in timestamp order,
	// every transfer in timestamp order, every account and every
	// pending-transfer record. Verify uses it.
	Scan(ctx context.Context, v ScanVisitor) error
}

// BatchTx is one write transaction of the batcher. Methods are called in the
// order they are listed: lock, read, then write.
type BatchTx interface {
	// Load does what LockHead, Transfers, Refusals, Pending and
	// LockAccounts do, in that order, in as few round trips as the database
	// allows.
	Load(ctx context.Context, req LoadRequest) (Snapshot, error)
	// LockHead locks and returns the head of the hash chain. Every batch
	// locks it first, so batches from any number of engines commit one at a
	// time in a single order.
	LockHead(ctx context.Context) (Head, error)
	// LockAccounts locks the accounts among ids (sorted ascending) and
	// returns them keyed by id.
	LockAccounts(ctx context.Context, ids []string) (map[string]Account, error)
	// Transfers returns the committed transfers among ids.
	Transfers(ctx context.Context, ids []string) (map[string]StoredTransfer, error)
	// Refusals returns the recorded refusals among ids.
	Refusals(ctx context.Context, ids []string) (map[string]Refusal, error)
	// Pending returns the pending-transfer records among ids.
	Pending(ctx context.Context, ids []string) (map[string]PendingTransfer, error)
	// Write stores a validated batch: its transfers and refusals, the new
	// balances of the accounts it changed, created and resolved pending
	// records, and the new head. It is the last call of a batch: a store may
	// commit with it (the MySQL store does, to save a round trip), so an
	// error that fn returns after a successful Write does not undo it. A
	// failed Write leaves nothing behind.
	Write(ctx context.Context, b *Batch) error
}

// LoadRequest names what a batch reads before it validates.
type LoadRequest struct {
	TransferIDs []string // sorted, unique: which of these are committed or refused?
	PendingIDs  []string // sorted, unique: pending records to read and lock
	AccountIDs  []string // sorted, unique: accounts to read and lock
}

// Snapshot is what Load read: the locked head, the committed transfers and
// recorded refusals, the pending records and the accounts that exist among
// those requested.
type Snapshot struct {
	Head      Head
	Transfers map[string]StoredTransfer
	Refusals  map[string]Refusal
	Pending   map[string]PendingTransfer
	Accounts  map[string]Account
}

// Head is the end of the hash chain: the last committed batch.
type Head struct {
	Seq        int64  // number of the last batch, 0 before the first
	Hash       []byte // its hash; empty before the first
	LastMicros int64  // the last timestamp handed out, to a transfer or a refusal
}

// StoredTransfer is a committed transfer with what the ledger recorded
// alongside it.
type StoredTransfer struct {
	Transfer
	BatchSeq int64
	// DebitAfter and CreditAfter are the two accounts' balances just after
	// the transfer.
	DebitAfter  Balances
	CreditAfter Balances
	// RowHash is the hash of every other field (see TransferHash).
	RowHash []byte
}

// PendingState is the life-cycle state of a pending transfer.
type PendingState string

// Pending transfer states.
const (
	StatePending PendingState = "pending"
	StatePosted  PendingState = "posted"
	StateVoided  PendingState = "voided"
	StateExpired PendingState = "expired"
)

// PendingTransfer tracks a pending transfer until it is resolved.
type PendingTransfer struct {
	ID              string
	DebitAccountID  string
	CreditAccountID string
	Amount          int64
	Currency        string
	ExpiresMicros   int64 // 0 when it never expires
	State           PendingState
}

// Batch is what one batch writes.
type Batch struct {
	Head      Head              // the new head (Seq, Hash, LastMicros)
	PrevHash  []byte            // hash of the previous batch
	Transfers []StoredTransfer  // in timestamp order
	Refusals  []Refusal         // in timestamp order
	Accounts  []Account         // changed accounts with their new balances
	Pending   []PendingTransfer // created or resolved pending records, in their final state
	Created   time.Time
}

// ScanVisitor receives what Store.Scan streams; a nil func skips that part.
type ScanVisitor struct {
	Head     func(h Head) error
	Batch    func(seq int64, prevHash, hash []byte, count int) error
	Refusal  func(r Refusal) error
	Transfer func(t StoredTransfer) error
	Account  func(a Account) error
	Pending  func(p PendingTransfer) error
}
