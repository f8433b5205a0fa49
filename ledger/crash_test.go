package ledger_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// The parent (TestCrashRecovery) passes the child (TestCrashChild) what it
// needs through these environment variables.
const (
	envCrashChild  = "CASHLESS_CRASH_CHILD"
	envCrashDB     = "CASHLESS_CRASH_DB"
	envCrashLife   = "CASHLESS_CRASH_LIFE"
	envCrashSeed   = "CASHLESS_CRASH_SEED" // also read by the parent, to repeat a run
	envCrashReplay = "CASHLESS_CRASH_REPLAY"
)

const (
	crashLives   = 20     // child processes, each killed
	crashWorkers = 32     // goroutines sending transfers in each child
	crashWallets = 50     // funded wallets the transfers move money between
	crashFunds   = 20_000 // per wallet; small enough that some debits are refused
	crashReplays = 6      // transfers acknowledged earlier that each child sends again
)

func crashWallet(i int) string { return fmt.Sprintf("w%02d", i) }

// TestCrashRecovery kills a loaded engine with SIGKILL at random moments,
// restarts it each time, and checks that every transfer it acknowledged
// before dying was committed exactly once, that every refusal it answered
// is recorded, that nothing it did not acknowledge was committed except the
// calls in flight when it died, and that the ledger verifies.
//
// The child writes one line per event to stdout:
//
//	ack <transfer JSON, with the Timestamp the ledger returned>
//	refused <id> <code>
//	replayed <id>
//	mismatch <id> <detail>   (a replay or linked chain went wrong)
//	error <id> <err>         (a whole CreateTransfers call failed)
//	started                  (funding and replays are done; load begins)
func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("crash recovery takes several seconds")
	}
	seed := rand.Uint64()
	if s := os.Getenv(envCrashSeed); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err, envCrashSeed)
	}
	t.Logf("seed %d (set %s to repeat it)", seed, envCrashSeed)
	for _, d := range []sqldb.Dialect{sqldb.SQLite, sqldb.MySQL} {
		t.Run(string(d), func(t *testing.T) {
			r := &crashRun{
				t: t, url: sqldbtest.URL(t, d), seed: seed, dir: t.TempDir(),
				rng:   rand.New(rand.NewPCG(seed, 0)),
				acked: map[string]ledger.Transfer{}, refused: map[string]int{}, refusedIDs: map[string]string{},
			}
			start := time.Now()
			for life := range crashLives {
				r.live(life)
				if t.Failed() {
					return
				}
			}
			r.check()
			t.Logf("%d lives in %v", crashLives, time.Since(start).Round(time.Millisecond))
		})
	}
}

// crashRun is the parent's record of what the children acknowledged.
type crashRun struct {
	t    *testing.T
	url  string
	seed uint64
	dir  string
	rng  *rand.Rand

	acked      map[string]ledger.Transfer // by id, with the timestamp the ledger returned
	refused    map[string]int             // by code
	refusedIDs map[string]string          // id → code of each refusal answered
	kills      int
}

// live runs one child until a random moment after its first acknowledged
// load transfer, kills it and records what it printed.
func (r *crashRun) live(life int) {
	t := r.t
	replays := r.writeReplays(life)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(),
		envCrashChild+"=1",
		envCrashDB+"="+r.url,
		envCrashLife+"="+strconv.Itoa(life),
		envCrashSeed+"="+strconv.FormatUint(r.seed, 10),
		envCrashReplay+"="+replays.path,
	)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	var lines []string
	loading, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		br := bufio.NewReader(stdout)
		started, signal := false, loading
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return // EOF; a last line without '\n' was torn by the kill and is ignored
			}
			line = strings.TrimSuffix(line, "\n")
			lines = append(lines, line)
			switch {
			case line == "started":
				started = true
			case started && signal != nil && strings.HasPrefix(line, "ack "):
				close(signal)
				signal = nil
			}
		}
	}()
	select {
	case <-loading:
		time.Sleep(time.Duration(150+r.rng.IntN(451)) * time.Millisecond)
	case <-done:
	case <-time.After(20 * time.Second):
		t.Errorf("life %d: no acknowledged transfer after 20s", life)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL) // fails only when the child already exited, checked below
	<-done
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL {
		r.kills++
	} else {
		t.Errorf("life %d: child was not killed but ended with %v; stdout tail:\n%s",
			life, err, strings.Join(lines[max(0, len(lines)-20):], "\n"))
	}
	r.record(life, lines, replays.ids)
	if t.Failed() {
		t.Logf("life %d stderr:\n%s", life, stderr.String())
	}
}

// record checks and stores what one child printed.
func (r *crashRun) record(life int, lines []string, replays []string) {
	t := r.t
	confirmed := map[string]bool{}
	acks := 0
	for _, line := range lines {
		verb, rest, _ := strings.Cut(line, " ")
		switch verb {
		case "ack":
			var tr ledger.Transfer
			require.NoError(t, json.Unmarshal([]byte(rest), &tr), "life %d: %s", life, line)
			if prev, ok := r.acked[tr.ID]; ok && !matchesAck(prev, tr) {
				t.Errorf("life %d: %s acknowledged twice with different outcomes: %+v then %+v", life, tr.ID, prev, tr)
			}
			r.acked[tr.ID] = tr
			acks++
		case "refused":
			id, code, _ := strings.Cut(rest, " ")
			r.refused[code]++
			r.refusedIDs[id] = code
		case "replayed":
			confirmed[rest] = true
		case "mismatch", "error":
			t.Errorf("life %d: %s", life, line)
		case "started":
		default:
			t.Logf("life %d: unexpected output: %s", life, line)
		}
	}
	for _, id := range replays {
		if !confirmed[id] {
			t.Errorf("life %d: replay of %s was not confirmed", life, id)
		}
	}
	t.Logf("life %d: %d acks, %d replays confirmed", life, acks, len(confirmed))
}

type crashReplaySet struct {
	path string
	ids  []string
}

// writeReplays picks a few transfers acknowledged by earlier lives for the
// next child to send again. Linked transfers are left out: sent alone they
// would open a chain.
func (r *crashRun) writeReplays(life int) crashReplaySet {
	var ids []string
	for id, tr := range r.acked {
		if strings.HasPrefix(id, "r") && tr.Flags&ledger.Linked == 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return crashReplaySet{}
	}
	slices.Sort(ids)
	r.rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	ids = ids[:min(len(ids), crashReplays)]
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, id := range ids {
		require.NoError(r.t, enc.Encode(r.acked[id]))
	}
	path := filepath.Join(r.dir, fmt.Sprintf("replay-%d.jsonl", life))
	require.NoError(r.t, os.WriteFile(path, buf.Bytes(), 0o600))
	return crashReplaySet{path: path, ids: ids}
}

// matchesAck compares a transfer as sent (with its acknowledged
// timestamp) with another record of it; fields a post leaves empty are
// filled in by the ledger and not compared.
func matchesAck(sent, got ledger.Transfer) bool {
	resolves := sent.PendingID != ""
	return sent.ID == got.ID && sent.Flags == got.Flags && sent.Code == got.Code && sent.PendingID == got.PendingID &&
		sent.Timestamp.Equal(got.Timestamp) &&
		(sent.DebitAccountID == got.DebitAccountID || resolves && sent.DebitAccountID == "") &&
		(sent.CreditAccountID == got.CreditAccountID || resolves && sent.CreditAccountID == "") &&
		(sent.Currency == got.Currency || resolves && sent.Currency == "") &&
		(sent.Amount == got.Amount || resolves && sent.Amount == 0)
}

// check opens the database the children left and checks it against what
// they acknowledged.
func (r *crashRun) check() {
	t := r.t
	ctx := context.Background()
	require.Equal(t, crashLives, r.kills)
	for code := range r.refused {
		require.Contains(t, []string{ledger.ExceedsCredits, ledger.LinkedEventFailed}, code, "unexpected refusal")
	}
	db, err := sqldb.Open(ctx, r.url)
	require.NoError(t, err)
	defer db.Close()
	store := sqlstore.New(db)
	e := ledger.NewEngine(store, ledger.Options{ExpiryInterval: time.Hour})
	defer func() { require.NoError(t, e.Close(ctx)) }()

	// Every acknowledged transfer is there, as acknowledged.
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range r.acked {
			if !yield(id) {
				return
			}
		}
	})
	found, err := e.LookupTransfers(ctx, ids)
	require.NoError(t, err)
	byID := make(map[string]ledger.Transfer, len(found))
	for _, tr := range found {
		byID[tr.ID] = tr
	}
	var lost []string
	for _, id := range ids {
		got, ok := byID[id]
		if !ok {
			lost = append(lost, id)
		} else if !matchesAck(r.acked[id], got) {
			t.Errorf("%s committed as %+v but acknowledged as %+v", id, got, r.acked[id])
		}
	}
	require.Empty(t, lost, "acknowledged transfers lost in a crash")

	// Every refusal answered is recorded, with the code it was answered with.
	refusedIDs := slices.Sorted(maps.Keys(r.refusedIDs))
	refusals, err := e.LookupRefusals(ctx, refusedIDs)
	require.NoError(t, err)
	recorded := map[string]string{}
	for _, rf := range refusals {
		recorded[rf.Transfer.ID] = rf.Code
	}
	require.Equal(t, r.refusedIDs, recorded, "answered refusals lost in a crash")

	// Every committed transfer is there once, and one that was never
	// acknowledged belongs to the call a worker had in flight when killed.
	committed := map[string]ledger.StoredTransfer{}
	var accounts []ledger.Account
	require.NoError(t, store.Scan(ctx, ledger.ScanVisitor{
		Batch: func(int64, []byte, []byte, int) error { return nil },
		Transfer: func(tr ledger.StoredTransfer) error {
			if _, dup := committed[tr.ID]; dup {
				t.Errorf("%s is committed twice", tr.ID)
			}
			committed[tr.ID] = tr
			return nil
		},
		Account: func(a ledger.Account) error { accounts = append(accounts, a); return nil },
		Pending: func(ledger.PendingTransfer) error { return nil },
	}))
	inFlight := r.checkUnacknowledged(committed)
	r.checkChains(committed)
	r.checkNeverOverdrawn(committed, accounts)

	report, err := ledger.Verify(ctx, store)
	require.NoError(t, err)
	require.True(t, report.OK(), "verify: %+v", report.Problems)
	require.Equal(t, int64(len(committed)), report.Transfers)
	require.Equal(t, int64(crashWallets+1), report.Accounts)
	require.GreaterOrEqual(t, report.Refusals, int64(len(r.refusedIDs)), "refusals in flight at a kill may be recorded too")
	t.Logf("%d acknowledged, %d committed (%d in flight at a kill), %d batches, %d pending left; refused %v",
		len(r.acked), len(committed), inFlight, report.Batches, report.Pending, r.refused)
}

// checkUnacknowledged checks that every committed transfer nobody
// acknowledged is part of the last call of its worker (life and goroutine),
// after everything that worker acknowledged. It returns how many there are.
func (r *crashRun) checkUnacknowledged(committed map[string]ledger.StoredTransfer) int {
	t := r.t
	type worker struct{ life, g int }
	lastAcked := map[worker]int{}
	for id := range r.acked {
		if life, g, n, ok := parseCrashID(id); ok {
			lastAcked[worker{life, g}] = max(lastAcked[worker{life, g}], n)
		}
	}
	inFlight := map[worker]map[int]bool{} // worker → the calls (n/2) with unacknowledged commits
	count := 0
	for id := range committed {
		if _, ok := r.acked[id]; ok {
			continue
		}
		count++
		life, g, n, ok := parseCrashID(id)
		if !ok {
			t.Errorf("%s is committed but was never acknowledged", id)
			continue
		}
		w := worker{life, g}
		if last, ok := lastAcked[w]; ok && n <= last {
			t.Errorf("%s is committed but not acknowledged, though its worker acknowledged the later r%d-g%d-%d", id, life, g, last)
		}
		if inFlight[w] == nil {
			inFlight[w] = map[int]bool{}
		}
		inFlight[w][n/2] = true
	}
	for w, calls := range inFlight {
		if len(calls) > 1 {
			t.Errorf("worker r%d-g%d has %d calls committed but not acknowledged; only its last may be", w.life, w.g, len(calls))
		}
	}
	return count
}

// checkChains checks that linked pairs committed whole: n (linked) with n+1.
func (r *crashRun) checkChains(committed map[string]ledger.StoredTransfer) {
	for id, tr := range committed {
		if tr.Code != "chain" {
			continue
		}
		life, g, n, _ := parseCrashID(id)
		other := fmt.Sprintf("r%d-g%d-%d", life, g, n^1)
		if _, ok := committed[other]; !ok {
			r.t.Errorf("%s of a linked chain is committed without %s", id, other)
		}
	}
}

// checkNeverOverdrawn checks that no wallet was below zero after any
// transfer, and that balances sum to zero (double entry).
func (r *crashRun) checkNeverOverdrawn(committed map[string]ledger.StoredTransfer, accounts []ledger.Account) {
	t := r.t
	for id, tr := range committed {
		if strings.HasPrefix(tr.DebitAccountID, "w") && tr.DebitAfter.Available() < 0 {
			t.Errorf("%s left wallet %s at %+v", id, tr.DebitAccountID, tr.DebitAfter)
		}
	}
	var posted, pending int64
	for _, a := range accounts {
		posted += a.Posted()
		pending += a.Pending()
		if a.Code == "wallet" && a.Available() < 0 {
			t.Errorf("wallet %s ends below zero: %+v", a.ID, a.Balances)
		}
	}
	require.Zero(t, posted, "posted balances of all accounts sum to zero")
	require.Zero(t, pending, "pending balances of all accounts sum to zero")
}

// parseCrashID splits a load transfer id "r<life>-g<goroutine>-<n>".
func parseCrashID(id string) (life, g, n int, ok bool) {
	_, err := fmt.Sscanf(id, "r%d-g%d-%d", &life, &g, &n)
	return life, g, n, err == nil && fmt.Sprintf("r%d-g%d-%d", life, g, n) == id
}
