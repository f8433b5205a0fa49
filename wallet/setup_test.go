package wallet_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/internal/testclock"
	"github.com/cashless-dev/cashless/ledger"
	ledgersql "github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/vault"
	"github.com/cashless-dev/cashless/wallet"
	"github.com/cashless-dev/cashless/wallet/sqlstore"
)

// validTOTP is the one code the test directory accepts, once per user:
// like identity, it refuses a code that was already used.
const validTOTP = "123456"

// directory is an in-memory Directory: identity is another service, and
// the wallet only needs these four lookups of it.
type directory struct {
	mu    sync.Mutex
	users map[string]*identity.User
	used  map[string]bool // users whose code was used
}

func (d *directory) add(u *identity.User) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.users[u.ID] = u
}

func (d *directory) User(_ context.Context, uid string) (*identity.User, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if u, ok := d.users[uid]; ok {
		cp := *u
		return &cp, nil
	}
	return nil, cashless.Errorf(identity.EUserNotFound, "no such user")
}

func (d *directory) Users(_ context.Context, ids []string) (map[string]*identity.User, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]*identity.User{}
	for _, uid := range ids {
		if u, ok := d.users[uid]; ok {
			cp := *u
			out[uid] = &cp
		}
	}
	return out, nil
}

func (d *directory) FindUser(_ context.Context, p identity.Proxy) (*identity.User, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, u := range d.users {
		if (p.Phone != "" && u.Phone == p.Phone) || (p.Email != "" && u.Email == p.Email) || (p.Username != "" && u.Username == p.Username) {
			cp := *u
			return &cp, nil
		}
	}
	return nil, cashless.Errorf(identity.EUserNotFound, "no such user")
}

func (d *directory) VerifyTOTP(_ context.Context, uid, code string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[uid]
	switch {
	case !ok:
		return cashless.Errorf(identity.EUserNotFound, "no such user")
	case !u.TOTPEnabled:
		return nil
	case code == "":
		return cashless.Errorf(identity.ETOTPRequired, "a TOTP code is required")
	case code != validTOTP || d.used[uid]:
		return cashless.Errorf(identity.EInvalidTOTP, "wrong or used code")
	}
	d.used[uid] = true
	return nil
}

// splitBank sends top-ups to one simulated bank and withdrawals to another.
type splitBank struct{ in, out *bank.Simulated }

func (s *splitBank) Submit(ctx context.Context, o bank.Order) error {
	if o.Direction == bank.Out {
		return s.out.Submit(ctx, o)
	}
	return s.in.Submit(ctx, o)
}

func (s *splitBank) Status(ctx context.Context, ref string) (bank.Outcome, error) {
	if o, err := s.out.Status(ctx, ref); err != nil || o.Status != bank.Unknown {
		return o, err
	}
	return s.in.Status(ctx, ref)
}

// testBundle is a wallet service on a fresh wallet database, a real ledger
// on a database of its own, a simulated bank and a vault.
type testBundle struct {
	ctx     context.Context
	db      *sqldb.DB
	store   *sqlstore.Store
	ledger  *ledger.Engine
	lstore  *ledgersql.Store
	bank    *bank.Simulated
	vault   *vault.Vault
	dir     *directory
	clock   *testclock.Clock
	wallets *wallet.Wallets
}

type setupOptions struct {
	bank bank.SimOptions
	// withdrawals, when set, sends withdrawals to a second simulated bank
	// with these options (say, one that fails them all).
	withdrawals *bank.SimOptions
	autoTopup   bool
	limits      func(*wallet.Options)
	// ledger, when set, wraps the ledger the wallet calls (say, to make
	// it fail), and store the wallet's store (say, to watch it).
	ledger func(ledger.Service) ledger.Service
	store  func(wallet.Store) wallet.Store
	// manualReconcile turns the background reconciler off, for a test
	// that must run each pass itself; it says why. Every other test runs
	// with a live reconciler, as a server does.
	manualReconcile bool
}

// reconcileInterval is how often the live reconciler of a test runs.
const reconcileInterval = 20 * time.Millisecond

func setup(t *testing.T, url string, so setupOptions) *testBundle {
	t.Helper()
	ctx := context.Background()
	dialect, _, err := sqldb.ParseURL(url)
	require.NoError(t, err)

	// Every bundle has a wallet database of its own, of url's dialect:
	// two bundles of one test (parallel subtests, say) must not share
	// rows, or one's reconciler would drive the other's intents against
	// its own ledger.
	db := sqldbtest.Open(t, dialect)
	require.NoError(t, sqlstore.Migrate(ctx, db))
	store := sqlstore.New(db)

	ldb := sqldbtest.Open(t, dialect)
	require.NoError(t, ledgersql.Migrate(ctx, ldb))
	lstore := ledgersql.New(ldb)
	eng := ledger.NewEngine(lstore, ledger.Options{ExpiryInterval: time.Hour})

	keyURL, err := vault.LocalKeyFile(filepath.Join(t.TempDir(), "keys"))
	require.NoError(t, err)
	v, err := vault.Open(ctx, keyURL, &vault.MemoryKeyStore{})
	require.NoError(t, err)

	b := &testBundle{ctx: ctx, db: db, store: store, ledger: eng, lstore: lstore, vault: v,
		dir:   &directory{users: map[string]*identity.User{}, used: map[string]bool{}},
		clock: testclock.New(time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC))}
	var ready sync.WaitGroup
	ready.Add(1)
	notify := func(o bank.Outcome) {
		ready.Wait()
		b.wallets.BankOutcome(o)
	}
	b.bank = bank.NewSimulated(so.bank, notify)
	var conn bank.Connector = b.bank
	if so.withdrawals != nil {
		out := bank.NewSimulated(*so.withdrawals, notify)
		t.Cleanup(out.Close)
		conn = &splitBank{in: b.bank, out: out}
	}
	opts := wallet.Options{AutoTopup: so.autoTopup, AutoTopupWait: 3 * time.Second, ReconcileInterval: reconcileInterval, Now: b.clock.Now}
	if so.manualReconcile {
		opts.ReconcileInterval = -1
	}
	if so.limits != nil {
		so.limits(&opts)
	}
	var l ledger.Service = eng
	if so.ledger != nil {
		l = so.ledger(eng)
	}
	var ws wallet.Store = store
	if so.store != nil {
		ws = so.store(store)
	}
	b.wallets, err = wallet.New(ws, b.dir, l, conn, v, opts)
	require.NoError(t, err)
	ready.Done()
	t.Cleanup(func() {
		require.NoError(t, b.wallets.Close(ctx))
		b.bank.Close()
		store.Close()
		require.NoError(t, eng.Close(ctx))
		v.Close()
	})
	return b
}

var phoneSeq atomic.Int64

// user registers a user in the directory.
func (b *testBundle) user(t *testing.T, username string, tier int) *identity.User {
	t.Helper()
	u := &identity.User{ID: id.New(id.User), Phone: fmt.Sprintf("+8529%07d", phoneSeq.Add(1)),
		Email: username + "@example.com", Name: strings.ToUpper(username[:1]) + username[1:], Username: username, KYCTier: tier}
	b.dir.add(u)
	return u
}

// fund tops a user's wallet up and waits for the bank to confirm.
func (b *testBundle) fund(t *testing.T, userID string, minor int64) {
	t.Helper()
	f, err := b.wallets.Topup(b.ctx, wallet.TopupInput{UserID: userID, Amount: hkd(minor), IdempotencyKey: id.New("key")})
	require.NoError(t, err)
	f = b.waitFunding(t, userID, f.ID)
	require.Equal(t, wallet.StatusSucceeded, f.Status)
}

// waitFunding waits until a funding is no longer pending.
func (b *testBundle) waitFunding(t *testing.T, userID, fid string) *wallet.Funding {
	t.Helper()
	var f *wallet.Funding
	require.Eventually(t, func() bool {
		var err error
		f, err = b.wallets.Funding(b.ctx, userID, fid)
		require.NoError(t, err)
		return f.Status != wallet.StatusPending
	}, 5*time.Second, 5*time.Millisecond)
	return f
}

// balance returns a user's HKD wallet.
func (b *testBundle) balance(t *testing.T, userID string) *wallet.Wallet {
	t.Helper()
	w, err := b.wallets.Wallet(b.ctx, userID, "HKD")
	require.NoError(t, err)
	return w
}

// verify checks every ledger invariant: balances match transfers, debits
// equal credits, no wallet overdrawn.
func (b *testBundle) verify(t *testing.T) {
	t.Helper()
	rep, err := ledger.Verify(b.ctx, b.lstore)
	require.NoError(t, err)
	require.True(t, rep.OK(), "ledger verify: %+v", rep)
}

func hkd(minor int64) money.Amount { return money.Amount{Minor: minor, Currency: "HKD"} }

func code(err error) string { return cashless.ErrorCode(err) }
