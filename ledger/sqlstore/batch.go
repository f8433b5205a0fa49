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

// Transfers first asks the id index alone which ids exist (usually none: a
// batch is mostly new transfers), then reads the full rows of those only.
func (b *batchTx) Transfers(ctx context.Context, ids []string) (map[string]ledger.StoredTransfer, error) {
	var found []string
	err := b.s.chunked(ids, func(part []string) error {
		rows, err := b.tx.QueryContext(ctx, `SELECT id FROM ledger_transfers WHERE id IN (`+inList(len(part))+`)`, stringArgs(part)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			found = append(found, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("look up transfer ids: %w", err)
	}
	if len(found) == 0 {
		return map[string]ledger.StoredTransfer{}, nil
	}
	return b.s.transfers(ctx, b.tx, found)
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
	err := insertRows(ctx, b.tx, b.s.d, `INSERT INTO ledger_accounts (`+accountColumns+`) VALUES `, b.s.d.upsertAccounts, 9, len(batch.Accounts),
		func(args []any, i int) []any { return accountArgs(args, batch.Accounts[i]) })
	if err != nil {
		return fmt.Errorf("write balances: %w", err)
	}
	err = insertRows(ctx, b.tx, b.s.d, `INSERT INTO ledger_pending (`+pendingColumns+`) VALUES `, b.s.d.upsertPending, 7, len(batch.Pending),
		func(args []any, i int) []any { return pendingArgs(args, batch.Pending[i]) })
	if err != nil {
		return fmt.Errorf("write pending transfers: %w", err)
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

// insertRows writes n rows of cols columns with as few multi-row statements
// as the dialect's placeholder limit allows: prefix, the VALUES tuples, then
// suffix. argsOf appends row i's values.
func insertRows(ctx context.Context, q queryer, d dialect, prefix, suffix string, cols, n int, argsOf func(args []any, i int) []any) error {
	per := d.maxParams / cols
	for start := 0; start < n; start += per {
		rows := min(per, n-start)
		args := make([]any, 0, rows*cols)
		for i := start; i < start+rows; i++ {
			args = argsOf(args, i)
		}
		if _, err := q.ExecContext(ctx, prefix+placeholders(rows, cols)+suffix, args...); err != nil {
			return err
		}
	}
	return nil
}

// insertTransfers writes transfer rows with multi-row INSERTs.
func insertTransfers(ctx context.Context, q queryer, d dialect, table string, ts []ledger.StoredTransfer) error {
	err := insertRows(ctx, q, d, `INSERT INTO `+table+` (`+transferColumns+`) VALUES `, "", transferColumnCount, len(ts),
		func(args []any, i int) []any { return transferArgs(args, &ts[i]) })
	if err != nil {
		return fmt.Errorf("write transfers: %w", err)
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
