package payout_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/intent"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/payout"
	"github.com/cashless-dev/cashless/sqldb"
)

func TestManualPayoutPaid(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, d sqldb.Dialect) {
		b := setup(t, d, setupOptions{})
		mid := b.merchant(t, "Asia/Hong_Kong", "17:00")
		b.pay(t, mid, merchant.Live, 10000, 120)

		p, err := b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", IdempotencyKey: "k1"})
		require.NoError(t, err)
		require.Equal(t, int64(9880), p.Amount.Minor)
		require.Equal(t, "9012", p.BankAccountLast4)
		require.False(t, p.Automatic)
		p = b.wait(t, mid, merchant.Live, p.ID)
		require.Equal(t, payout.StatusPaid, p.Status)
		require.False(t, p.Completed.IsZero())
		require.Zero(t, b.available(t, mid, merchant.Live))
		bk, err := b.ledger.BalanceAt(b.ctx, merchant.BankAccountID(merchant.Live, "HKD"), time.Time{})
		require.NoError(t, err)
		require.Equal(t, int64(9880), bk.CreditsPosted)

		evs := b.events(t, mid)
		require.Len(t, evs, 1)
		require.Equal(t, merchant.EventPayoutPaid, evs[0].Type)
		var v map[string]any
		require.NoError(t, json.Unmarshal(evs[0].Data, &v))
		require.Equal(t, "payout", v["object"])
		require.Equal(t, p.ID, v["id"])
		require.EqualValues(t, 9880, v["amount"])
		require.Equal(t, "HKD", v["currency"])
		require.Equal(t, "paid", v["status"])
		require.Equal(t, true, v["livemode"])
		require.Equal(t, false, v["automatic"])
		require.Equal(t, "9012", v["bank_account_last4"])
		require.NotEmpty(t, v["completed"])
		require.NotContains(t, v, "failure_code")

		list, more, err := b.svc.Payouts(b.ctx, mid, merchant.Live, cashlessPage(10))
		require.NoError(t, err)
		require.False(t, more)
		require.Len(t, list, 1)
		_, err = b.svc.Payout(b.ctx, mid, merchant.Test, p.ID)
		require.Equal(t, merchant.EPayoutNotFound, code(err), "a test caller cannot see a live payout")
		_, err = b.svc.Payout(b.ctx, "mch_other", merchant.Live, p.ID)
		require.Equal(t, merchant.EPayoutNotFound, code(err))
		b.verify(t)
	})
}

func TestPayoutRefusals(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, d sqldb.Dialect) {
		b := setup(t, d, setupOptions{})
		mid := b.merchant(t, "Asia/Hong_Kong", "17:00")
		_, err := b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", IdempotencyKey: "a"})
		require.Equal(t, merchant.EInsufficientBalance, code(err), "nothing to pay out")
		b.pay(t, mid, merchant.Live, 500, 0)
		_, err = b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", Amount: 501, IdempotencyKey: "b"})
		require.Equal(t, merchant.EInsufficientBalance, code(err))
		_, err = b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", Amount: -1, IdempotencyKey: "c"})
		require.Equal(t, merchant.EInvalidAmount, code(err))
		_, err = b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "USD", IdempotencyKey: "d"})
		require.Equal(t, merchant.ECurrencyNotSupported, code(err))
		_, err = b.svc.CreatePayout(b.ctx, mid, merchant.Test, merchant.PayoutInput{Currency: "HKD", IdempotencyKey: "e"})
		require.Equal(t, merchant.EInsufficientBalance, code(err), "live money is not test money")

		noAcct := b.merchant(t, "Asia/Hong_Kong", "17:00")
		b.src.set(merchant.Settlement{MerchantID: noAcct, TimeZone: "Asia/Hong_Kong"})
		b.pay(t, noAcct, merchant.Live, 500, 0)
		_, err = b.svc.CreatePayout(b.ctx, noAcct, merchant.Live, merchant.PayoutInput{Currency: "HKD", IdempotencyKey: "f"})
		require.Equal(t, merchant.ENoSettlementAccount, code(err))
		require.Equal(t, int64(500), b.available(t, mid, merchant.Live))
	})
}

func TestPayoutFailedReturnsMoney(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, d sqldb.Dialect) {
		b := setup(t, d, setupOptions{})
		b.live.failing.Store(true)
		mid := b.merchant(t, "Asia/Hong_Kong", "17:00")
		b.pay(t, mid, merchant.Live, 10000, 0)
		p, err := b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", Amount: 4000, IdempotencyKey: "k"})
		require.NoError(t, err)
		p = b.wait(t, mid, merchant.Live, p.ID)
		require.Equal(t, payout.StatusFailed, p.Status)
		require.Equal(t, payout.EBankFailed, p.FailureCode)
		require.Equal(t, int64(10000), b.available(t, mid, merchant.Live), "the money is back on the balance")
		evs := b.events(t, mid)
		require.Len(t, evs, 1)
		require.Equal(t, merchant.EventPayoutFailed, evs[0].Type)
		require.Contains(t, string(evs[0].Data), `"failure_code":"bank_failed"`)

		// Failed is final: a later success report for the same ref moves
		// nothing, and the hold can never be posted.
		b.svc.BankOutcome(bank.Outcome{Ref: p.ID, Status: bank.Succeeded})
		res, err := b.ledger.CreateTransfers(b.ctx, []ledger.Transfer{{ID: p.ID + ".post2", PendingID: p.ID, Flags: ledger.PostPending}})
		require.NoError(t, err)
		require.Error(t, res[0].Err)
		p, err = b.svc.Payout(b.ctx, mid, merchant.Live, p.ID)
		require.NoError(t, err)
		require.Equal(t, payout.StatusFailed, p.Status)
		require.Equal(t, int64(10000), b.available(t, mid, merchant.Live))
		require.Len(t, b.events(t, mid), 1)
		b.verify(t)
	})
}

func TestPayoutDeclinedAtOnce(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, d sqldb.Dialect) {
		b := setup(t, d, setupOptions{bad: bank.SimOptions{DeclineRate: 1}})
		b.test.failing.Store(true)
		mid := b.merchant(t, "Asia/Hong_Kong", "17:00")
		b.pay(t, mid, merchant.Test, 3000, 0)
		p, err := b.svc.CreatePayout(b.ctx, mid, merchant.Test, merchant.PayoutInput{Currency: "HKD", IdempotencyKey: "k"})
		require.NoError(t, err)
		require.Equal(t, payout.StatusFailed, p.Status, "a declined payout is failed in the answer")
		require.Equal(t, payout.EBankDeclined, p.FailureCode)
		require.Equal(t, int64(3000), b.available(t, mid, merchant.Test))
		again, err := b.svc.CreatePayout(b.ctx, mid, merchant.Test, merchant.PayoutInput{Currency: "HKD", IdempotencyKey: "k"})
		require.NoError(t, err)
		require.Equal(t, p.ID, again.ID)
		evs := b.events(t, mid)
		require.Len(t, evs, 1)
		require.Contains(t, string(evs[0].Data), `"livemode":false`)
		b.verify(t)
	})
}

func TestConcurrentPayoutsNeverOverdraw(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, d sqldb.Dialect) {
		b := setup(t, d, setupOptions{})
		mid := b.merchant(t, "Asia/Hong_Kong", "17:00")
		b.pay(t, mid, merchant.Live, 10000, 0)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var made []string
		for range 25 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", Amount: 1000, IdempotencyKey: id.New("key")})
				if err != nil {
					require.Equal(t, merchant.EInsufficientBalance, code(err))
					return
				}
				mu.Lock()
				made = append(made, p.ID)
				mu.Unlock()
			}()
		}
		wg.Wait()
		paid := 0
		for _, pid := range made {
			if b.wait(t, mid, merchant.Live, pid).Status == payout.StatusPaid {
				paid++
			}
		}
		require.Equal(t, 10, paid, "exactly the balance is paid out")
		require.Zero(t, b.available(t, mid, merchant.Live))
		b.verify(t)
	})
}

func TestIdempotentRetry(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, d sqldb.Dialect) {
		b := setup(t, d, setupOptions{})
		mid := b.merchant(t, "Asia/Hong_Kong", "17:00")
		b.pay(t, mid, merchant.Live, 10000, 0)
		in := merchant.PayoutInput{Currency: "HKD", Amount: 2500, IdempotencyKey: "same"}
		var wg sync.WaitGroup
		ids := make([]string, 8)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := b.svc.CreatePayout(b.ctx, mid, merchant.Live, in)
				require.NoError(t, err)
				ids[i] = p.ID
			}()
		}
		wg.Wait()
		for _, pid := range ids {
			require.Equal(t, ids[0], pid)
		}
		require.Equal(t, payout.StatusPaid, b.wait(t, mid, merchant.Live, ids[0]).Status)
		require.Equal(t, int64(7500), b.available(t, mid, merchant.Live))
		_, err := b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", Amount: 2000, IdempotencyKey: "same"})
		require.Equal(t, merchant.EIdempotencyKeyReused, code(err))
		// The same key in the other mode is another payout.
		b.pay(t, mid, merchant.Test, 3000, 0)
		tp, err := b.svc.CreatePayout(b.ctx, mid, merchant.Test, in)
		require.NoError(t, err)
		require.NotEqual(t, ids[0], tp.ID)
		b.verify(t)
	})
}

func TestReconcilerFinishesAfterCrash(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, d sqldb.Dialect) {
		b := setup(t, d, setupOptions{})
		mid := b.merchant(t, "Asia/Hong_Kong", "17:00")
		b.pay(t, mid, merchant.Live, 10000, 0)

		// A crash after the hold, before the bank got the order: the
		// bank could not be reached, and the payout stays pending.
		b.live.refuse.Store(1)
		p, err := b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", Amount: 3000, IdempotencyKey: "k"})
		require.NoError(t, err)
		require.Equal(t, payout.StatusPending, p.Status)
		require.Equal(t, int64(7000), b.available(t, mid, merchant.Live), "the hold is made")

		// A crash after storing the intent, before the hold.
		now := b.clock.Now()
		r := &payout.Record{
			Payout: merchant.Payout{ID: id.New(id.Payout), MerchantID: mid, Mode: merchant.Live,
				Amount: money.Amount{Minor: 2000, Currency: "HKD"}, Status: payout.StatusPending, BankAccountLast4: "9012", Created: now},
			Requested: 2000, IdempotencyKey: "crashed", Lease: intent.NewLease(now.Add(2 * time.Second)),
		}
		_, created, err := b.store.CreatePayout(b.ctx, r)
		require.NoError(t, err)
		require.True(t, created)

		require.NoError(t, b.svc.Reconcile(b.ctx))
		require.Equal(t, payout.StatusPending, b.payout(t, mid, p.ID).Status, "the lease still holds it")
		b.clock.Advance(3 * time.Second)
		require.NoError(t, b.svc.Reconcile(b.ctx))
		require.Equal(t, payout.StatusPaid, b.wait(t, mid, merchant.Live, p.ID).Status)
		require.Equal(t, payout.StatusPaid, b.wait(t, mid, merchant.Live, r.ID).Status)
		require.Equal(t, int64(5000), b.available(t, mid, merchant.Live))
		require.Len(t, b.events(t, mid), 2)
		b.verify(t)
	})
}

func TestLostNotificationIsPolled(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, d sqldb.Dialect) {
		b := setup(t, d, setupOptions{dropNotify: true})
		mid := b.merchant(t, "Asia/Hong_Kong", "17:00")
		b.pay(t, mid, merchant.Live, 10000, 0)
		p, err := b.svc.CreatePayout(b.ctx, mid, merchant.Live, merchant.PayoutInput{Currency: "HKD", IdempotencyKey: "k"})
		require.NoError(t, err)
		require.Eventually(t, func() bool {
			o, err := b.live.Status(b.ctx, p.ID)
			require.NoError(t, err)
			return o.Status == bank.Succeeded
		}, 5*time.Second, 2*time.Millisecond)
		require.Equal(t, payout.StatusPending, b.payout(t, mid, p.ID).Status, "the notification was lost")
		b.clock.Advance(3 * time.Second)
		require.NoError(t, b.svc.Reconcile(b.ctx))
		require.Equal(t, payout.StatusPaid, b.payout(t, mid, p.ID).Status)
		require.Zero(t, b.available(t, mid, merchant.Live))
		b.verify(t)
	})
}

func (b *bundle) payout(t *testing.T, mid, pid string) *merchant.Payout {
	t.Helper()
	p, err := b.svc.Payout(b.ctx, mid, merchant.Live, pid)
	require.NoError(t, err)
	return p
}
