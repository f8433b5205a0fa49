package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/sqldb"
)

// Load implements ledger.BatchTx. On MySQL every read (and the BEGIN before
// them) travels in one multi-statement round trip; elsewhere, or when a list
// is too long for one statement, it runs the reads one by one. Refusals are
// read with the transfer ids of the batch, as full rows: there are seldom
// any.
func (b *batchTx) Load(ctx context.Context, req ledger.LoadRequest) (ledger.Snapshot, error) {
	long := max(len(req.TransferIDs), len(req.PendingIDs), len(req.AccountIDs)) > b.s.d.maxParams
	if !b.manual || long {
		return b.loadEach(ctx, req)
	}
	snap := ledger.Snapshot{
		Refusals: make(map[string]ledger.Refusal),
		Pending:  make(map[string]ledger.PendingTransfer, len(req.PendingIDs)),
		Accounts: make(map[string]ledger.Account, len(req.AccountIDs)),
	}
	var sb strings.Builder
	var args []any
	if !b.begun {
		sb.WriteString("START TRANSACTION;\n")
	}
	sb.WriteString(`SELECT seq, hash, last_ts FROM ledger_head WHERE id = 1 FOR UPDATE`)
	if len(req.TransferIDs) > 0 {
		sb.WriteString(";\nSELECT id FROM ledger_transfers WHERE id IN (" + sqldb.Marks(len(req.TransferIDs)) + `)`)
		sb.WriteString(";\nSELECT " + refusalColumns + ` FROM ledger_refusals WHERE id IN (` + sqldb.Marks(len(req.TransferIDs)) + `)`)
		ids := sqldb.Args(req.TransferIDs)
		args = append(append(args, ids...), ids...)
	}
	if len(req.PendingIDs) > 0 {
		sb.WriteString(";\nSELECT " + pendingColumns + ` FROM ledger_pending WHERE id IN (` + sqldb.Marks(len(req.PendingIDs)) + `) ORDER BY id FOR UPDATE`)
		args = append(args, sqldb.Args(req.PendingIDs)...)
	}
	if len(req.AccountIDs) > 0 {
		sb.WriteString(";\nSELECT " + accountColumns + ` FROM ledger_accounts WHERE id IN (` + sqldb.Marks(len(req.AccountIDs)) + `) ORDER BY id FOR UPDATE`)
		args = append(args, sqldb.Args(req.AccountIDs)...)
	}
	// The transaction may have begun even when a later statement of the
	// query fails (a lock wait timeout rolls back only that statement), so
	// count it as begun before sending: a ROLLBACK without one is harmless.
	b.begun = true
	rows, err := b.tx.QueryContext(ctx, sb.String(), args...)
	if err != nil {
		return snap, fmt.Errorf("load batch: %w", err)
	}
	defer rows.Close()
	var found []string
	sets := []func() error{
		func() error { return rows.Scan(&snap.Head.Seq, &snap.Head.Hash, &snap.Head.LastMicros) },
	}
	if len(req.TransferIDs) > 0 {
		sets = append(sets, func() error {
			var id string
			err := rows.Scan(&id)
			found = append(found, id)
			return err
		}, func() error {
			rf, err := scanRefusal(rows)
			snap.Refusals[rf.Transfer.ID] = rf
			return err
		})
	}
	if len(req.PendingIDs) > 0 {
		sets = append(sets, func() error {
			p, err := scanPending(rows)
			snap.Pending[p.ID] = p
			return err
		})
	}
	if len(req.AccountIDs) > 0 {
		sets = append(sets, func() error {
			a, err := scanAccount(rows)
			snap.Accounts[a.ID] = a
			return err
		})
	}
	// The driver skips the empty result of START TRANSACTION on its own.
	for i, scan := range sets {
		if i > 0 && !rows.NextResultSet() {
			return snap, fmt.Errorf("load batch: result set %d missing: %w", i, rows.Err())
		}
		n := 0
		for rows.Next() {
			if err := scan(); err != nil {
				return snap, fmt.Errorf("load batch: %w", err)
			}
			n++
		}
		if i == 0 && n == 0 {
			return snap, fmt.Errorf("load batch: no chain head row (run migrate)")
		}
	}
	if err := rows.Err(); err != nil {
		return snap, fmt.Errorf("load batch: %w", err)
	}
	rows.Close()
	snap.Transfers = map[string]ledger.StoredTransfer{}
	if len(found) > 0 {
		if snap.Transfers, err = b.s.transfers(ctx, b.tx, found); err != nil {
			return snap, err
		}
	}
	return snap, nil
}

// loadEach is Load one statement at a time.
func (b *batchTx) loadEach(ctx context.Context, req ledger.LoadRequest) (snap ledger.Snapshot, err error) {
	if snap.Head, err = b.LockHead(ctx); err != nil {
		return snap, err
	}
	if snap.Transfers, err = b.Transfers(ctx, req.TransferIDs); err != nil {
		return snap, err
	}
	if snap.Refusals, err = b.Refusals(ctx, req.TransferIDs); err != nil {
		return snap, err
	}
	if snap.Pending, err = b.Pending(ctx, req.PendingIDs); err != nil {
		return snap, err
	}
	snap.Accounts, err = b.LockAccounts(ctx, req.AccountIDs)
	return snap, err
}

// writeBatchByHand runs a batch on one MySQL connection with a hand-run
// transaction (see batchTx).
func (s *Store) writeBatchByHand(ctx context.Context, fn func(ledger.BatchTx) error) error {
	conn, err := s.db.Write.Conn(ctx)
	if err != nil {
		return s.translate(fmt.Errorf("begin batch: %w", err))
	}
	defer conn.Close()
	b := &batchTx{s: s, tx: conn, manual: true}
	err = fn(b)
	if err == nil && b.begun && !b.committed {
		if _, err = conn.ExecContext(ctx, "COMMIT"); err != nil {
			err = fmt.Errorf("commit batch: %w", err)
		}
	}
	if err != nil && b.begun && !b.committed {
		if _, rerr := conn.ExecContext(context.Background(), "ROLLBACK"); rerr != nil {
			// Never hand a connection with an open transaction back to the pool.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	return s.translate(err)
}

var _ queryer = (*sql.Conn)(nil)
