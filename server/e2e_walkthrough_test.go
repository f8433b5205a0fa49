package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/server"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestE2EWalkthrough follows three people through the consumer API, as
// the README's walk-through does: sign up (Ann with her number as she
// types it in Hong Kong), confirm phones and emails with the codes that
// serve writes to its development outbox, top up, pay each other every way
// there is, ask for money and split a bill, see contacts, the feed, the
// statement and the limits, verify their identity and step up with TOTP
// for a large payment.
func TestE2EWalkthrough(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d)
		annName := "Ann Chan 陳安 🦄"
		ann := p.register(t, &user{c: client.New(p.base, nil), phone: "6410 2001", email: "ann.walk@example.com",
			name: annName, username: "annwalk", password: "correct horse battery"})
		ann.phone = "+85264102001"
		bob := p.register(t, &user{c: client.New(p.base, nil), phone: "+85264102002", email: "bob.walk@example.com",
			name: "Bob Lee", username: "bobwalk", password: "correct horse battery"})
		cat := p.register(t, &user{c: client.New(p.base, nil), phone: "+85264102003", email: "cat.walk@example.com",
			name: "Cat Ho", username: "catwalk", password: "correct horse battery"})

		me, err := ann.c.Me(ctx)
		require.NoError(t, err)
		require.Equal(t, annName, me.Name)
		require.Equal(t, ann.phone, me.Phone, "stored in E.164")
		require.Equal(t, 0, me.KYCTier)
		require.False(t, me.PhoneVerified)
		require.False(t, me.EmailVerified)

		// Each signup sent a code to the phone and one to the email; serve
		// wrote them to <data-dir>/outbox/messages.jsonl. Until confirmed,
		// nobody finds Bob by them; his username works at once.
		topup(t, ann, 100_000)
		for _, to := range []client.To{{Phone: bob.phone}, {Email: bob.email}} {
			_, err := ann.c.Send(ctx, key("send"), client.SendParams{To: to, Amount: 1, Currency: "HKD"})
			requireAPIError(t, err, http.StatusNotFound, "recipient_not_found")
		}
		for _, u := range []*user{ann, bob, cat} {
			p.confirm(t, u)
			me, err := u.c.Me(ctx)
			require.NoError(t, err)
			require.True(t, me.PhoneVerified)
			require.True(t, me.EmailVerified)
		}

		// Top-ups settle through the simulated bank.
		topup(t, bob, 50_000)
		require.Equal(t, client.Wallet{Object: "wallet", ID: balance(t, ann).ID, Currency: "HKD", Balance: 100_000, Available: 100_000}, balance(t, ann))

		// No contacts before a first payment.
		contacts, err := ann.c.Contacts(ctx, client.Page{})
		require.NoError(t, err)
		require.Empty(t, contacts.Data)

		// Send by phone, email, username and PayCode.
		code, err := bob.c.PayCode(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, code.Payload)
		require.NotContains(t, code.Payload, bob.phone)
		sends := []struct {
			to     client.To
			amount int64
		}{
			{client.To{Phone: bob.phone}, 1_000},
			{client.To{Email: bob.email}, 2_000},
			{client.To{Username: bob.username}, 3_000},
			{client.To{PayCode: code.Payload}, 4_000},
		}
		for _, s := range sends {
			tr, err := ann.c.Send(ctx, key("send"), client.SendParams{To: s.to, Amount: s.amount, Currency: "HKD"})
			require.NoError(t, err, "%+v", s.to)
			require.Equal(t, "succeeded", tr.Status)
			require.Equal(t, "sent", tr.Direction)
			require.Equal(t, s.amount, tr.Amount)
			require.Equal(t, bob.id, tr.To.ID)
			require.Equal(t, annName, tr.From.Name)

			seen, err := bob.c.Transfer(ctx, tr.ID)
			require.NoError(t, err)
			require.Equal(t, "received", seen.Direction)
			require.Equal(t, s.amount, seen.Amount)
			require.Equal(t, annName, seen.From.Name)
		}
		annSent := int64(10_000)
		require.Equal(t, int64(100_000-annSent), balance(t, ann).Balance)
		require.Equal(t, int64(50_000+annSent), balance(t, bob).Balance)

		// Paying someone makes both each other's contacts.
		requireContact(t, ann, bob.id, "payment")
		requireContact(t, bob, ann.id, "payment")

		// A request for an amount, paid once whatever the retries.
		reqs, err := bob.c.RequestMoney(ctx, key("request"), client.RequestParams{
			From: []client.To{{Phone: ann.phone}}, Amount: 1_500, Currency: "HKD", Message: "tickets 🎟"})
		require.NoError(t, err)
		require.Len(t, reqs.Data, 1)
		req := reqs.Data[0]
		require.Equal(t, "pending", req.Status)
		require.Equal(t, "outgoing", req.Direction)
		annBefore, bobBefore := balance(t, ann).Balance, balance(t, bob).Balance
		payKey := key("pay")
		paid, err := ann.c.PayRequest(ctx, payKey, req.ID, "")
		require.NoError(t, err)
		require.Equal(t, "paid", paid.Status)
		require.NotEmpty(t, paid.Transfer)
		again, err := ann.c.PayRequest(ctx, payKey, req.ID, "")
		require.NoError(t, err, "the same key replays the payment")
		require.Equal(t, paid, again)
		_, err = ann.c.PayRequest(ctx, key("pay"), req.ID, "")
		requireAPIError(t, err, http.StatusConflict, "request_already_paid")
		require.Equal(t, annBefore-1_500, balance(t, ann).Balance)
		require.Equal(t, bobBefore+1_500, balance(t, bob).Balance)
		annSent += 1_500
		tr, err := bob.c.Transfer(ctx, paid.Transfer)
		require.NoError(t, err)
		require.Equal(t, req.ID, tr.Request)
		require.Equal(t, int64(1_500), tr.Amount)

		// A split bill: the remainder falls on the first payer.
		split, err := ann.c.RequestMoney(ctx, key("split"), client.RequestParams{
			From:     []client.To{{Username: bob.username}, {Email: cat.email}},
			Split:    &client.Split{Total: 10_001},
			Currency: "HKD", Message: "dinner"})
		require.NoError(t, err)
		require.Len(t, split.Data, 2)
		byPayer := map[string]client.Request{}
		for _, r := range split.Data {
			byPayer[r.Payer.ID] = r
			require.NotEmpty(t, r.Split)
			require.Equal(t, split.Data[0].Split, r.Split)
		}
		require.Equal(t, int64(5_001), byPayer[bob.id].Amount)
		require.Equal(t, int64(5_000), byPayer[cat.id].Amount)

		// The payer declines, the requester cancels; neither can be paid then.
		declined, err := bob.c.DeclineRequest(ctx, byPayer[bob.id].ID)
		require.NoError(t, err)
		require.Equal(t, "declined", declined.Status)
		canceled, err := ann.c.CancelRequest(ctx, byPayer[cat.id].ID)
		require.NoError(t, err)
		require.Equal(t, "canceled", canceled.Status)
		_, err = bob.c.PayRequest(ctx, key("pay"), byPayer[bob.id].ID, "")
		requireAPIError(t, err, http.StatusConflict, "request_not_pending")
		_, err = cat.c.PayRequest(ctx, key("pay"), byPayer[cat.id].ID, "")
		requireAPIError(t, err, http.StatusConflict, "request_not_pending")
		_, err = cat.c.DeclineRequest(ctx, byPayer[cat.id].ID)
		requireAPIError(t, err, http.StatusConflict, "request_not_pending")

		// The feed: Ann shows what she receives to the public, Bob pays her
		// for friends to see; Cat, Bob's friend since they paid each other,
		// sees it without any amount.
		require.NoError(t, ann.c.SetFeedVisibility(ctx, "public"))
		topup(t, cat, 10_000)
		_, err = cat.c.Send(ctx, key("send"), client.SendParams{To: client.To{Username: bob.username}, Amount: 100, Currency: "HKD"})
		require.NoError(t, err)
		lunch, err := bob.c.Send(ctx, key("send"), client.SendParams{To: client.To{Phone: ann.phone}, Amount: 777,
			Currency: "HKD", Message: "lunch 🍜", Visibility: "friends"})
		require.NoError(t, err)
		status, _, body, err := cat.c.Raw(ctx, http.MethodGet, "/v1/feed", nil, nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status, string(body))
		var feed client.List[client.FeedItem]
		require.NoError(t, json.Unmarshal(body, &feed))
		i := slices.IndexFunc(feed.Data, func(f client.FeedItem) bool { return f.ID == lunch.ID })
		require.GreaterOrEqual(t, i, 0, "Cat sees Bob's payment to Ann: %s", body)
		require.Equal(t, "lunch 🍜", feed.Data[i].Message)
		require.Equal(t, "friends", feed.Data[i].Visibility)
		require.Equal(t, "Ann 陳.", feed.Data[i].To.Name, "Ann never paid Cat: Cat sees her name masked")
		require.Equal(t, "Bob L.", feed.Data[i].From.Name, "Cat paid Bob, Bob never paid Cat")
		requireNoAmounts(t, body)
		// Ann's own private payments to Bob are no one else's business.
		for _, f := range feed.Data {
			require.False(t, f.From.ID == ann.id && f.To.ID == bob.id, "Cat sees a private transfer: %+v", f)
		}

		// Adding a stranger by phone does not tell whose number it is.
		added, err := cat.c.AddContact(ctx, client.To{Phone: ann.phone})
		require.NoError(t, err)
		require.Equal(t, client.Party{ID: ann.id, Name: "Ann 陳.", Username: ann.username}, added.Contact)

		// The statement's running balances add up to the wallet's.
		requireStatementAddsUp(t, ann)
		requireStatementAddsUp(t, bob)

		// Limits: what Ann sent today counts against each period's cap.
		me, err = ann.c.Me(ctx)
		require.NoError(t, err)
		require.NotNil(t, me.Limits)
		require.Equal(t, "HKD", me.Limits.Currency)
		for _, l := range []*client.LimitUsage{me.Limits.Day, me.Limits.Month, me.Limits.Year} {
			require.NotNil(t, l)
			require.Equal(t, annSent, l.Used)
			require.Equal(t, l.Cap-annSent, l.Remaining)
		}
		require.Equal(t, int64(3_000_00), me.Limits.Day.Cap)
		// Top-ups have caps of their own: Ann's HK$1,000 counts there.
		require.NotNil(t, me.TopupLimits)
		require.Equal(t, int64(3_000_00), me.TopupLimits.Day.Cap)
		require.Equal(t, int64(100_000), me.TopupLimits.Day.Used)
		require.Equal(t, int64(100_000), me.TopupLimits.Year.Used)

		// KYC: a wrong check digit is refused and changes nothing; a valid
		// card raises Ann to tier 1, an address to tier 2, each with higher caps.
		good := hkid('A', "123456")
		require.Equal(t, "A123456(3)", good)
		bad := good[:len(good)-2] + "4)"
		v, err := ann.c.VerifyKYC(ctx, client.KYCParams{Tier: 1, IDNumber: bad})
		require.NoError(t, err)
		require.Equal(t, "rejected", v.Status)
		require.Equal(t, "invalid_id_number", v.Reason)
		me, err = ann.c.Me(ctx)
		require.NoError(t, err)
		require.Equal(t, 0, me.KYCTier)
		v, err = ann.c.VerifyKYC(ctx, client.KYCParams{Tier: 1, IDNumber: hkid('K', "918273")})
		require.NoError(t, err)
		require.Equal(t, "approved", v.Status, v.Reason)
		me, err = ann.c.Me(ctx)
		require.NoError(t, err)
		require.Equal(t, 1, me.KYCTier)
		require.Equal(t, int64(5_000_00), me.Limits.Day.Cap)
		require.Equal(t, int64(5_000_00)-annSent, me.Limits.Day.Remaining)
		require.Equal(t, int64(100_000_00), me.Limits.Year.Cap)
		v, err = ann.c.VerifyKYC(ctx, client.KYCParams{Tier: 2, IDNumber: hkid('K', "918273"), Address: "1 Queen's Road, 中環"})
		require.NoError(t, err)
		require.Equal(t, "approved", v.Status, v.Reason)
		me, err = ann.c.Me(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, me.KYCTier)
		require.Equal(t, int64(20_000_00), me.Limits.Day.Cap)

		// TOTP: once enrolled, a send above HK$5,000 needs a code. The
		// refusals are not stored under the key, so the retry with a code
		// and the same key goes through.
		topup(t, ann, 6_000_00)
		enrol, err := ann.c.EnrolTOTP(ctx)
		require.NoError(t, err)
		require.NotEmpty(t, enrol.Secret)
		require.NoError(t, ann.c.ConfirmTOTP(ctx, totpCode(t, enrol.Secret, -1)))
		me, err = ann.c.Me(ctx)
		require.NoError(t, err)
		require.True(t, me.TOTPEnabled)
		before := balance(t, ann)
		big := client.SendParams{To: client.To{Phone: bob.phone}, Amount: 5_000_01, Currency: "HKD"}
		bigKey := key("big")
		_, err = ann.c.Send(ctx, bigKey, big)
		requireAPIError(t, err, http.StatusForbidden, "totp_required")
		big.TOTPCode = "000000"
		if big.TOTPCode == totpCode(t, enrol.Secret, 0) {
			big.TOTPCode = "111111"
		}
		_, err = ann.c.Send(ctx, bigKey, big)
		requireAPIError(t, err, http.StatusForbidden, "invalid_totp")
		require.Equal(t, before, balance(t, ann))
		big.TOTPCode = totpCode(t, enrol.Secret, 0)
		sent, err := ann.c.Send(ctx, bigKey, big)
		require.NoError(t, err)
		require.Equal(t, "succeeded", sent.Status)
		require.Equal(t, before.Balance-5_000_01, balance(t, ann).Balance)
		// The step-up adds up over a rolling window: after HK$5,000.01, even
		// a small send needs a code.
		_, err = ann.c.Send(ctx, key("small"), client.SendParams{To: client.To{Phone: bob.phone}, Amount: 100, Currency: "HKD"})
		requireAPIError(t, err, http.StatusForbidden, "totp_required")
		requireStatementAddsUp(t, ann)
	})
}

// TestE2EFunding checks top-ups and withdrawals through the bank: the
// wallet's balance, available and pending amounts while the bank has not
// answered, the outcome when it succeeds, and when it fails.
func TestE2EFunding(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		// The bank takes long enough for the pending state to be seen.
		p := setupPlatform(t, d, func(c *server.Config) { c.Consumer.BankLatency = 800 * time.Millisecond })
		ann := p.newUser(t, "Ann")

		f, err := ann.c.Topup(ctx, key("topup"), client.TopupParams{Amount: 10_000, Currency: "HKD"})
		require.NoError(t, err)
		require.Equal(t, "pending", f.Status)
		require.Equal(t, client.Wallet{Object: "wallet", ID: balance(t, ann).ID, Currency: "HKD", Pending: 10_000}, balance(t, ann))
		f = waitFunding(t, ann, f.ID, ann.c.GetTopup)
		require.Equal(t, "succeeded", f.Status)
		require.Equal(t, int64(10_000), balance(t, ann).Available)

		w, err := ann.c.Withdraw(ctx, key("withdraw"), client.WithdrawalParams{Amount: 4_000, Currency: "HKD", BankAccount: "012-345-678901"})
		require.NoError(t, err)
		require.Equal(t, "withdrawal", w.Object)
		require.Equal(t, "pending", w.Status)
		require.Equal(t, "8901", w.BankAccountLast4)
		wal := balance(t, ann)
		require.Equal(t, int64(10_000), wal.Balance, "the money is held, not gone")
		require.Equal(t, int64(6_000), wal.Available)
		require.Equal(t, int64(0), wal.Pending)
		// The held money cannot be spent twice.
		_, err = ann.c.Withdraw(ctx, key("withdraw"), client.WithdrawalParams{Amount: 6_001, Currency: "HKD", BankAccount: "012345678901"})
		requireAPIError(t, err, http.StatusUnprocessableEntity, "insufficient_funds")
		w = waitFunding(t, ann, w.ID, ann.c.GetWithdrawal)
		require.Equal(t, "succeeded", w.Status)
		require.Equal(t, client.Wallet{Object: "wallet", ID: wal.ID, Currency: "HKD", Balance: 6_000, Available: 6_000}, balance(t, ann))

		// The same data on a bank that fails everything: a failed
		// withdrawal gives the money back, a failed top-up adds nothing.
		p.restart(t, func(c *server.Config) {
			c.Consumer.BankLatency = time.Millisecond
			c.Consumer.BankFailureRate = 1
		})
		ann.reconnect(p)
		w, err = ann.c.Withdraw(ctx, key("withdraw"), client.WithdrawalParams{Amount: 1_000, Currency: "HKD", BankAccount: "012345678901"})
		require.NoError(t, err)
		w = waitFunding(t, ann, w.ID, ann.c.GetWithdrawal)
		require.Equal(t, "failed", w.Status)
		require.Equal(t, "bank_failed", w.FailureCode)
		f, err = ann.c.Topup(ctx, key("topup"), client.TopupParams{Amount: 500, Currency: "HKD"})
		require.NoError(t, err)
		f = waitFunding(t, ann, f.ID, ann.c.GetTopup)
		require.Equal(t, "failed", f.Status)
		require.Equal(t, "bank_failed", f.FailureCode)
		require.Equal(t, client.Wallet{Object: "wallet", ID: wal.ID, Currency: "HKD", Balance: 6_000, Available: 6_000}, balance(t, ann))
		entries := requireStatementAddsUp(t, ann)
		types := make([]string, len(entries))
		for i, e := range entries {
			types[i] = e.Type
		}
		require.Contains(t, types, "withdrawal_reversed")
		require.Contains(t, types, "topup_reversed")
	})
}

// requireContact checks that u has the user other as a contact from source.
func requireContact(t *testing.T, u *user, other, source string) {
	t.Helper()
	list, err := u.c.Contacts(context.Background(), client.Page{Limit: 100})
	require.NoError(t, err)
	for _, c := range list.Data {
		if c.Contact.ID == other {
			require.Equal(t, source, c.Source)
			return
		}
	}
	t.Fatalf("%s is not a contact of %s: %+v", other, u.id, list.Data)
}

// requireNoAmounts fails when a JSON document has an amount or currency
// anywhere in it.
func requireNoAmounts(t *testing.T, body []byte) {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(body, &v))
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				require.NotContains(t, []string{"amount", "currency", "balance"}, k, "the feed shows %s: %s", k, body)
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	require.False(t, strings.Contains(string(body), `"amount"`))
}

// requireStatementAddsUp reads u's whole HKD statement and checks each
// entry's balance: a posted entry moves the balance by its amount; a
// pending hold and the release of one leave it. The last balance is the
// wallet's. It returns the entries, oldest first.
func requireStatementAddsUp(t *testing.T, u *user) []client.Entry {
	t.Helper()
	var all []client.Entry
	page := client.Page{Limit: 100}
	for {
		list, err := u.c.Activity(context.Background(), "HKD", page)
		require.NoError(t, err)
		all = append(all, list.Data...)
		if !list.HasMore {
			break
		}
		page.StartingAfter = list.Data[len(list.Data)-1].ID
	}
	slices.Reverse(all)
	require.NotEmpty(t, all)
	var bal int64
	for _, e := range all {
		if !e.Pending && !strings.HasSuffix(e.Type, "_reversed") {
			bal += e.Amount
		}
		require.Equal(t, bal, e.Balance, "entry %+v", e)
	}
	require.Equal(t, balance(t, u).Balance, bal)
	return all
}
