package merchant_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/internal/testclock"
	"github.com/cashless-dev/cashless/ledger"
	ledgersql "github.com/cashless-dev/cashless/ledger/sqlstore"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/merchant/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/vault"
)

// payers is a small Payers over real ledger wallet accounts, without
// caps: the wallet's own implementation is tested in package wallet.
type payers struct {
	l        ledger.Service
	mu       sync.Mutex
	reserved map[string]bool
	stepUp   map[string]bool // users whose payments need the code "123456"
}

func (p *payers) WalletAccount(ctx context.Context, userID, cur string) (string, error) {
	id := "wal." + userID + "." + cur
	_, err := p.l.CreateAccounts(ctx, []ledger.Account{{ID: id, Currency: cur, Code: "wallet", Flags: ledger.DebitsMustNotExceedCredits}})
	return id, err
}

func (p *payers) ReserveSpend(ctx context.Context, in merchant.SpendInput) (string, error) {
	p.mu.Lock()
	if p.stepUp[in.UserID] && !p.reserved[in.Key] && in.TOTPCode != "123456" {
		p.mu.Unlock()
		return "", cashless.Errorf("totp_required", "a code is needed")
	}
	p.reserved[in.Key] = true
	p.mu.Unlock()
	return p.WalletAccount(ctx, in.UserID, in.Amount.Currency)
}

func (p *payers) ReleaseSpend(_ context.Context, key string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.reserved, key)
	return nil
}

type bundle struct {
	ctx    context.Context
	store  *sqlstore.Store
	clock  *testclock.Clock
	ledger *ledger.Engine
	payers *payers
	m      *merchant.Merchants
}

func setup(t *testing.T, url string) *bundle { return setupRisk(t, url, nil) }

func setupRisk(t *testing.T, url string, risk merchant.Risk) *bundle {
	t.Helper()
	ctx := context.Background()
	dialect, _, err := sqldb.ParseURL(url)
	require.NoError(t, err)
	db := sqldbtest.Open(t, dialect)
	require.NoError(t, sqlstore.Migrate(ctx, db))
	store := sqlstore.New(db)
	t.Cleanup(store.Close)
	ldb := sqldbtest.Open(t, dialect)
	require.NoError(t, ledgersql.Migrate(ctx, ldb))
	eng := ledger.NewEngine(ledgersql.New(ldb), ledger.Options{ExpiryInterval: time.Hour})
	t.Cleanup(func() { _ = eng.Close(ctx) })
	keyURL, err := vault.LocalKeyFile(filepath.Join(t.TempDir(), "keys"))
	require.NoError(t, err)
	v, err := vault.Open(ctx, keyURL, &vault.MemoryKeyStore{})
	require.NoError(t, err)
	p := &payers{l: eng, reserved: map[string]bool{}, stepUp: map[string]bool{}}
	_, err = eng.CreateAccounts(ctx, []ledger.Account{{ID: "sys.mint", Currency: "HKD", Code: "bank"}})
	require.NoError(t, err)
	clock := testclock.New(time.Now().UTC())
	m, err := merchant.New(store, eng, p, v, merchant.Options{ReconcileInterval: -1, Now: clock.Now, Risk: risk, LeaseFor: time.Second, Grace: time.Second})
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close(ctx) })
	return &bundle{ctx: ctx, store: store, clock: clock, ledger: eng, payers: p, m: m}
}

// fund puts money in a user's wallet account.
func (b *bundle) fund(t *testing.T, userID string, amount int64) {
	t.Helper()
	acct, err := b.payers.WalletAccount(b.ctx, userID, "HKD")
	require.NoError(t, err)
	res, err := b.ledger.CreateTransfers(b.ctx, []ledger.Transfer{{ID: "fund." + userID + "." + time.Now().Format("150405.000000000"),
		DebitAccountID: "sys.mint", CreditAccountID: acct, Amount: amount, Currency: "HKD", Code: "topup"}})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
}

func (b *bundle) balance(t *testing.T, acct string) int64 {
	t.Helper()
	bal, err := b.ledger.BalanceAt(b.ctx, acct, time.Time{})
	require.NoError(t, err)
	return bal.Posted()
}
