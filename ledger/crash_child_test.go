package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestCrashChild is the process TestCrashRecovery kills; it does nothing
// unless run by it.
func TestCrashChild(t *testing.T) {
	if os.Getenv(envCrashChild) != "1" {
		t.Skip("run as a child process by TestCrashRecovery")
	}
	// Killed long before this; the timeout only ends an orphan.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	life, err := strconv.Atoi(os.Getenv(envCrashLife))
	require.NoError(t, err)
	seed, err := strconv.ParseUint(os.Getenv(envCrashSeed), 10, 64)
	require.NoError(t, err)
	db, err := sqldb.Open(ctx, os.Getenv(envCrashDB))
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, sqlstore.Migrate(ctx, db))
	c := &crashChild{ctx: ctx, e: ledger.NewEngine(sqlstore.New(db), ledger.Options{})}
	defer func() { require.NoError(t, c.e.Close(context.Background())) }()

	c.fund(t)
	c.replay(t, os.Getenv(envCrashReplay))
	crashEmit("started")
	var wg sync.WaitGroup
	for g := range crashWorkers {
		wg.Go(func() { c.work(life, g, rand.New(rand.NewPCG(seed, uint64(life*crashWorkers+g+1)))) })
	}
	wg.Wait()
}

type crashChild struct {
	ctx context.Context
	e   *ledger.Engine
}

// crashEmit writes one line with a single Write, so lines never interleave
// and a kill can only cut off the last one.
func crashEmit(format string, args ...any) {
	_, _ = os.Stdout.WriteString(fmt.Sprintf(format, args...) + "\n")
}

// fund creates the bank and the wallets and funds them; on restart both
// calls replay.
func (c *crashChild) fund(t *testing.T) {
	accounts := []ledger.Account{system("bank")}
	funds := make([]ledger.Transfer, crashWallets)
	for i := range crashWallets {
		accounts = append(accounts, wallet(crashWallet(i)))
		funds[i] = pay("fund-"+crashWallet(i), "bank", crashWallet(i), crashFunds)
		funds[i].Code = "fund"
	}
	res, err := c.e.CreateAccounts(c.ctx, accounts)
	require.NoError(t, err)
	for i := range res {
		require.NoError(t, res[i].Err, accounts[i].ID)
	}
	require.True(t, c.send(funds...), "funding refused")
}

// replay sends again each transfer in the file, one per call, and checks
// that the ledger answers with the original outcome.
func (c *crashChild) replay(t *testing.T, path string) {
	if path == "" {
		return
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var acked ledger.Transfer
		require.NoError(t, dec.Decode(&acked))
		tr := acked
		tr.Timestamp = time.Time{}
		res, err := c.e.CreateTransfers(c.ctx, []ledger.Transfer{tr})
		switch {
		case err != nil:
			crashEmit("mismatch %s call failed: %v", tr.ID, err)
		case res[0].Err != nil || !res[0].Replayed || !res[0].Timestamp.Equal(acked.Timestamp):
			crashEmit("mismatch %s replayed=%v err=%v timestamp %v, acknowledged %v", tr.ID, res[0].Replayed, res[0].Err, res[0].Timestamp, acked.Timestamp)
		default:
			crashEmit("replayed %s", tr.ID)
		}
	}
}

// work sends transfers until killed: single payments, linked pairs, and
// pending transfers posted by the next call. Call k uses ids 2k and 2k+1.
func (c *crashChild) work(life, g int, rng *rand.Rand) {
	id := func(n int) string { return fmt.Sprintf("r%d-g%d-%d", life, g, n) }
	for n := 0; c.ctx.Err() == nil; n += 2 {
		w := rng.Perm(crashWallets)[:3]
		a, b, d := crashWallet(w[0]), crashWallet(w[1]), crashWallet(w[2])
		amount := 1 + rng.Int64N(500)
		switch k := rng.IntN(10); {
		case k < 5:
			c.send(pay(id(n), a, b, amount))
		case k < 8:
			first, second := pay(id(n), a, b, amount), pay(id(n+1), b, d, 1+rng.Int64N(500))
			first.Flags, first.Code, second.Code = ledger.Linked, "chain", "chain"
			c.send(first, second)
		default:
			hold := pay(id(n), a, b, amount)
			hold.Flags, hold.Code = ledger.Pending, "hold"
			if c.send(hold) {
				post := ledger.Transfer{ID: id(n + 1), Flags: ledger.PostPending, PendingID: hold.ID, Code: "capture"}
				if rng.IntN(2) == 0 {
					post.Amount = 1 + rng.Int64N(amount) // a partial post; zero posts it all
				}
				c.send(post)
			}
		}
	}
}

// send makes one CreateTransfers call and acknowledges each transfer that
// succeeded. It reports whether all did.
func (c *crashChild) send(ts ...ledger.Transfer) bool {
	res, err := c.e.CreateTransfers(c.ctx, ts)
	if err != nil {
		if c.ctx.Err() == nil {
			crashEmit("error %s %v", ts[0].ID, err)
		}
		return false
	}
	ok := 0
	for i, r := range res {
		if r.Err != nil {
			crashEmit("refused %s %s", ts[i].ID, cashless.ErrorCode(r.Err))
			continue
		}
		ok++
		tr := ts[i]
		tr.Timestamp = r.Timestamp
		line, err := json.Marshal(tr)
		if err != nil {
			panic(err)
		}
		crashEmit("ack %s", line)
	}
	if ok != 0 && ok != len(ts) && ts[0].Flags&ledger.Linked != 0 {
		crashEmit("mismatch %s a linked chain committed in part", ts[0].ID)
	}
	return ok == len(ts)
}
