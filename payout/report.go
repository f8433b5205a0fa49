package payout

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/merchant"
)

// Types of report lines.
const (
	LinePayment      = "payment"
	LineFee          = "fee"
	LineRefund       = "refund"
	LinePayoutReturn = "payout_return"
	// LinePayout is another payout's hold inside the window that was not
	// returned before this payout was made (a payout still pending or
	// failed later): it took money this payout did not pay.
	LinePayout = "payout"
)

// historyPage is the page size of the ledger history the report reads.
const historyPage = 500

// Report implements merchant.Payouts. Its lines are the movements of the
// merchant's available balance from just after the previous paid payout's
// hold up to this payout's hold: payments (+), fees (−), refunds (−) and
// the returns of failed payouts (+). Posting a hold does not change the
// available balance and is not listed; a failed payout whose hold and
// return both fall in the window is left out, as it nets to zero. When
// the previous paid payout swept the whole balance, as the daily
// settlement does, the lines add up to the payout's amount. A pending or
// failed payout has no lines of its own yet: it is reported with the
// lines up to its hold.
func (s *Service) Report(ctx context.Context, merchantID string, mode merchant.Mode, pid string) (*merchant.PayoutReport, error) {
	r, err := s.record(ctx, merchantID, mode, pid)
	if err != nil {
		return nil, err
	}
	rep := &merchant.PayoutReport{Payout: &r.Payout, Lines: []merchant.ReportLine{}}
	ids := []string{r.ID}
	prev, err := s.store.PreviousPaid(ctx, merchantID, mode, r.Amount.Currency, r.ID)
	switch {
	case err == nil:
		ids = append(ids, prev.ID)
	case cashless.ErrorCode(err) != merchant.EPayoutNotFound:
		return nil, err
	}
	ts, err := s.ledger.LookupTransfers(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read payout holds: %w", err)
	}
	var end, start time.Time
	for _, t := range ts {
		if t.ID == r.ID {
			end = t.Timestamp
		} else {
			start = t.Timestamp
		}
	}
	if end.IsZero() { // the hold was never made: nothing paid out
		return rep, nil
	}
	entries, err := s.window(ctx, merchant.AccountID(merchantID, mode, r.Amount.Currency), start, end)
	if err != nil {
		return nil, err
	}
	rep.Lines = lines(entries, r.ID, r.Amount.Currency)
	return rep, nil
}

// window reads the account's history entries committed after start and at
// or before end, oldest first, each with the available balance just
// before it.
func (s *Service) window(ctx context.Context, account string, start, end time.Time) ([]entry, error) {
	var newest []ledger.HistoryEntry // newest first, down to one entry at or before start
	f := ledger.HistoryFilter{AccountID: account, Limit: historyPage}
	for done := false; !done; {
		page, err := s.ledger.History(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("read account history: %w", err)
		}
		for _, e := range page.Entries {
			if e.Transfer.Timestamp.After(end) {
				continue
			}
			newest = append(newest, e)
			if !start.IsZero() && !e.Transfer.Timestamp.After(start) {
				done = true
				break
			}
		}
		if !page.HasMore || len(page.Entries) == 0 {
			break
		}
		f.StartingAfter = page.Entries[len(page.Entries)-1].Transfer.ID
	}
	var out []entry
	for i := len(newest) - 1; i >= 0; i-- {
		e := newest[i]
		if !start.IsZero() && !e.Transfer.Timestamp.After(start) {
			continue // the base the first delta is taken from
		}
		var before int64
		if i+1 < len(newest) {
			before = newest[i+1].Balances.Available()
		}
		out = append(out, entry{t: e.Transfer, delta: e.Balances.Available() - before})
	}
	return out, nil
}

// entry is one transfer with its change of the available balance.
type entry struct {
	t     ledger.Transfer
	delta int64
}

// lines turns the window's entries into report lines, leaving out this
// payout's own hold, posts (no change) and other payouts held and returned
// inside the window.
func lines(entries []entry, self, currency string) []merchant.ReportLine {
	held := map[string]bool{}
	returned := map[string]bool{}
	for _, e := range entries {
		if e.t.Flags&ledger.Pending != 0 {
			held[e.t.ID] = true
		}
		if e.t.Flags&ledger.VoidPending != 0 {
			returned[e.t.PendingID] = true
		}
	}
	out := []merchant.ReportLine{}
	for _, e := range entries {
		t := e.t
		if t.ID == self || e.delta == 0 {
			continue
		}
		l := merchant.ReportLine{ObjectID: t.ID, Amount: e.delta, Currency: currency, At: t.Timestamp}
		switch {
		case t.Flags&ledger.VoidPending != 0 && strings.HasPrefix(t.PendingID, id.Payout+"_"):
			if held[t.PendingID] {
				continue
			}
			l.Type, l.ObjectID = LinePayoutReturn, t.PendingID
		case strings.HasPrefix(t.ID, id.Payout+"_"):
			if returned[t.ID] {
				continue
			}
			l.Type = LinePayout
		case strings.HasSuffix(t.ID, ".fee"):
			l.Type, l.ObjectID = LineFee, strings.TrimSuffix(t.ID, ".fee")
		case strings.HasPrefix(t.ID, id.Refund+"_"):
			l.Type = LineRefund
		default:
			l.Type = LinePayment
		}
		out = append(out, l)
	}
	return out
}

// ReportCSV writes a payout report as CSV: a header row (type, object,
// amount, currency, created), one row per line with the amount in minor
// units and the time in RFC 3339 UTC, and a last row "total" with the sum.
func ReportCSV(w io.Writer, r *merchant.PayoutReport) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"type", "object", "amount", "currency", "created"}); err != nil {
		return err
	}
	var total int64
	currency := r.Payout.Amount.Currency
	for _, l := range r.Lines {
		total += l.Amount
		if err := cw.Write([]string{l.Type, l.ObjectID, strconv.FormatInt(l.Amount, 10), l.Currency, l.At.UTC().Format(time.RFC3339)}); err != nil {
			return err
		}
	}
	if err := cw.Write([]string{"total", r.Payout.ID, strconv.FormatInt(total, 10), currency, r.Payout.Created.UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
