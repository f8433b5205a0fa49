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
	var buf [8]byte
	putInt := func(v int64) {
		binary.BigEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	putStr := func(s string) {
		putInt(int64(len(s)))
		h.Write([]byte(s))
	}
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

// chainHasher computes a batch hash: SHA-256 over the previous batch's
// hash, the batch number and the row hashes of its transfers in order.
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

func (c *chainHasher) sum() []byte { return c.h.Sum(nil) }
