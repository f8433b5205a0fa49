package payout_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/payout"
	"github.com/cashless-dev/cashless/sqldb"
)

// report reads a payout's report and requires its lines to add up to the
// payout's amount.
func (b *bundle) report(t *testing.T, mid, pid string) []merchant.ReportLine {
	t.Helper()
	rep, err := b.svc.Report(b.ctx, mid, merchant.Live, pid)
	require.NoError(t, err)
	var sum int64
	for _, l := range rep.Lines {
		sum += l.Amount
		require.Equal(t, "HKD", l.Currency)
	}
	require.Equal(t, rep.Payout.Amount.Minor, sum, "report lines %+v", rep.Lines)
	return rep.Lines
}

type line struct {
	typ, object string
	amount      int64
}

func simple(ls []merchant.ReportLine) []line {
	out := make([]line, len(ls))
	for i, l := range ls {
		out[i] = line{l.Type, l.ObjectID, l.Amount}
	}
	return out
}

func TestReportAddsUp(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, d sqldb.Dialect) {
		b := setup(t, d, setupOptions{bad: bank.SimOptions{FailureRate: 1, Latency: 150 * time.Millisecond}})
		mid := b.merchant(t, "Asia/Hong_Kong", "17:00")
		whole := func(key string) *merchant.Payout {
			p, err := b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", Amount: 0, IdempotencyKey: key})
			require.NoError(t, err)
			return p
		}

		a := b.pay(t, mid, merchant.Live, 10000, 120)
		p0 := whole("p0")
		require.Equal(t, payout.StatusPaid, b.wait(t, mid, merchant.Live, p0.ID).Status)
		require.Equal(t, []line{{"payment", a, 10000}, {"fee", a, -120}}, simple(b.report(t, mid, p0.ID)))

		pb := b.pay(t, mid, merchant.Live, 5000, 60)
		re := b.refund(t, mid, 1000)
		b.live.failing.Store(true)
		g, err := b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", Amount: 500, IdempotencyKey: "g"})
		require.NoError(t, err)
		require.Equal(t, payout.StatusFailed, b.wait(t, mid, merchant.Live, g.ID).Status) // held and returned before p1
		f, err := b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", Amount: 2000, IdempotencyKey: "f"})
		require.NoError(t, err)
		b.live.failing.Store(false)
		p1 := whole("p1") // made while f is still pending
		require.Equal(t, int64(1940), p1.Amount.Minor)
		require.Equal(t, payout.StatusPaid, b.wait(t, mid, merchant.Live, p1.ID).Status)
		require.Equal(t, payout.StatusFailed, b.wait(t, mid, merchant.Live, f.ID).Status)
		require.Equal(t, []line{{"payment", pb, 5000}, {"fee", pb, -60}, {"refund", re, -1000}, {"payout", f.ID, -2000}},
			simple(b.report(t, mid, p1.ID)))

		pc := b.pay(t, mid, merchant.Live, 3000, 36)
		p2 := whole("p2")
		require.Equal(t, int64(4964), p2.Amount.Minor)
		require.Equal(t, payout.StatusPaid, b.wait(t, mid, merchant.Live, p2.ID).Status)
		require.Equal(t, []line{{"payout_return", f.ID, 2000}, {"payment", pc, 3000}, {"fee", pc, -36}},
			simple(b.report(t, mid, p2.ID)))

		_, err = b.svc.Report(b.ctx, "mch_other", merchant.Live, p2.ID)
		require.Equal(t, merchant.EPayoutNotFound, code(err))
		b.verify(t)
	})
}

func TestReportCSV(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC)
	rep := &merchant.PayoutReport{
		Payout: &merchant.Payout{ID: "po_1", Amount: money.Amount{Minor: 8780, Currency: "HKD"}, Created: at},
		Lines: []merchant.ReportLine{
			{Type: "payment", ObjectID: "pay_1", Amount: 10000, Currency: "HKD", At: at.Add(-time.Hour)},
			{Type: "fee", ObjectID: "pay_1", Amount: -120, Currency: "HKD", At: at.Add(-time.Hour)},
			{Type: "refund", ObjectID: "re_1", Amount: -1100, Currency: "HKD", At: at.Add(-time.Minute)},
		},
	}
	var buf bytes.Buffer
	require.NoError(t, payout.ReportCSV(&buf, rep))
	require.Equal(t, "type,object,amount,currency,created\n"+
		"payment,pay_1,10000,HKD,2026-12-04T08:30:00Z\n"+
		"fee,pay_1,-120,HKD,2026-12-04T08:30:00Z\n"+
		"refund,re_1,-1100,HKD,2026-12-04T09:29:00Z\n"+
		"total,po_1,8780,HKD,2026-12-04T09:30:00Z\n", buf.String())
}
