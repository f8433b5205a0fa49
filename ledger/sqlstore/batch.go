package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/sqldb"
)

// batchTx implements ledger.BatchTx on one SQL transaction. On SQLite it
// is a database/sql transaction. On MySQL it is a connection on which the
// transaction is begun and committed by hand, so that BEGIN can travel with
// the first reads and COMMIT with the writes: a batch costs two round trips
// (plus one more when a transfer already exists or a pending transfer names
// unlocked accounts) instead of one per statement.
type batchTx struct {
	s  *Store
	tx queryer
	// manual: the transaction is begun and committed by hand (MySQL).
	manual, begun, committed bool
}

// begin starts the hand-run transaction unless it has started.
func (b *batchTx) begin(ctx context.Context) error {
	if !b.manual || b.begun {
		return nil
	}
	if _, err := b.tx.ExecContext(ctx, "START TRANSACTION"); err != nil {
		return fmt.Errorf("begin batch: %w", err)
	}
	b.begun = true
	return nil
}

func (b *batchTx) LockHead(ctx context.Context) (ledger.Head, error) {
	var h ledger.Head
	if err := b.begin(ctx); err != nil {
		return h, err
	}
	rows, err := b.tx.QueryContext(ctx, `SELECT seq, hash, last_ts FROM ledger_head WHERE id = 1`+b.s.d.name.ForUpdate())
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
	if err := b.begin(ctx); err != nil {
		return nil, err
	}
	out := make(map[string]ledger.Account, len(ids))
	// ids arrive sorted; ORDER BY id makes InnoDB take the row locks in that
	// same order in every engine, so two batches never deadlock on accounts.
	err := b.s.chunked(ids, func(part []string) error {
		return queryAccounts(ctx, b.tx, `SELECT `+accountColumns+` FROM ledger_accounts WHERE id IN (`+sqldb.Marks(len(part))+`) ORDER BY id`+b.s.d.name.ForUpdate(), part, out)
	})
	if err != nil {
		return nil, fmt.Errorf("lock accounts: %w", err)
	}
	return out, nil
}

// Transfers first asks the id index alone which ids exist (usually none: a
// batch is mostly new transfers), then reads the full rows of those only.
func (b *batchTx) Transfers(ctx context.Context, ids []string) (map[string]ledger.StoredTransfer, error) {
	if err := b.begin(ctx); err != nil {
		return nil, err
	}
	var found []string
	err := b.s.chunked(ids, func(part []string) error {
		rows, err := b.tx.QueryContext(ctx, `SELECT id FROM ledger_transfers WHERE id IN (`+sqldb.Marks(len(part))+`)`, sqldb.Args(part)...)
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

// Refusals reads full rows at once: a batch rarely names a refused id, so
// there is seldom a row to read.
func (b *batchTx) Refusals(ctx context.Context, ids []string) (map[string]ledger.Refusal, error) {
	if err := b.begin(ctx); err != nil {
		return nil, err
	}
	return b.s.refusals(ctx, b.tx, ids)
}

func (b *batchTx) Pending(ctx context.Context, ids []string) (map[string]ledger.PendingTransfer, error) {
	if err := b.begin(ctx); err != nil {
		return nil, err
	}
	out := make(map[string]ledger.PendingTransfer, len(ids))
	err := b.s.chunked(ids, func(part []string) error {
		rows, err := b.tx.QueryContext(ctx, `SELECT `+pendingColumns+` FROM ledger_pending WHERE id IN (`+sqldb.Marks(len(part))+`) ORDER BY id`+b.s.d.name.ForUpdate(), sqldb.Args(part)...)
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
	if err := b.begin(ctx); err != nil {
		return err
	}
	d := b.s.d
	stmts := rowStatements(`INSERT INTO ledger_transfers (`+transferColumns+`) VALUES `, "", d, transferColumnCount, len(batch.Transfers),
		func(args []any, i int) []any { return transferArgs(args, &batch.Transfers[i]) })
	stmts = append(stmts, rowStatementsOf(`INSERT INTO ledger_refusals (`+refusalColumns+`) VALUES `, "", refusalsPerStatement, refusalColumnCount, len(batch.Refusals),
		func(args []any, i int) []any { return refusalArgs(args, &batch.Refusals[i]) })...)
	stmts = append(stmts, rowStatements(`INSERT INTO ledger_accounts (`+accountColumns+`) VALUES `, d.upsertAccounts, d, 9, len(batch.Accounts),
		func(args []any, i int) []any { return accountArgs(args, batch.Accounts[i]) })...)
	stmts = append(stmts, rowStatements(`INSERT INTO ledger_pending (`+pendingColumns+`) VALUES `, d.upsertPending, d, 7, len(batch.Pending),
		func(args []any, i int) []any { return pendingArgs(args, batch.Pending[i]) })...)
	prev := batch.PrevHash
	if prev == nil {
		prev = []byte{} // the first batch links to the empty hash, not to NULL
	}
	stmts = append(stmts,
		statement{`INSERT INTO ledger_batches (seq, prev_hash, hash, count, created_us) VALUES (?, ?, ?, ?, ?)`,
			[]any{batch.Head.Seq, prev, batch.Head.Hash, len(batch.Transfers), micros(batch.Created)}},
		statement{`UPDATE ledger_head SET seq = ?, hash = ?, last_ts = ? WHERE id = 1`,
			[]any{batch.Head.Seq, batch.Head.Hash, batch.Head.LastMicros}})
	if b.manual {
		// One round trip: every write, then COMMIT. MySQL stops at the first
		// failing statement, so COMMIT runs only if all writes succeeded.
		stmts = append(stmts, statement{"COMMIT", nil})
		if err := execAll(ctx, b.tx, stmts); err != nil {
			return fmt.Errorf("write batch: %w", err)
		}
		b.committed = true
		return nil
	}
	for _, st := range stmts {
		if _, err := b.tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("write batch: %w", err)
		}
	}
	return nil
}

// statement is one SQL statement with its arguments.
type statement struct {
	sql  string
	args []any
}

// maxPacket bounds the bytes of one multi-statement round trip, well below
// MySQL's and MariaDB's default max_allowed_packet of 16 MiB (64 MiB on 8.0).
const maxPacket = 4 << 20

// execAll sends statements in as few multi-statement round trips as fit in
// maxPacket each, in order: one for any ordinary batch.
func execAll(ctx context.Context, q queryer, stmts []statement) error {
	var sb strings.Builder
	var args []any
	flush := func() error {
		if sb.Len() == 0 {
			return nil
		}
		_, err := q.ExecContext(ctx, sb.String(), args...)
		sb.Reset()
		args = nil
		return err
	}
	size := 0
	for _, st := range stmts {
		n := wireSize(st)
		if size > 0 && size+n > maxPacket {
			if err := flush(); err != nil {
				return err
			}
			size = 0
		}
		if sb.Len() > 0 {
			sb.WriteString(";\n")
		}
		sb.WriteString(st.sql)
		args = append(args, st.args...)
		size += n
	}
	return flush()
}

// wireSize bounds the bytes a statement takes once its arguments are
// interpolated: escaping at most doubles a string.
func wireSize(st statement) int {
	n := len(st.sql) + 2
	for _, a := range st.args {
		switch v := a.(type) {
		case string:
			n += 2*len(v) + 3
		case []byte:
			n += 2*len(v) + 10
		default:
			n += 21
		}
	}
	return n
}

// refusalsPerStatement bounds the rows of one INSERT of refusals by size
// rather than by placeholders: each text field of a refused transfer may
// hold up to MaxFieldBytes (twice that once escaped), and one statement must
// stay within maxPacket.
const refusalsPerStatement = maxPacket / (2*(6*ledger.MaxFieldBytes+1024) + 21*refusalColumnCount)

// rowStatements builds multi-row INSERTs for n rows of cols columns, as few
// as the dialect's placeholder limit allows: prefix, the VALUES tuples, then
// suffix. argsOf appends row i's values.
func rowStatements(prefix, suffix string, d dialect, cols, n int, argsOf func(args []any, i int) []any) []statement {
	return rowStatementsOf(prefix, suffix, d.maxParams/cols, cols, n, argsOf)
}

// rowStatementsOf is rowStatements with at most per rows in a statement.
func rowStatementsOf(prefix, suffix string, per, cols, n int, argsOf func(args []any, i int) []any) []statement {
	var out []statement
	for start := 0; start < n; start += per {
		rows := min(per, n-start)
		args := make([]any, 0, rows*cols)
		for i := start; i < start+rows; i++ {
			args = argsOf(args, i)
		}
		out = append(out, statement{prefix + placeholders(rows, cols) + suffix, args})
	}
	return out
}

// insertRows writes n rows with multi-row INSERTs (see rowStatements).
func insertRows(ctx context.Context, q queryer, d dialect, prefix, suffix string, cols, n int, argsOf func(args []any, i int) []any) error {
	for _, st := range rowStatements(prefix, suffix, d, cols, n, argsOf) {
		if _, err := q.ExecContext(ctx, st.sql, st.args...); err != nil {
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
