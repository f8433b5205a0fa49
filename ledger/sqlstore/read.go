package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/sqldb"
)

// chunked calls fn on slices of ids small enough for one statement.
func (s *Store) chunked(ids []string, fn func(part []string) error) error {
	per := s.d.maxParams
	for start := 0; start < len(ids); start += per {
		if err := fn(ids[start:min(start+per, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

func queryAccounts(ctx context.Context, q queryer, stmt string, ids []string, out map[string]ledger.Account) error {
	rows, err := q.QueryContext(ctx, stmt, sqldb.Args(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return err
		}
		out[a.ID] = a
	}
	return rows.Err()
}

// CreateAccounts implements ledger.Store. It reads (and on MySQL locks) the
// ids first, so it knows which accounts it created and which existed. A
// transaction that loses a race with another creator of the same ids (on
// MySQL often a deadlock between their gap locks) runs again after a short
// random pause, so that racing creators stop meeting: the next time it
// reads the ids. After the last attempt the error wraps ledger.ErrConflict.
func (s *Store) CreateAccounts(ctx context.Context, accounts []ledger.Account) (stored map[string]ledger.Account, created map[string]bool, err error) {
	err = sqldb.RetryConflicts(ctx, sqldb.IsRetryable, func() error {
		stored, created, err = s.createAccounts(ctx, accounts)
		return err
	})
	return stored, created, err
}

func (s *Store) createAccounts(ctx context.Context, accounts []ledger.Account) (map[string]ledger.Account, map[string]bool, error) {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, s.translate(fmt.Errorf("begin: %w", err))
	}
	defer func() { _ = tx.Rollback() }()
	ids := make([]string, len(accounts))
	for i, a := range accounts {
		ids[i] = a.ID
	}
	selectIn := func(part []string) string {
		return `SELECT ` + accountColumns + ` FROM ledger_accounts WHERE id IN (` + sqldb.Marks(len(part)) + `) ORDER BY id` + s.d.name.ForUpdate()
	}
	existing := make(map[string]ledger.Account, len(ids))
	if err := s.chunked(ids, func(part []string) error { return queryAccounts(ctx, tx, selectIn(part), part, existing) }); err != nil {
		return nil, nil, s.translate(fmt.Errorf("read accounts: %w", err))
	}
	var fresh []ledger.Account
	created := make(map[string]bool)
	for _, a := range accounts {
		if _, ok := existing[a.ID]; !ok && !created[a.ID] {
			created[a.ID] = true
			fresh = append(fresh, a)
		}
	}
	err = insertRows(ctx, tx, s.d, `INSERT INTO ledger_accounts (`+accountColumns+`) VALUES `, "", 9, len(fresh),
		func(args []any, i int) []any { return accountArgs(args, fresh[i]) })
	if err != nil {
		return nil, nil, s.translate(fmt.Errorf("create accounts: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, s.translate(fmt.Errorf("commit accounts: %w", err))
	}
	for _, a := range fresh {
		existing[a.ID] = a
	}
	return existing, created, nil
}

// Accounts implements ledger.Store.
func (s *Store) Accounts(ctx context.Context, ids []string) (map[string]ledger.Account, error) {
	out := make(map[string]ledger.Account, len(ids))
	err := s.chunked(ids, func(part []string) error {
		return queryAccounts(ctx, s.db.Read, `SELECT `+accountColumns+` FROM ledger_accounts WHERE id IN (`+sqldb.Marks(len(part))+`)`, part, out)
	})
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", err)
	}
	return out, nil
}

// Transfers implements ledger.Store.
func (s *Store) Transfers(ctx context.Context, ids []string) (map[string]ledger.StoredTransfer, error) {
	return s.transfers(ctx, s.db.Read, ids)
}

func (s *Store) transfers(ctx context.Context, q queryer, ids []string) (map[string]ledger.StoredTransfer, error) {
	out := make(map[string]ledger.StoredTransfer)
	err := s.chunked(ids, func(part []string) error {
		return queryTransfers(ctx, q, `SELECT `+transferColumns+` FROM ledger_transfers WHERE id IN (`+sqldb.Marks(len(part))+`)`, sqldb.Args(part), func(t ledger.StoredTransfer) {
			out[t.ID] = t
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read transfers: %w", err)
	}
	return out, nil
}

// Refusals implements ledger.Store.
func (s *Store) Refusals(ctx context.Context, ids []string) (map[string]ledger.Refusal, error) {
	return s.refusals(ctx, s.db.Read, ids)
}

func (s *Store) refusals(ctx context.Context, q queryer, ids []string) (map[string]ledger.Refusal, error) {
	out := make(map[string]ledger.Refusal)
	err := s.chunked(ids, func(part []string) error {
		return scanRowsArgs(ctx, q, `SELECT `+refusalColumns+` FROM ledger_refusals WHERE id IN (`+sqldb.Marks(len(part))+`)`, sqldb.Args(part), func(r scanner) error {
			rf, err := scanRefusal(r)
			if err != nil {
				return err
			}
			out[rf.Transfer.ID] = rf
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read refusals: %w", err)
	}
	return out, nil
}

func queryTransfers(ctx context.Context, q queryer, stmt string, args []any, fn func(ledger.StoredTransfer)) error {
	rows, err := q.QueryContext(ctx, stmt, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTransfer(rows)
		if err != nil {
			return err
		}
		fn(t)
	}
	return rows.Err()
}

// LatestEntry implements ledger.Store.
func (s *Store) LatestEntry(ctx context.Context, accountID string, atMicros int64) (ledger.StoredTransfer, bool, error) {
	var best ledger.StoredTransfer
	found := false
	for _, side := range []string{"debit_account_id", "credit_account_id"} {
		err := queryTransfers(ctx, s.db.Read, `SELECT `+transferColumns+` FROM ledger_transfers WHERE `+side+` = ? AND ts <= ? ORDER BY ts DESC LIMIT 1`,
			[]any{accountID, atMicros}, func(t ledger.StoredTransfer) {
				if !found || t.Timestamp.After(best.Timestamp) {
					best, found = t, true
				}
			})
		if err != nil {
			return best, false, fmt.Errorf("read balance history: %w", err)
		}
	}
	return best, found, nil
}

// Entries implements ledger.Store. It reads each side's index separately and
// merges, which every engine can do with an index range scan.
func (s *Store) Entries(ctx context.Context, accountID string, afterMicros, beforeMicros int64, desc bool, limit int) ([]ledger.StoredTransfer, error) {
	order := "ASC"
	if desc {
		order = "DESC"
	}
	if beforeMicros == 0 {
		beforeMicros = 1<<63 - 1
	}
	var sides [2][]ledger.StoredTransfer
	for i, side := range []string{"debit_account_id", "credit_account_id"} {
		err := queryTransfers(ctx, s.db.Read, `SELECT `+transferColumns+` FROM ledger_transfers WHERE `+side+` = ? AND ts > ? AND ts < ? ORDER BY ts `+order+` LIMIT ?`,
			[]any{accountID, afterMicros, beforeMicros, limit}, func(t ledger.StoredTransfer) { sides[i] = append(sides[i], t) })
		if err != nil {
			return nil, fmt.Errorf("read history: %w", err)
		}
	}
	out := make([]ledger.StoredTransfer, 0, limit)
	a, b := sides[0], sides[1]
	for len(out) < limit && (len(a) > 0 || len(b) > 0) {
		takeA := len(b) == 0 || (len(a) > 0 && (a[0].Timestamp.Before(b[0].Timestamp) != desc))
		if takeA {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out, nil
}

// DuePending implements ledger.Store.
func (s *Store) DuePending(ctx context.Context, nowMicros int64, limit int) ([]ledger.PendingTransfer, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+pendingColumns+` FROM ledger_pending WHERE expires_us IS NOT NULL AND expires_us <= ? ORDER BY expires_us LIMIT ?`, nowMicros, limit)
	if err != nil {
		return nil, fmt.Errorf("read due pending transfers: %w", err)
	}
	defer rows.Close()
	var out []ledger.PendingTransfer
	for rows.Next() {
		p, err := scanPending(rows)
		if err != nil {
			return nil, fmt.Errorf("read due pending transfers: %w", err)
		}
		if p.State == ledger.StatePending {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// Scan implements ledger.Store. Every query runs in one read-only
// transaction, so Scan sees one consistent state even while engines commit;
// rows are streamed, never loaded whole.
func (s *Store) Scan(ctx context.Context, v ledger.ScanVisitor) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d.name == sqldb.MySQL {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.Read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin scan: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var head ledger.Head
	err = tx.QueryRowContext(ctx, `SELECT seq, hash, last_ts FROM ledger_head WHERE id = 1`).Scan(&head.Seq, &head.Hash, &head.LastMicros)
	if err != nil {
		return fmt.Errorf("scan chain head: %w", err)
	}
	if v.Head != nil {
		if err := v.Head(head); err != nil {
			return err
		}
	}
	err = scanRows(ctx, tx, `SELECT seq, prev_hash, hash, count FROM ledger_batches ORDER BY seq`, func(r scanner) error {
		var seq int64
		var prev, hash []byte
		var count int
		if err := r.Scan(&seq, &prev, &hash, &count); err != nil {
			return err
		}
		if v.Batch == nil {
			return nil
		}
		return v.Batch(seq, prev, hash, count)
	})
	if err != nil {
		return fmt.Errorf("scan batches: %w", err)
	}
	err = scanRows(ctx, tx, `SELECT `+refusalColumns+` FROM ledger_refusals ORDER BY ts`, func(r scanner) error {
		rf, err := scanRefusal(r)
		if err != nil {
			return err
		}
		if v.Refusal == nil {
			return nil
		}
		return v.Refusal(rf)
	})
	if err != nil {
		return fmt.Errorf("scan refusals: %w", err)
	}
	err = scanRows(ctx, tx, `SELECT `+transferColumns+` FROM ledger_transfers ORDER BY ts`, func(r scanner) error {
		t, err := scanTransfer(r)
		if err != nil {
			return err
		}
		if v.Transfer == nil {
			return nil
		}
		return v.Transfer(t)
	})
	if err != nil {
		return fmt.Errorf("scan transfers: %w", err)
	}
	err = scanRows(ctx, tx, `SELECT `+accountColumns+` FROM ledger_accounts ORDER BY id`, func(r scanner) error {
		a, err := scanAccount(r)
		if err != nil {
			return err
		}
		if v.Account == nil {
			return nil
		}
		return v.Account(a)
	})
	if err != nil {
		return fmt.Errorf("scan accounts: %w", err)
	}
	err = scanRows(ctx, tx, `SELECT `+pendingColumns+` FROM ledger_pending ORDER BY id`, func(r scanner) error {
		p, err := scanPending(r)
		if err != nil {
			return err
		}
		if v.Pending == nil {
			return nil
		}
		return v.Pending(p)
	})
	if err != nil {
		return fmt.Errorf("scan pending transfers: %w", err)
	}
	return nil
}

// scanRows runs a query and calls fn on each row until fn fails.
func scanRows(ctx context.Context, q queryer, stmt string, fn func(scanner) error) error {
	return scanRowsArgs(ctx, q, stmt, nil, fn)
}

// scanRowsArgs is scanRows for a query with arguments.
func scanRowsArgs(ctx context.Context, q queryer, stmt string, args []any, fn func(scanner) error) error {
	rows, err := q.QueryContext(ctx, stmt, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
