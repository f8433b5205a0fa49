package wallet_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

func TestRequests(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		ada, bob, cy, eve := b.user(t, "ada", 1), b.user(t, "bob", 1), b.user(t, "cy", 1), b.user(t, "eve", 1)

		t.Run("split bill: remainder on the first payer; replay", func(t *testing.T) {
			in := wallet.RequestInput{UserID: ada.ID, From: []wallet.Recipient{{Username: "bob"}, {Username: "cy"}, {Username: "eve"}},
				SplitTotal: hkd(10_00), Message: "dinner", IdempotencyKey: "split"}
			rs, err := b.wallets.RequestMoney(b.ctx, in)
			require.NoError(t, err)
			require.Len(t, rs, 3)
			require.EqualValues(t, 3_34, rs[0].Amount.Minor)
			require.EqualValues(t, 3_33, rs[1].Amount.Minor)
			require.EqualValues(t, 3_33, rs[2].Amount.Minor)
			require.Equal(t, bob.ID, rs[0].Payer.UserID)
			require.Equal(t, "Ada", rs[0].Requester.Name)
			require.NotEmpty(t, rs[0].SplitID)
			require.Equal(t, rs[0].SplitID, rs[2].SplitID)
			require.Equal(t, rs[0].Created.Add(7*24*time.Hour), rs[0].Expires)
			again, err := b.wallets.RequestMoney(b.ctx, in)
			require.NoError(t, err)
			require.Equal(t, rs[1].ID, again[1].ID)
		})

		t.Run("refusals", func(t *testing.T) {
			_, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: ada.ID, From: []wallet.Recipient{{Username: "ada"}}, Amount: hkd(1), IdempotencyKey: "s"})
			require.Equal(t, wallet.ESelfTransfer, code(err))
			_, err = b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: ada.ID, From: []wallet.Recipient{{Username: "nobody"}}, Amount: hkd(1), IdempotencyKey: "n"})
			require.Equal(t, wallet.ERecipientNotFound, code(err))
			_, err = b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: ada.ID, From: []wallet.Recipient{{Username: "bob"}, {Username: "cy"}}, SplitTotal: hkd(1), IdempotencyKey: "tiny"})
			require.Equal(t, wallet.EInvalidAmount, code(err))
		})

		t.Run("pay twice, money once; ownership", func(t *testing.T) {
			b.fund(t, bob.ID, 10_00)
			rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: ada.ID, From: []wallet.Recipient{{Phone: bob.Phone}}, Amount: hkd(6_00), Message: "tickets", IdempotencyKey: "pay"})
			require.NoError(t, err)
			req := rs[0]
			_, err = b.wallets.Request(b.ctx, eve.ID, req.ID)
			require.Equal(t, wallet.ERequestNotFound, code(err))
			_, _, err = b.wallets.PayRequest(b.ctx, eve.ID, req.ID, "", "x")
			require.Equal(t, wallet.ERequestNotFound, code(err))
			_, _, err = b.wallets.PayRequest(b.ctx, ada.ID, req.ID, "", "x")
			require.Equal(t, wallet.ERequestNotFound, code(err), "the requester cannot pay their own request")

			var wg sync.WaitGroup
			results := make([]error, 5)
			for i := range results {
				wg.Go(func() { _, _, results[i] = b.wallets.PayRequest(b.ctx, bob.ID, req.ID, "", "k") })
			}
			wg.Wait()
			paid, err := b.wallets.Request(b.ctx, ada.ID, req.ID)
			require.NoError(t, err)
			require.Equal(t, wallet.RequestPaid, paid.Status)
			require.NotEmpty(t, paid.TransferID)
			require.EqualValues(t, 4_00, b.balance(t, bob.ID).Balance, "paid once")
			tr, err := b.wallets.Transfer(b.ctx, ada.ID, paid.TransferID)
			require.NoError(t, err)
			require.Equal(t, req.ID, tr.RequestID)
			require.Equal(t, "tickets", tr.Message)
			_, _, err = b.wallets.PayRequest(b.ctx, bob.ID, req.ID, "", "k2")
			require.Equal(t, wallet.ERequestAlreadyPaid, code(err), "another call is told the request is paid")
			again, replayed, err := b.wallets.PayRequest(b.ctx, bob.ID, req.ID, "", "k")
			require.NoError(t, err, "the paying call's key is told its outcome")
			require.Equal(t, wallet.RequestPaid, again.Status)
			require.Equal(t, paid.TransferID, replayed.ID)
		})

		t.Run("a failed payment may be tried again", func(t *testing.T) {
			rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: ada.ID, From: []wallet.Recipient{{Username: "cy"}}, Amount: hkd(5_00), IdempotencyKey: "retry"})
			require.NoError(t, err)
			_, _, err = b.wallets.PayRequest(b.ctx, cy.ID, rs[0].ID, "", "a")
			require.Equal(t, wallet.EInsufficientFunds, code(err))
			b.fund(t, cy.ID, 5_00)
			r, tr, err := b.wallets.PayRequest(b.ctx, cy.ID, rs[0].ID, "", "b")
			require.NoError(t, err)
			require.Equal(t, wallet.RequestPaid, r.Status)
			require.Equal(t, tr.ID, r.TransferID)
			require.Zero(t, b.balance(t, cy.ID).Balance)
		})

		t.Run("decline, cancel, expiry", func(t *testing.T) {
			rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: ada.ID,
				From: []wallet.Recipient{{Username: "bob"}, {Username: "cy"}, {Username: "eve"}}, Amount: hkd(1_00), IdempotencyKey: "end"})
			require.NoError(t, err)
			_, err = b.wallets.DeclineRequest(b.ctx, ada.ID, rs[0].ID)
			require.Equal(t, wallet.ERequestNotFound, code(err), "only the payer declines")
			r, err := b.wallets.DeclineRequest(b.ctx, bob.ID, rs[0].ID)
			require.NoError(t, err)
			require.Equal(t, wallet.RequestDeclined, r.Status)
			_, err = b.wallets.CancelRequest(b.ctx, ada.ID, rs[0].ID)
			require.Equal(t, wallet.ERequestNotPending, code(err))
			_, err = b.wallets.CancelRequest(b.ctx, cy.ID, rs[1].ID)
			require.Equal(t, wallet.ERequestNotFound, code(err), "only the requester cancels")
			r, err = b.wallets.CancelRequest(b.ctx, ada.ID, rs[1].ID)
			require.NoError(t, err)
			require.Equal(t, wallet.RequestCanceled, r.Status)
			_, _, err = b.wallets.PayRequest(b.ctx, cy.ID, rs[1].ID, "", "k")
			require.Equal(t, wallet.ERequestNotPending, code(err))

			b.clock.Advance(7*24*time.Hour + time.Second)
			r, err = b.wallets.Request(b.ctx, eve.ID, rs[2].ID)
			require.NoError(t, err)
			require.Equal(t, wallet.RequestExpired, r.Status, "shown expired on read")
			_, _, err = b.wallets.PayRequest(b.ctx, eve.ID, rs[2].ID, "", "k")
			require.Equal(t, wallet.ERequestNotPending, code(err))
			_, err = b.wallets.DeclineRequest(b.ctx, eve.ID, rs[2].ID)
			require.Equal(t, wallet.ERequestNotPending, code(err))
		})

		t.Run("the reconciler expires requests", func(t *testing.T) {
			rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: ada.ID, From: []wallet.Recipient{{Username: "eve"}}, Amount: hkd(1_00), IdempotencyKey: "ttl"})
			require.NoError(t, err)
			b.clock.Advance(8 * 24 * time.Hour)
			require.Eventually(t, func() bool {
				rec, err := b.store.Request(b.ctx, rs[0].ID)
				require.NoError(t, err)
				return rec.Status == wallet.RequestExpired
			}, 5*time.Second, 5*time.Millisecond)
		})

		t.Run("lists, newest first, both directions", func(t *testing.T) {
			all, more, err := b.wallets.Requests(b.ctx, eve.ID, cashless.Page{Limit: 100})
			require.NoError(t, err)
			require.False(t, more)
			require.Len(t, all, 3)
			require.Greater(t, all[0].ID, all[1].ID)
			page, more, err := b.wallets.Requests(b.ctx, eve.ID, cashless.Page{Limit: 2})
			require.NoError(t, err)
			require.True(t, more)
			require.Equal(t, all[:2], page)
			rest, more, err := b.wallets.Requests(b.ctx, eve.ID, cashless.Page{Limit: 2, StartingAfter: page[1].ID})
			require.NoError(t, err)
			require.False(t, more)
			require.Equal(t, all[2:], rest)
			back, more, err := b.wallets.Requests(b.ctx, eve.ID, cashless.Page{Limit: 1, EndingBefore: all[2].ID})
			require.NoError(t, err)
			require.True(t, more)
			require.Equal(t, all[1:2], back)
		})
		b.verify(t)
	})
}

// Reads do not write: until a reconciler pass records a request's expiry
// the stored request is pending, and the store itself refuses to pay or
// end it. The reconciler is off, for a live one would record the expiry at
// once; the test runs the pass itself at the end.
func TestExpiredRequestBeforeTheReconciler(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{manualReconcile: true})
		ada, eve := b.user(t, "ada", 1), b.user(t, "eve", 1)
		rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: ada.ID, From: []wallet.Recipient{{Username: "eve"}}, Amount: hkd(1_00), IdempotencyKey: "ttl"})
		require.NoError(t, err)
		b.clock.Advance(7*24*time.Hour + time.Second)
		r, err := b.wallets.Request(b.ctx, eve.ID, rs[0].ID)
		require.NoError(t, err)
		require.Equal(t, wallet.RequestExpired, r.Status, "shown expired on read")

		rec, err := b.store.Request(b.ctx, rs[0].ID)
		require.NoError(t, err)
		require.Equal(t, wallet.RequestPending, rec.Status, "the read wrote nothing")
		changed, err := b.store.SetRequestStatus(b.ctx, rs[0].ID, wallet.RequestDeclined, b.clock.Now())
		require.NoError(t, err)
		require.False(t, changed)
		now := b.clock.Now()
		_, _, err = b.store.CreateIntent(b.ctx, &wallet.Intent{
			Transfer: wallet.Transfer{ID: "tr_expired_pay", From: wallet.Party{UserID: eve.ID}, To: wallet.Party{UserID: ada.ID},
				Amount: hkd(1_00), Visibility: wallet.Private, Status: wallet.StatusProcessing, RequestID: rs[0].ID, Created: now},
			IdempotencyKey: "expired-pay",
		}, nil, nil)
		require.Equal(t, wallet.ERequestNotPending, code(err))

		require.NoError(t, b.wallets.Reconcile(b.ctx))
		rec, err = b.store.Request(b.ctx, rs[0].ID)
		require.NoError(t, err)
		require.Equal(t, wallet.RequestExpired, rec.Status, "the pass records it")
	})
}
