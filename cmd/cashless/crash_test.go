package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/idempotency"
	"github.com/cashless-dev/cashless/server"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// The parent (TestCrashSend) passes the child (TestCrashChild) its flags
// through these environment variables.
const (
	envCrashChild = "CASHLESS_CRASH_CHILD"
	envCrashArgs  = "CASHLESS_CRASH_ARGS"
	envCrashSeed  = "CASHLESS_CRASH_SEED" // read by the parent, to repeat a run's choices
)

const (
	crashUsers    = 8
	crashSenders  = 16
	crashKills    = 5
	crashTopup    = 2_000_00 // HK$2,000 per user
	crashCurrency = "HKD"
	// crashSettle bounds the wait, once no new sends start, for every send
	// to get its final answer. A send whose server was killed under it
	// keeps its Idempotency-Key leased until the lease runs out, and
	// answers idempotency_key_in_use until then.
	crashSettle = idempotency.DefaultLease + 30*time.Second
)

func crashUsername(i int) string { return "crash" + strconv.Itoa(i) }

// crashName is the name of user i; others see it masked as "Crash".
func crashName(i int) string { return "Crash " + strconv.Itoa(i) }

// crashPhone is the phone number of user i, a Hong Kong mobile.
func crashPhone(i int) string { return "+8529100000" + strconv.Itoa(i) }

// TestCrashSend kills `cashless serve` with SIGKILL at random moments while
// concurrent clients send money to each other, each retrying an undecided
// send with the same Idempotency-Key and body, and restarts it on the same
// databases each time. Afterwards every key has one outcome, which a
// replay returns again; no send is applied twice or lost; and the money in
// the wallets is the money topped up, as the ledger agrees.
func TestCrashSend(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the crash test of sends waits out the idempotency lease of the keys a kill interrupts")
	}
	seed := rand.Uint64()
	if s := os.Getenv(envCrashSeed); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, envCrashSeed)
	}
	t.Logf("seed %d (set %s to repeat its choices)", seed, envCrashSeed)
	for _, d := range []sqldb.Dialect{sqldb.SQLite, sqldb.MySQL} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			r := newSendCrash(t, d, seed)
			start := time.Now()
			r.signup()
			r.load()
			r.settle()
			r.check()
			t.Logf("done in %v", time.Since(start).Round(time.Millisecond))
		})
	}
}

// sendCrash is one dialect's run.
type sendCrash struct {
	t       *testing.T
	rng     *rand.Rand
	srv     *crashServer
	cfg     server.Config // finds the services' databases, as serve does
	dbFlags []string      // the same, as flags of serve and verify
	http    *http.Client
	users   []*crashUser
	senders []*sender
}

type crashUser struct {
	c      *client.Client
	wallet string // the wallet's ledger account
}

func newSendCrash(t *testing.T, d sqldb.Dialect, seed uint64) *sendCrash {
	dir := t.TempDir()
	r := &sendCrash{
		t: t, rng: rand.New(rand.NewPCG(seed, 0)),
		cfg:     server.Config{DataDir: dir},
		dbFlags: []string{"--data-dir", dir},
		http: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			MaxIdleConnsPerHost: 2 * crashSenders, IdleConnTimeout: 30 * time.Second,
		}},
	}
	t.Cleanup(r.http.CloseIdleConnections)
	if d == sqldb.MySQL {
		url := sqldbtest.URL(t, d) // skips without CASHLESS_TEST_MYSQL
		r.cfg.DB = url
		r.dbFlags = append(r.dbFlags, "--db", url)
		// serve makes one database per service, <name>_<service>.
		for _, svc := range server.Services() {
			u, err := r.cfg.DatabaseURL(svc)
			require.NoError(t, err)
			t.Cleanup(func() {
				if os.Getenv("CASHLESS_TEST_KEEP_DB") == "" {
					_ = sqldb.DropMySQLDatabase(context.Background(), strings.TrimPrefix(u, "mysql:"))
				}
			})
		}
	}
	addr := freeAddr(t)
	args := append([]string{"--addr", addr, "--internal-addr", "127.0.0.1:0", "--metrics-addr", "", "--bank-latency", "1ms",
		// No rate limits: the clients retry hard on purpose.
		"--user-rate", "-1", "--ip-rate", "-1", "--lookups-per-minute", "-1", "--ip-lookups-per-minute", "-1", "--signups-per-hour", "-1"}, r.dbFlags...)
	r.srv = newCrashServer(t, args, "http://"+addr, filepath.Join(t.TempDir(), "server.log"))
	return r
}

// signup registers the users, confirms their phones with the codes serve
// wrote to its outbox file (some senders pay by phone), and tops each
// wallet up, then waits until the bank has confirmed every top-up.
func (r *sendCrash) signup() {
	t := r.t
	ctx := context.Background()
	for i := range crashUsers {
		u := &crashUser{c: client.New(r.srv.base, r.http)}
		_, err := u.c.Signup(ctx, client.SignupParams{
			Phone: crashPhone(i), Name: crashName(i),
			Username: crashUsername(i), Password: "correct horse battery staple",
		})
		require.NoError(t, err)
		_, err = u.c.Confirm(ctx, client.Phone, outboxCode(t, r.cfg.DataDir, crashPhone(i)))
		require.NoError(t, err)
		_, err = u.c.Topup(ctx, "topup", client.TopupParams{Amount: crashTopup, Currency: crashCurrency})
		require.NoError(t, err)
		r.users = append(r.users, u)
	}
	for i, u := range r.users {
		require.Eventually(t, func() bool {
			w, err := u.c.Wallet(ctx, crashCurrency)
			return err == nil && w.Balance == crashTopup
		}, 10*time.Second, 10*time.Millisecond, "top-up of user %d", i)
		w, err := u.c.Wallet(ctx, crashCurrency)
		require.NoError(t, err)
		u.wallet = w.ID
	}
}

// load runs the senders, kills and restarts the server crashKills times
// meanwhile, stops new sends a little after the last restart and waits
// until every send has its final answers.
func (r *sendCrash) load() {
	t := r.t
	ctx, cancel := context.WithCancel(context.Background())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	defer func() { // also when a restart fails the test
		cancel()
		wg.Wait()
	}()
	for g := range crashSenders {
		s := &sender{r: r, g: g, from: g % crashUsers, rng: rand.New(rand.NewPCG(r.rng.Uint64(), uint64(g)))}
		r.senders = append(r.senders, s)
		wg.Go(func() { s.run(ctx, stop) })
	}
	time.Sleep(time.Duration(100+r.rng.IntN(300)) * time.Millisecond)
	for range crashKills {
		time.Sleep(time.Duration(150+r.rng.IntN(451)) * time.Millisecond)
		r.srv.kill()
		r.srv.start()
	}
	time.Sleep(300 * time.Millisecond) // the last life takes load too
	close(stop)
	loadEnd := time.Now()
	timer := time.AfterFunc(crashSettle, cancel)
	defer timer.Stop()
	wg.Wait()

	keys, answers, tries := 0, 0, 0
	for _, s := range r.senders {
		keys += len(s.keys)
		tries += s.tries
		for _, k := range s.keys {
			answers += len(k.answers)
		}
	}
	t.Logf("%d kills, %d sends, %d final answers in %d attempts; the last answer came %v after the load",
		r.srv.kills, keys, answers, tries, time.Since(loadEnd).Round(time.Millisecond))
}

// settle waits until the reconciler has finished every transfer: no
// user's list shows one processing.
func (r *sendCrash) settle() {
	t := r.t
	deadline := time.Now().Add(20 * time.Second)
	for {
		processing := 0
		for i := range r.users {
			for _, tr := range r.transfers(i) {
				if tr.Status == "processing" {
					processing++
				}
			}
		}
		if processing == 0 {
			return
		}
		require.False(t, time.Now().After(deadline), "%d transfers still processing", processing)
		time.Sleep(100 * time.Millisecond)
	}
}

// transfers lists all of a user's transfers, page by page.
func (r *sendCrash) transfers(user int) []client.Transfer {
	t := r.t
	var all []client.Transfer
	p := client.Page{Limit: 100}
	for {
		list, err := r.users[user].c.Transfers(context.Background(), p)
		require.NoError(t, err)
		all = append(all, list.Data...)
		if !list.HasMore {
			return all
		}
		require.NotEmpty(t, list.Data, "a page with more after it is not empty")
		p.StartingAfter = list.Data[len(list.Data)-1].ID
	}
}

// freeAddr returns a local address that nothing listens on, for a server
// that must keep its address across restarts.
func freeAddr(t *testing.T) string {
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// outboxCode returns the last one-time code that serve, with its
// development sender, wrote for to into the outbox file of the data
// directory dir.
func outboxCode(t *testing.T, dir, to string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, server.OutboxFile))
	require.NoError(t, err)
	var code string
	for line := range strings.Lines(string(b)) {
		var m struct{ To, Code string }
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		if m.To == to {
			code = m.Code
		}
	}
	require.NotEmpty(t, code, "no code for %s in the outbox", to)
	return code
}
