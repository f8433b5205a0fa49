package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
)

// TransferHash returns the SHA-256 of every stored field of a transfer
// except RowHash, in a fixed binary encoding: strings are length-prefixed and
// integers are 8 bytes big-endian, so no two different rows share an encoding.
func TransferHash(t *StoredTransfer) []byte {
	h := sha256.New()
	putInt, putStr := encoders(h)
	putInt(t.Timestamp.UnixMicro())
	putStr(t.ID)
	putStr(t.DebitAccountID)
	putStr(t.CreditAccountID)
	putInt(t.Amount)
	putStr(t.Currency)
	putStr(t.Code)
	putInt(int64(t.Flags))
	putStr(t.PendingID)
	putInt(int64(t.Timeout.Seconds()))
	putStr(t.Metadata)
	putInt(t.BatchSeq)
	for _, b := range []Balances{t.DebitAfter, t.CreditAfter} {
		putInt(b.DebitsPosted)
		putInt(b.CreditsPosted)
		putInt(b.DebitsPending)
		putInt(b.CreditsPending)
	}
	return h.Sum(nil)
}

// RefusalHash returns the SHA-256 of every stored field of a refusal except
// RowHash, encoded as TransferHash encodes a transfer (but the timeout in
// nanoseconds, as given). The encoding starts with the word "refusal", so
// that no refusal shares its hash with a transfer.
func RefusalHash(r *Refusal) []byte {
	h := sha256.New()
	putInt, putStr := encoders(h)
	t := &r.Transfer
	putStr("refusal")
	putInt(t.Timestamp.UnixMicro())
	putStr(t.ID)
	putStr(t.DebitAccountID)
	putStr(t.CreditAccountID)
	putInt(t.Amount)
	putStr(t.Currency)
	putStr(t.Code)
	putInt(int64(t.Flags))
	putStr(t.PendingID)
	putInt(int64(t.Timeout))
	putStr(t.Metadata)
	putInt(r.BatchSeq)
	putStr(r.Code)
	putStr(r.Message)
	return h.Sum(nil)
}

// encoders return the two writers of the row encoding: integers as 8 bytes
// big-endian, strings length-prefixed.
func encoders(h hash.Hash) (putInt func(int64), putStr func(string)) {
	var buf [8]byte
	putInt = func(v int64) {
		binary.BigEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	putStr = func(s string) {
		putInt(int64(len(s)))
		h.Write([]byte(s))
	}
	return putInt, putStr
}

// chainHasher computes a batch hash: SHA-256 over the previous batch's
// hash, the batch number and the row hashes of its transfers in order, then,
// when the batch recorded refusals, their number and their row hashes in
// order. A batch without refusals hashes as it did before refusals were
// recorded; the number (8 bytes among 32-byte hashes) keeps the two lists
// apart.
type chainHasher struct{ h hash.Hash }

func newChainHasher(prev []byte, seq int64) *chainHasher {
	c := &chainHasher{h: sha256.New()}
	c.h.Write(prev)
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(seq))
	c.h.Write(buf[:])
	return c
}

func (c *chainHasher) add(rowHash []byte) { c.h.Write(rowHash) }

// refusals adds the row hashes of a batch's refusals, after its transfers.
func (c *chainHasher) refusals(rowHashes [][]byte) {
	if len(rowHashes) == 0 {
		return
	}
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(len(rowHashes)))
	c.h.Write(buf[:])
	for _, rh := range rowHashes {
		c.h.Write(rh)
	}
}

func (c *chainHasher) sum() []byte { return c.h.Sum(nil) }
