package main

import (
	"context"
	"slices"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
)

// check checks what the run left: every answer, a replay of every key,
// the users' transfer lists and wallets, and the ledger itself.
func (r *sendCrash) check() {
	var keys []*sendKey
	for _, s := range r.senders {
		keys = append(keys, s.keys...)
	}
	sent := r.checkAnswers(keys)
	r.checkReplays(keys)
	balances := r.checkLists(sent)
	r.srv.stop()
	r.checkLedger(sent, balances)
}

// checkAnswers checks that every key got one outcome, however often it
// was asked, and that each successful send got a transfer of its own. It
// returns the keys that succeeded by transfer id.
func (r *sendCrash) checkAnswers(keys []*sendKey) map[string]*sendKey {
	t := r.t
	sent := map[string]*sendKey{}
	refused := map[string]int{}
	for _, k := range keys {
		if len(k.answers) == 0 {
			continue // reported by its sender
		}
		first := k.answers[0]
		for _, a := range k.answers[1:] {
			if !a.equal(first) {
				t.Errorf("%s answered %s, then %s", k.key, first, a)
			}
		}
		if !first.ok() {
			refused[first.code]++
			continue
		}
		tr := first.transfer
		if tr.ID == "" || tr.Status != "succeeded" || tr.Direction != "sent" || tr.Amount != k.params.Amount ||
			tr.Currency != crashCurrency || tr.To.Username != crashUsername(k.to) || tr.From.Username != crashUsername(k.from) {
			t.Errorf("%s: the transfer %+v is not the send %+v", k.key, *tr, k.params)
		}
		if other, dup := sent[tr.ID]; dup {
			t.Errorf("%s and %s got the same transfer %s", other.key, k.key, tr.ID)
		}
		sent[tr.ID] = k
	}
	t.Logf("%d sends succeeded, refused: %v", len(sent), refused)
	require.NotEmpty(t, sent, "some sends succeed")
	return sent
}

// checkReplays sends every key once more and checks that the answer is
// the one the key got before.
func (r *sendCrash) checkReplays(keys []*sendKey) {
	t := r.t
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	answers := r.replayAll(ctx, keys, crashSenders)
	for i, k := range keys {
		if len(k.answers) > 0 && !answers[i].equal(k.answers[0]) {
			t.Errorf("%s answered %s, and replayed %s", k.key, k.answers[0], answers[i])
		}
	}
}

// checkLists checks every user's transfers against the answers: each
// succeeded send is listed once by its sender and once by its recipient,
// as it was answered; a refused one is listed as failed or not at all;
// and each wallet holds its top-up less what it sent plus what it
// received. It returns the wallets' balances by ledger account.
func (r *sendCrash) checkLists(sent map[string]*sendKey) map[string]int64 {
	t := r.t
	ctx := context.Background()
	listedSent, listedReceived := map[string]bool{}, map[string]bool{}
	balances := map[string]int64{}
	var total int64
	for i, u := range r.users {
		var sentSum, receivedSum, keySum int64
		seen := map[string]bool{}
		for _, tr := range r.transfers(i) {
			if seen[tr.ID] {
				t.Errorf("user %d lists %s twice", i, tr.ID)
			}
			seen[tr.ID] = true
			k, ok := sent[tr.ID]
			switch {
			case tr.Status == "failed" && tr.Direction == "sent":
				if ok || !slices.Contains(finalCodes, tr.FailureCode) {
					t.Errorf("user %d lists %+v as failed", i, tr)
				}
			case tr.Status != "succeeded" || !ok:
				t.Errorf("user %d lists %+v, which no send was answered with", i, tr)
			case tr.Direction == "sent":
				checkListed(r, k, tr, i)
				listedSent[tr.ID] = true
				sentSum += tr.Amount
			default:
				checkListed(r, k, tr, i)
				listedReceived[tr.ID] = true
				receivedSum += tr.Amount
			}
		}
		for _, k := range sent {
			if k.from == i {
				keySum += k.params.Amount
			}
			if k.to == i {
				keySum -= k.params.Amount
			}
		}
		w, err := u.c.Wallet(ctx, crashCurrency)
		require.NoError(t, err)
		require.Equal(t, w.Balance, w.Available, "user %d: nothing is held", i)
		require.Zero(t, w.Pending, "user %d: nothing is on its way in", i)
		require.Equal(t, int64(crashTopup)-w.Balance, sentSum-receivedSum,
			"user %d: the top-up less the balance is what the listed transfers moved", i)
		require.Equal(t, sentSum-receivedSum, keySum, "user %d: the listed transfers are the answered ones", i)
		balances[w.ID] = w.Balance
		total += w.Balance
	}
	require.Len(t, listedSent, len(sent), "every succeeded send is listed by its sender")
	require.Len(t, listedReceived, len(sent), "every succeeded send is listed by its recipient")
	require.Equal(t, int64(crashUsers*crashTopup), total, "the wallets hold the money topped up")
	return balances
}

// checkListed compares a listed transfer with the answer its send got.
// Names aside: a user sees their own name in full, and the other party's
// in full only once that party has paid them (docs/WALLET.md, "Names"),
// which may have happened between the answer and the listing.
func checkListed(r *sendCrash, k *sendKey, tr client.Transfer, user int) {
	want := *k.answers[0].transfer
	own, other, otherUser := tr.From, tr.To, k.to
	if user == k.to {
		want.Direction = "received"
		own, other, otherUser = tr.To, tr.From, k.from
	}
	got := tr
	got.From.Name, got.To.Name, want.From.Name, want.To.Name = "", "", "", ""
	if got != want {
		r.t.Errorf("user %d lists %+v, but %s was answered with %+v", user, tr, k.key, want)
	}
	if own.Name != crashName(user) || (other.Name != crashName(otherUser) && other.Name != "Crash") {
		r.t.Errorf("user %d lists %+v with the wrong names", user, tr)
	}
}

// checkLedger verifies the ledger through `cashless verify`, then reads
// it: its P2P transfers are exactly the succeeded sends, every wallet
// account holds the balance the API showed, and the bank's account is
// the other side of the top-ups.
func (r *sendCrash) checkLedger(sent map[string]*sendKey, balances map[string]int64) {
	t := r.t
	tm, code := run(t, nil, append([]string{"verify"}, r.dbFlags...)...)
	require.Equal(t, 0, code, "verify: %s%s", tm.stdout.String(), tm.stderr.String())
	require.Contains(t, tm.stdout.String(), "OK")

	ctx := context.Background()
	url, err := r.cfg.DatabaseURL("ledger")
	require.NoError(t, err)
	db, err := sqldb.Open(ctx, url)
	require.NoError(t, err)
	defer db.Close()
	p2p := map[string]bool{}
	var posted int64
	accounts := map[string]ledger.Account{}
	require.NoError(t, sqlstore.New(db).Scan(ctx, ledger.ScanVisitor{
		Transfer: func(tr ledger.StoredTransfer) error {
			if tr.Code != "p2p" {
				return nil
			}
			k, ok := sent[tr.ID]
			switch {
			case !ok:
				t.Errorf("the ledger moved %s, which no send was answered with", tr.ID)
			case p2p[tr.ID]:
				t.Errorf("the ledger moved %s twice", tr.ID)
			case tr.Amount != k.params.Amount || tr.DebitAccountID != r.users[k.from].wallet || tr.CreditAccountID != r.users[k.to].wallet:
				t.Errorf("the ledger moved %+v for %s (%+v)", tr.Transfer, k.key, k.params)
			}
			p2p[tr.ID] = true
			return nil
		},
		Account: func(a ledger.Account) error {
			accounts[a.ID] = a
			posted += a.Posted()
			require.Zero(t, a.Pending(), "account %s has nothing pending", a.ID)
			return nil
		},
	}))
	require.Len(t, p2p, len(sent), "the ledger has one transfer per succeeded send")
	require.Zero(t, posted, "debits equal credits")
	for id, balance := range balances {
		require.Equal(t, balance, accounts[id].Posted(), "the ledger's balance of %s", id)
	}
	require.Equal(t, int64(-crashUsers*crashTopup), accounts["sys.bank."+crashCurrency].Posted(),
		"the bank's account is the other side of the top-ups")
}
