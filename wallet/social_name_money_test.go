package wallet_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

// named registers a user with a name of more than one word.
func (b *testBundle) named(t *testing.T, username, name string) *identity.User {
	t.Helper()
	u := b.user(t, username, 1)
	b.dir.mu.Lock()
	defer b.dir.mu.Unlock()
	u.Name = name
	return u
}

// A cent's request turns a phone number into a masked name only; once the
// payer has paid the requester, the requester sees the full name
// everywhere, and nobody else does.
func TestMoneyNamesMasked(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		carol, dan, eve := b.named(t, "carol", "Carol Chan"), b.named(t, "dan", "Dan Wong"), b.named(t, "eve", "Eve Ho")
		b.fund(t, carol.ID, 10_00)
		b.fund(t, dan.ID, 10_00)

		ask := func(requester *identity.User, key string) *wallet.Request {
			t.Helper()
			rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: requester.ID,
				From: []wallet.Recipient{{Phone: carol.Phone}}, Amount: hkd(1), IdempotencyKey: key})
			require.NoError(t, err)
			require.Len(t, rs, 1)
			return rs[0]
		}
		req := ask(dan, "cent")
		require.Equal(t, wallet.Party{UserID: carol.ID, Name: "Carol C.", Username: "carol"}, req.Payer)
		require.Equal(t, "Dan Wong", req.Requester.Name, "the viewer's own name")
		eveReq := ask(eve, "cent")
		require.Equal(t, "Carol C.", eveReq.Payer.Name)

		// The payer sees the stranger who asks masked too.
		seen, err := b.wallets.Request(b.ctx, carol.ID, req.ID)
		require.NoError(t, err)
		require.Equal(t, [2]string{"Dan W.", "Carol Chan"}, [2]string{seen.Requester.Name, seen.Payer.Name})

		// Carol pays Dan's request: from now on Dan sees her name.
		paid, tr, err := b.wallets.PayRequest(b.ctx, carol.ID, req.ID, "", "pay")
		require.NoError(t, err)
		require.Equal(t, wallet.RequestPaid, paid.Status)
		require.Equal(t, [2]string{"Carol Chan", "Dan W."}, [2]string{tr.From.Name, tr.To.Name}, "paying Dan does not show his name to Carol")
		require.Equal(t, "Dan W.", paid.Requester.Name)

		got, err := b.wallets.Request(b.ctx, dan.ID, req.ID)
		require.NoError(t, err)
		require.Equal(t, "Carol Chan", got.Payer.Name)
		reqs, _, err := b.wallets.Requests(b.ctx, dan.ID, cashless.Page{})
		require.NoError(t, err)
		require.Len(t, reqs, 1)
		require.Equal(t, "Carol Chan", reqs[0].Payer.Name)
		received, err := b.wallets.Transfer(b.ctx, dan.ID, tr.ID)
		require.NoError(t, err)
		require.Equal(t, [2]string{"Carol Chan", "Dan Wong"}, [2]string{received.From.Name, received.To.Name})
		trs, _, err := b.wallets.Transfers(b.ctx, dan.ID, cashless.Page{})
		require.NoError(t, err)
		require.Len(t, trs, 1)
		require.Equal(t, "Carol Chan", trs[0].From.Name)
		items, _, err := b.wallets.Feed(b.ctx, dan.ID, cashless.Page{})
		require.NoError(t, err)
		require.Len(t, items, 1)
		require.Equal(t, [2]string{"Carol Chan", "Dan Wong"}, [2]string{items[0].From.Name, items[0].To.Name})
		cs, _, err := b.wallets.Contacts(b.ctx, dan.ID, cashless.Page{})
		require.NoError(t, err)
		require.Len(t, cs, 1)
		require.Equal(t, "Carol Chan", cs[0].Contact.Name)
		sent, err := b.wallets.Transfer(b.ctx, carol.ID, tr.ID)
		require.NoError(t, err)
		require.Equal(t, "Dan W.", sent.To.Name)

		// The rule is per pair: Eve still sees the mask.
		eveSeen, err := b.wallets.Request(b.ctx, eve.ID, eveReq.ID)
		require.NoError(t, err)
		require.Equal(t, "Carol C.", eveSeen.Payer.Name)

		// A send: the sender sees a stranger recipient masked, and the
		// recipient sees the sender, who paid them, in full.
		toEve, err := b.wallets.Send(b.ctx, wallet.SendInput{UserID: dan.ID, To: wallet.Recipient{Phone: eve.Phone}, Amount: hkd(1), IdempotencyKey: id.New("key")})
		require.NoError(t, err)
		require.Equal(t, [2]string{"Dan Wong", "Eve H."}, [2]string{toEve.From.Name, toEve.To.Name})
		atEve, err := b.wallets.Transfer(b.ctx, eve.ID, toEve.ID)
		require.NoError(t, err)
		require.Equal(t, [2]string{"Dan Wong", "Eve Ho"}, [2]string{atEve.From.Name, atEve.To.Name})
		trs, _, err = b.wallets.Transfers(b.ctx, dan.ID, cashless.Page{})
		require.NoError(t, err)
		require.Len(t, trs, 2)
		require.Equal(t, [2]string{"Eve H.", "Carol Chan"}, [2]string{trs[0].To.Name, trs[1].From.Name})
	})
}

// A failed transfer is no acquaintance: the recipient still sees a mask.
func TestFailedTransferKeepsMask(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		carol, dan := b.named(t, "carol", "Carol Chan"), b.named(t, "dan", "Dan Wong")
		_, err := b.wallets.Send(b.ctx, wallet.SendInput{UserID: carol.ID, To: wallet.Recipient{Username: "dan"}, Amount: hkd(1), IdempotencyKey: "broke"})
		require.Equal(t, wallet.EInsufficientFunds, code(err))
		rs, err := b.wallets.RequestMoney(b.ctx, wallet.RequestInput{UserID: dan.ID, From: []wallet.Recipient{{Username: "carol"}}, Amount: hkd(1), IdempotencyKey: "cent"})
		require.NoError(t, err)
		require.Equal(t, "Carol C.", rs[0].Payer.Name)
	})
}
