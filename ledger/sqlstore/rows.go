package sqlstore

import (
	"database/sql"
	"time"

	"github.com/cashless-dev/cashless/ledger"
)

const accountColumns = `id, currency, code, flags, debits_posted, credits_posted, debits_pending, credits_pending, created_us`

const transferColumns = `ts, id, debit_account_id, credit_account_id, amount, currency, code, flags, pending_id, timeout_s, metadata, batch_seq,` +
	` dr_debits_posted, dr_credits_posted, dr_debits_pending, dr_credits_pending,` +
	` cr_debits_posted, cr_credits_posted, cr_debits_pending, cr_credits_pending, row_hash`

const transferColumnCount = 21

const refusalColumns = `id, ts, batch_seq, debit_account_id, credit_account_id, amount, currency, code, flags, pending_id, timeout_ns, metadata,` +
	` error_code, error_message, row_hash`

const refusalColumnCount = 15

const pendingColumns = `id, debit_account_id, credit_account_id, amount, currency, expires_us, state`

// Time is stored as int64 microseconds since the Unix epoch, UTC, on both
// engines, so that both compare and sort it the same way.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

type scanner interface{ Scan(dest ...any) error }

func scanAccount(r scanner) (ledger.Account, error) {
	var a ledger.Account
	var created int64
	err := r.Scan(&a.ID, &a.Currency, &a.Code, &a.Flags, &a.DebitsPosted, &a.CreditsPosted, &a.DebitsPending, &a.CreditsPending, &created)
	a.Created = fromMicros(created)
	return a, err
}

func accountArgs(args []any, a ledger.Account) []any {
	return append(args, a.ID, a.Currency, a.Code, uint32(a.Flags), a.DebitsPosted, a.CreditsPosted, a.DebitsPending, a.CreditsPending, micros(a.Created))
}

func scanTransfer(r scanner) (ledger.StoredTransfer, error) {
	var t ledger.StoredTransfer
	var ts, timeout int64
	err := r.Scan(&ts, &t.ID, &t.DebitAccountID, &t.CreditAccountID, &t.Amount, &t.Currency, &t.Code, &t.Flags, &t.PendingID, &timeout, &t.Metadata, &t.BatchSeq,
		&t.DebitAfter.DebitsPosted, &t.DebitAfter.CreditsPosted, &t.DebitAfter.DebitsPending, &t.DebitAfter.CreditsPending,
		&t.CreditAfter.DebitsPosted, &t.CreditAfter.CreditsPosted, &t.CreditAfter.DebitsPending, &t.CreditAfter.CreditsPending, &t.RowHash)
	t.Timestamp = fromMicros(ts)
	t.Timeout = time.Duration(timeout) * time.Second
	return t, err
}

func transferArgs(args []any, t *ledger.StoredTransfer) []any {
	return append(args, micros(t.Timestamp), t.ID, t.DebitAccountID, t.CreditAccountID, t.Amount, t.Currency, t.Code, uint32(t.Flags), t.PendingID,
		int64(t.Timeout/time.Second), t.Metadata, t.BatchSeq,
		t.DebitAfter.DebitsPosted, t.DebitAfter.CreditsPosted, t.DebitAfter.DebitsPending, t.DebitAfter.CreditsPending,
		t.CreditAfter.DebitsPosted, t.CreditAfter.CreditsPosted, t.CreditAfter.DebitsPending, t.CreditAfter.CreditsPending, t.RowHash)
}

func scanRefusal(r scanner) (ledger.Refusal, error) {
	var rf ledger.Refusal
	var ts, timeout int64
	t := &rf.Transfer
	err := r.Scan(&t.ID, &ts, &rf.BatchSeq, &t.DebitAccountID, &t.CreditAccountID, &t.Amount, &t.Currency, &t.Code, &t.Flags, &t.PendingID, &timeout, &t.Metadata,
		&rf.Code, &rf.Message, &rf.RowHash)
	t.Timestamp = fromMicros(ts)
	t.Timeout = time.Duration(timeout)
	return rf, err
}

// refusalArgs passes the text fields of the transfer as bytes: they are
// stored exactly as given, whatever they hold (see the migration).
func refusalArgs(args []any, rf *ledger.Refusal) []any {
	t := &rf.Transfer
	return append(args, t.ID, micros(t.Timestamp), rf.BatchSeq, bytesOf(t.DebitAccountID), bytesOf(t.CreditAccountID), t.Amount, bytesOf(t.Currency),
		bytesOf(t.Code), uint32(t.Flags), bytesOf(t.PendingID), int64(t.Timeout), bytesOf(t.Metadata), rf.Code, rf.Message, rf.RowHash)
}

// bytesOf returns s as bytes, never nil: a nil []byte is NULL to the drivers.
func bytesOf(s string) []byte {
	if s == "" {
		return []byte{}
	}
	return []byte(s)
}

func scanPending(r scanner) (ledger.PendingTransfer, error) {
	var p ledger.PendingTransfer
	var expires sql.NullInt64
	var state string
	err := r.Scan(&p.ID, &p.DebitAccountID, &p.CreditAccountID, &p.Amount, &p.Currency, &expires, &state)
	p.ExpiresMicros = expires.Int64
	p.State = ledger.PendingState(state)
	return p, err
}

func pendingArgs(args []any, p ledger.PendingTransfer) []any {
	// Only outstanding pending transfers keep an expiry, so the expiry index
	// holds just what may still expire.
	var expires any
	if p.ExpiresMicros != 0 && p.State == ledger.StatePending {
		expires = p.ExpiresMicros
	}
	return append(args, p.ID, p.DebitAccountID, p.CreditAccountID, p.Amount, p.Currency, expires, string(p.State))
}
