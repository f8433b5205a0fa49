package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
)

const (
	// rawRows is the rows per raw transaction: large enough that the
	// commit's fsync is shared like a full ledger batch's.
	rawRows = 500
	// minRawDuration keeps the raw limit from resting on a second or two.
	minRawDuration = 5 * time.Second
)

// rawLimit measures how many transfer rows per second the database accepts
// in multi-row transactions with no validation, for at least
// minRawDuration. The rows are the workload's own transfers (the same
// accounts, amounts and time-ordered ids, so the same index traffic) with
// made-up balances and hashes. SQLite has one writer, so one goroutine; MySQL
// takes four.
func rawLimit(ctx context.Context, db *sqldb.DB, cfg Config, acc *accounts) (float64, error) {
	writers := 1
	if db.Dialect == sqldb.MySQL {
		writers = 4
	}
	d := max(cfg.Duration, minRawDuration)
	var seq, rows atomic.Int64
	errs := make([]error, writers)
	base := time.Now().UTC().Truncate(time.Microsecond)
	hash := make([]byte, 32)
	_, _ = rand.Read(hash)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			g := newGenerator(acc, cfg, 1_000_000+w)
			batch := make([]ledger.StoredTransfer, 0, rawRows)
			for time.Since(start) < d && ctx.Err() == nil {
				batch = batch[:0]
				for len(batch) < rawRows {
					for _, t := range g.next() {
						batch = append(batch, ledger.StoredTransfer{Transfer: t, RowHash: hash,
							DebitAfter:  ledger.Balances{DebitsPosted: 123_456_789, CreditsPosted: funding},
							CreditAfter: ledger.Balances{DebitsPosted: 98_765_432, CreditsPosted: funding + 123_456}})
					}
				}
				n := seq.Add(int64(len(batch))) - int64(len(batch))
				for i := range batch {
					k := n + int64(i)
					batch[i].Timestamp = base.Add(time.Duration(k) * time.Microsecond)
					batch[i].BatchSeq = k / rawRows
				}
				if err := sqlstore.RawInsert(ctx, db, batch); err != nil {
					errs[w] = err
					return
				}
				rows.Add(int64(len(batch)))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return float64(rows.Load()) / elapsed.Seconds(), nil
}

// StoreLabel names the database and the durability settings it is running
// with, such as "sqlite 3.49.1 (WAL, synchronous=FULL)" or "mariadb 10.11.9
// (innodb_flush_log_at_trx_commit=1, sync_binlog=1)", so that a report never
// hides weakened durability.
func StoreLabel(db *sqldb.DB) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	switch db.Dialect {
	case sqldb.SQLite:
		var version, journal string
		var sync int
		err := db.Write.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&version)
		if err == nil {
			err = db.Write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal)
		}
		if err == nil {
			err = db.Write.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync)
		}
		if err != nil {
			return fmt.Sprintf("sqlite (durability settings unknown: %v)", err)
		}
		names := []string{"OFF", "NORMAL", "FULL", "EXTRA"}
		mode := strconv.Itoa(sync)
		if sync >= 0 && sync < len(names) {
			mode = names[sync]
		}
		label := fmt.Sprintf("sqlite %s (%s, synchronous=%s)", version, strings.ToUpper(journal), mode)
		if sync == 0 || (sync == 1 && !strings.EqualFold(journal, "wal")) {
			label += " NOT DURABLE"
		}
		return label
	case sqldb.MySQL:
		var version string
		var flush, syncBinlog int
		err := db.Read.QueryRowContext(ctx, "SELECT @@version, @@innodb_flush_log_at_trx_commit, @@sync_binlog").
			Scan(&version, &flush, &syncBinlog)
		if err != nil {
			return fmt.Sprintf("mysql (durability settings unknown: %v)", err)
		}
		name, number := "mysql", version
		number, _, _ = strings.Cut(number, "-")
		if _, v, ok := strings.Cut(version, "-TiDB-"); ok {
			name, number = "tidb", v
		} else if strings.Contains(strings.ToLower(version), "mariadb") {
			name = "mariadb"
		}
		label := fmt.Sprintf("%s %s (innodb_flush_log_at_trx_commit=%d, sync_binlog=%d)", name, number, flush, syncBinlog)
		if flush != 1 {
			label += " NOT DURABLE"
		}
		return label
	}
	return string(db.Dialect)
}
