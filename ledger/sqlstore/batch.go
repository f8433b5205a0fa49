package sqlstore

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/sqldb"
)

// batchTx implements ledger.BatchTx on one SQL transaction.
type batchTx struct {
	s  *Store
	tx queryer
}

func (b *batchTx) LockHead(ctx context.Context) (ledger.Head, error) {
	var h ledger.Head
	rows, err := b.tx.QueryContext(ctx, `SELECT seq, hash, last_ts FROM ledger_head WHERE id = 1`+b.s.d.forUpdate)
	if err != nil {
		return h, fmt.Errorf("lock chain head: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return h, fmt.Errorf("lock chain head: no head row (run migrate)")
	}
	if err := rows.Scan(&h.Seq, &h.Hash, &h.LastMicros); err != nil {
		return h, fmt.Errorf("lock chain head: %w", err)
	}
	return h, rows.Close()
}

func (b *batchTx) LockAccounts(ctx context.Context, ids []string) (map[string]ledger.Account, error) {
	out := make(map[string]ledger.Account, len(ids))
	// ids arrive sorted; ORDER BY id makes InnoDB take the row locks in that
	// same order in every engine, so two batches never deadlock on accounts.
	err := b.s.chunked(ids, func(part []string) error {
		return queryAccounts(ctx, b.tx, `SELECT `+accountColumns+` FROM ledger_accounts WHERE id IN (`+inList(len(part))+`) ORDER BY id`+b.s.d.forUpdate, part, out)
	})
	if err != nil {
		return nil, fmt.Errorf("lock accounts: %w", err)
	}
	return out, nil
}

func (b *batchTx) Transfers(ctx context.Context, ids []string) (map[string]ledger.StoredTransfer, error) {
	return b.s.transfers(ctx, b.tx, ids)
}

func (b *batchTx) Pending(ctx context.Context, ids []string) (map[string]ledger.PendingTransfer, error) {
	out := make(map[string]ledger.PendingTransfer, len(ids))
	err := b.s.chunked(ids, func(part []string) error {
		rows, err := b.tx.QueryContext(ctx, `SELECT `+pendingColumns+` FROM ledger_pending WHERE id IN (`+inList(len(part))+`) ORDER BY id`+b.s.d.forUpdate, stringArgs(part)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPending(rows)
			if err != nil {
				return err
			}
			out[p.ID] = p
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read pending transfers: %w", err)
	}
	return out, nil
}

func (b *batchTx) Write(ctx context.Context, batch *ledger.Batch) error {
	if err := insertTransfers(ctx, b.tx, b.s.d, "ledger_transfers", batch.Transfers); err != nil {
		return err
	}
	if len(batch.Accounts) > 0 {
		per := b.s.d.maxParams / 9
		for start := 0; start < len(batch.Accounts); start += per {
			part := batch.Accounts[start:min(start+per, len(batch.Accounts))]
			args := make([]any, 0, len(part)*9)
			for _, a := range part {
				args = accountArgs(args, a)
			}
			q := `INSERT INTO ledger_accounts (` + accountColumns + `) VALUES ` + placeholders(len(part), 9) + b.s.d.upsertAccounts
			if _, err := b.tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("write balances: %w", err)
			}
		}
	}
	if pend := batch.Pending; len(pend) > 0 {
		args := make([]any, 0, len(pend)*7)
		for _, p := range pend {
			args = pendingArgs(args, p)
		}
		q := `INSERT INTO ledger_pending (` + pendingColumns + `) VALUES ` + placeholders(len(pend), 7) + b.s.d.upsertPending
		if _, err := b.tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("write pending transfers: %w", err)
		}
	}
	prev := batch.PrevHash
	if prev == nil {
		prev = []byte{} // the first batch links to the empty hash, not to NULL
	}
	if _, err := b.tx.ExecContext(ctx, `INSERT INTO ledger_batches (seq, prev_hash, hash, count, created_us) VALUES (?, ?, ?, ?, ?)`,
		batch.Head.Seq, prev, batch.Head.Hash, len(batch.Transfers), micros(batch.Created)); err != nil {
		return fmt.Errorf("write batch record: %w", err)
	}
	if _, err := b.tx.ExecContext(ctx, `UPDATE ledger_head SET seq = ?, hash = ?, last_ts = ? WHERE id = 1`,
		batch.Head.Seq, batch.Head.Hash, batch.Head.LastMicros); err != nil {
		return fmt.Errorf("advance chain head: %w", err)
	}
	return nil
}

// insertTransfers writes transfer rows with multi-row INSERTs.
func insertTransfers(ctx context.Context, q queryer, d dialect, table string, ts []ledger.StoredTransfer) error {
	per := d.maxParams / transferColumnCount
	for start := 0; start < len(ts); start += per {
		part := ts[start:min(start+per, len(ts))]
		args := make([]any, 0, len(part)*transferColumnCount)
		for i := range part {
			args = transferArgs(args, &part[i])
		}
		stmt := `INSERT INTO ` + table + ` (` + transferColumns + `) VALUES ` + placeholders(len(part), transferColumnCount)
		if _, err := q.ExecContext(ctx, stmt, args...); err != nil {
			return fmt.Errorf("write transfers: %w", err)
		}
	}
	return nil
}

// RawInsert writes transfer-sized rows into ledger_raw_transfers, a table
// shaped and indexed like ledger_transfers, in one transaction with the same
// multi-row statements, but without validation, balances or hashing: the
// storage's own speed limit that benchmarks compare the ledger against.
func RawInsert(ctx context.Context, db *sqldb.DB, rows []ledger.StoredTransfer) error {
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin raw insert: %w", err)
	}
	if err := insertTransfers(ctx, tx, dialectOf(db.Dialect), "ledger_raw_transfers", rows); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
