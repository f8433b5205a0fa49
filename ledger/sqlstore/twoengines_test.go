package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// submission is one transfer and what each engine it was sent to answered.
type submission struct {
	transfer ledger.Transfer
	results  []ledger.Result
	err      error
}

// TestTwoEnginesOneDatabase runs two engines, each with its own connections
// to the same database, as two instances of the ledger service would. They
// hammer a hot merchant account and p2p payments between wallets with
// limited funds, and submit some transfer ids to both at once. Whatever
// interleaving the database allows, every transfer must commit at most
// once, every refusal is answered alike by both engines, no wallet may go
// below zero, and the hash chain must stay whole.
func TestTwoEnginesOneDatabase(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		ctx := context.Background()
		var engines [2]*ledger.Engine
		var store *sqlstore.Store
		for i := range engines {
			db, err := sqldb.Open(ctx, url)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			require.NoError(t, sqlstore.Migrate(ctx, db))
			store = sqlstore.New(db)
			engines[i] = ledger.NewEngine(store, ledger.Options{ExpiryInterval: time.Hour})
			t.Cleanup(func() { require.NoError(t, engines[i].Close(ctx)) })
		}

		const wallets, funds = 20, 300
		accounts := []ledger.Account{{ID: "bank", Currency: "HKD", Code: "bank"}, walletAccount("merchant")}
		var fund []ledger.Transfer
		for i := range wallets {
			accounts = append(accounts, walletAccount(walletID(i)))
			fund = append(fund, ledger.Transfer{ID: "fund-" + walletID(i), DebitAccountID: "bank", CreditAccountID: walletID(i), Amount: funds, Currency: "HKD", Code: "topup"})
		}
		// Both create the accounts at once: each is created by one engine
		// and replayed by the other.
		var created [2][]ledger.Result
		var createErrs [2]error
		var wg sync.WaitGroup
		for i, e := range engines {
			wg.Go(func() { created[i], createErrs[i] = e.CreateAccounts(ctx, accounts) })
		}
		wg.Wait()
		require.NoError(t, errors.Join(createErrs[:]...))
		for i, a := range accounts {
			r0, r1 := created[0][i], created[1][i]
			require.NoError(t, errors.Join(r0.Err, r1.Err), a.ID)
			require.NotEqual(t, r0.Replayed, r1.Replayed, "%s: want one create and one replay", a.ID)
			require.Equal(t, r0.Timestamp, r1.Timestamp, a.ID)
		}
		res, err := engines[0].CreateTransfers(ctx, fund)
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
		}

		const workers, perWorker, duration = 8, 2_000, 2 * time.Second
		var mu sync.Mutex
		var subs []submission
		deadline := time.Now().Add(duration)
		for e := range engines {
			for w := range workers {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(e), uint64(w)))
					var mine []submission
					for n := 0; n < perWorker && time.Now().Before(deadline); n++ {
						from, to := walletID(rng.IntN(wallets)), walletID(rng.IntN(wallets))
						tr := ledger.Transfer{ID: fmt.Sprintf("e%d-w%d-%d", e, w, n), DebitAccountID: from, CreditAccountID: to, Currency: "HKD", Code: "p2p", Amount: 1 + rng.Int64N(funds)}
						targets := []*ledger.Engine{engines[e]}
						switch r := rng.IntN(10); {
						case r < 5 || from == to:
							tr.CreditAccountID, tr.Code, tr.Amount = "merchant", "payment", 1+rng.Int64N(50)
						case r == 9:
							// A top-up sent to both engines at once, as a
							// client retrying against another instance would.
							tr.DebitAccountID, tr.Code, tr.Amount = "bank", "topup", 1+rng.Int64N(100)
							targets = engines[:]
						case r == 8:
							// An overdraw sent to both: one refuses it, the
							// other replays that refusal.
							tr.Amount = 1 << 40
							targets = engines[:]
						}
						mine = append(mine, submitAll(ctx, targets, tr))
					}
					mu.Lock()
					subs = append(subs, mine...)
					mu.Unlock()
				})
			}
		}
		wg.Wait()

		// Every transfer committed at most once; the engine that did not
		// commit a doubly sent one replays it with the same timestamp.
		committed := map[string]ledger.Transfer{}
		ids := make([]string, 0, len(subs)+len(fund))
		for i, tr := range fund {
			tr.Timestamp = res[i].Timestamp
			committed[tr.ID] = tr
			ids = append(ids, tr.ID)
		}
		refused, replayed, refusedTwice := 0, 0, 0
		var refusals []submission
		for _, s := range subs {
			id := s.transfer.ID
			require.NoError(t, s.err, id)
			ids = append(ids, id)
			if err := s.results[0].Err; err != nil {
				// Only a payment or p2p transfer may be refused, and only
				// for want of funds. Sent to both engines, one refuses it
				// and the other replays the refusal.
				originals := 0
				for _, r := range s.results {
					require.Equal(t, ledger.ExceedsCredits, cashless.ErrorCode(r.Err), "%s: %v", id, r.Err)
					require.Equal(t, s.results[0].Timestamp, r.Timestamp, id)
					require.False(t, r.Timestamp.IsZero(), id)
					if !r.Replayed {
						originals++
					}
				}
				require.Equal(t, 1, originals, "%s: want one refusal and the rest replays", id)
				if len(s.results) > 1 {
					refusedTwice++
				}
				refused++
				refusals = append(refusals, s)
				continue
			}
			originals := 0
			for _, r := range s.results {
				require.NoError(t, r.Err, id)
				require.Equal(t, s.results[0].Timestamp, r.Timestamp, id)
				if r.Replayed {
					replayed++
				} else {
					originals++
				}
			}
			require.Equal(t, 1, originals, "%s: want one commit and one replay", id)
			tr := s.transfer
			tr.Timestamp = s.results[0].Timestamp
			committed[id] = tr
		}
		require.Positive(t, refused, "no overdraw was refused: the funds are not limited enough")
		require.Positive(t, refusedTwice, "no overdraw was sent to both engines")
		require.Positive(t, replayed, "no transfer was sent to both engines")

		// Each engine answers every refusal, whichever engine recorded it,
		// with the refusal as first answered, now that funds may suffice.
		for _, s := range refusals {
			for _, r := range submitAll(ctx, engines[:], s.transfer).results {
				require.Equal(t, ledger.Result{Err: s.results[0].Err, Timestamp: s.results[0].Timestamp, Replayed: true}, r, s.transfer.ID)
			}
		}
		t.Logf("%d submissions: %d committed, %d refused, %d replayed", len(subs), len(committed)-len(fund), refused, replayed)

		// The database holds exactly the committed transfers.
		found, err := engines[1].LookupTransfers(ctx, ids)
		require.NoError(t, err)
		require.Len(t, found, len(committed))
		for _, f := range found {
			require.Equal(t, committed[f.ID], f)
		}

		// Balances follow from the committed transfers; no wallet is below
		// zero and the books balance.
		want := map[string]int64{}
		for _, tr := range committed {
			want[tr.DebitAccountID] -= tr.Amount
			want[tr.CreditAccountID] += tr.Amount
		}
		ids = ids[:0]
		for _, a := range accounts {
			ids = append(ids, a.ID)
		}
		got, err := engines[0].LookupAccounts(ctx, ids)
		require.NoError(t, err)
		require.Len(t, got, len(accounts))
		var sum int64
		for _, a := range got {
			require.Equal(t, want[a.ID], a.Posted(), a.ID)
			require.Zero(t, a.DebitsPending+a.CreditsPending, a.ID)
			if a.ID != "bank" {
				require.GreaterOrEqual(t, a.Posted(), int64(0), a.ID)
			}
			sum += a.Posted()
		}
		require.Zero(t, sum)

		report, err := ledger.Verify(ctx, store)
		require.NoError(t, err)
		require.True(t, report.OK(), "verify: %+v", report.Problems)
		require.Equal(t, int64(len(committed)), report.Transfers)
		require.Equal(t, int64(refused), report.Refusals)
		require.Equal(t, int64(len(accounts)), report.Accounts)
	})
}

// submitAll sends tr to every engine at once.
func submitAll(ctx context.Context, engines []*ledger.Engine, tr ledger.Transfer) submission {
	s := submission{transfer: tr, results: make([]ledger.Result, len(engines))}
	errs := make([]error, len(engines))
	var wg sync.WaitGroup
	for i, e := range engines {
		wg.Go(func() {
			res, err := e.CreateTransfers(ctx, []ledger.Transfer{tr})
			if errs[i] = err; err == nil {
				s.results[i] = res[0]
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			s.err = err
		}
	}
	return s
}

func walletID(i int) string { return fmt.Sprintf("w%02d", i) }

func walletAccount(id string) ledger.Account {
	return ledger.Account{ID: id, Currency: "HKD", Code: "wallet", Flags: ledger.DebitsMustNotExceedCredits}
}
