package identity_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/identity/sqlstore"
	"github.com/cashless-dev/cashless/internal/syncbuf"
	"github.com/cashless-dev/cashless/internal/testclock"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/vault"
	vaultstore "github.com/cashless-dev/cashless/vault/sqlstore"
)

// testBundle is an identity service on a fresh database, with a clock the
// test moves by hand.
type testBundle struct {
	ctx   context.Context
	url   string
	db    *sqldb.DB
	store *sqlstore.Store
	vault *vault.Vault
	// keeper is the vault's key keeper URL.
	keeper string
	clock  *testclock.Clock
	svc    *identity.Identity
	// outbox holds the one-time codes the service sent.
	outbox *outbox
	// logs holds what the service logged.
	logs *syncbuf.Buffer
}

// t0 has a microsecond part so that lost precision shows.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 123_456_000, time.UTC)

func setup(t *testing.T, url string, opts ...func(*identity.Options)) *testBundle {
	t.Helper()
	ctx := t.Context()
	db, err := sqldb.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, sqlstore.Migrate(ctx, db))
	require.NoError(t, vaultstore.Migrate(ctx, db, "identity"))
	keeper, err := vault.LocalKeyFile(filepath.Join(t.TempDir(), "keys"))
	require.NoError(t, err)
	v, err := vault.Open(ctx, keeper, vaultstore.New(db, "identity"))
	require.NoError(t, err)
	t.Cleanup(func() { v.Close() })
	store := sqlstore.New(db)
	t.Cleanup(store.Close)

	b := &testBundle{ctx: ctx, url: url, db: db, store: store, vault: v, clock: testclock.New(t0), outbox: &outbox{}, logs: &syncbuf.Buffer{}}
	o := identity.Options{
		Now:      b.clock.Now,
		TokenKey: testKey,
		Argon2:   identity.CheapArgon2,
		Sender:   b.outbox,
		Logger:   slog.New(slog.NewJSONHandler(b.logs, nil)),
	}
	for _, f := range opts {
		f(&o)
	}
	b.svc, err = identity.New(store, v, o)
	require.NoError(t, err)
	b.keeper = keeper
	return b
}

// newInstance returns a second service on the bundle's database with its
// own connections, store and vault, as another process would have.
func (b *testBundle) newInstance(t *testing.T) *identity.Identity {
	t.Helper()
	db, err := sqldb.Open(b.ctx, b.url)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	v, err := vault.Open(b.ctx, b.keeper, vaultstore.New(db, "identity"))
	require.NoError(t, err)
	t.Cleanup(func() { v.Close() })
	store := sqlstore.New(db)
	t.Cleanup(store.Close)
	svc, err := identity.New(store, v, identity.Options{Now: b.clock.Now, TokenKey: testKey, Argon2: identity.CheapArgon2, Sender: b.outbox})
	require.NoError(t, err)
	return svc
}

var testKey = []byte("0123456789abcdef0123456789abcdef")

// eachDialect runs fn in parallel on a fresh service of every dialect.
func eachDialect(t *testing.T, fn func(t *testing.T, b *testBundle), opts ...func(*identity.Options)) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		fn(t, setup(t, url, opts...))
	})
}

const password = "correct horse battery"

var client = identity.Client{IP: "203.0.113.7", UserAgent: "CashlessApp/1.0 (iPhone)"}

// signup registers a user with the phone and returns it with its tokens.
func (b *testBundle) signup(t *testing.T, phone string, more ...func(*identity.SignupInput)) (*identity.User, *identity.Tokens) {
	t.Helper()
	in := identity.SignupInput{Phone: phone, Name: "Chan Tai Man", Password: password, Client: client}
	for _, f := range more {
		f(&in)
	}
	u, tok, err := b.svc.Signup(b.ctx, in)
	require.NoError(t, err)
	return u, tok
}

func (b *testBundle) login(phone, pw string) (*identity.User, *identity.Tokens, error) {
	return b.svc.Login(b.ctx, identity.LoginInput{Phone: phone, Password: pw, Client: client})
}

// requireCode fails unless err carries code, and returns the coded error.
func requireCode(t *testing.T, code string, err error, msgAndArgs ...any) *cashless.Error {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	if len(msgAndArgs) == 0 {
		msgAndArgs = []any{"error: %v", err}
	}
	require.Equal(t, code, cashless.ErrorCode(err), msgAndArgs...)
	var e *cashless.Error
	require.ErrorAs(t, err, &e)
	return e
}

// outbox is a Sender that keeps what it is given, as a phone or mailbox
// would; the tests read codes from it.
type outbox struct {
	mu   sync.Mutex
	msgs []identity.Message
	// fail, when set, is returned by Send, which then keeps nothing.
	fail error
}

func (o *outbox) Send(_ context.Context, m identity.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	o.msgs = append(o.msgs, m)
	return nil
}

func (o *outbox) setFail(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.fail = err
}

// sent returns the messages sent to to.
func (o *outbox) sent(to string) []identity.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []identity.Message
	for _, m := range o.msgs {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

// code returns the code of the last message sent to to.
func (o *outbox) code(t *testing.T, to string) string {
	t.Helper()
	msgs := o.sent(to)
	require.NotEmpty(t, msgs, "no code was sent to %s", to)
	return msgs[len(msgs)-1].Code
}

// confirm confirms the user's phone, and email when it has one, with the
// codes sent to them.
func (b *testBundle) confirm(t *testing.T, u *identity.User) {
	t.Helper()
	_, err := b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, b.outbox.code(t, u.Phone))
	require.NoError(t, err)
	if u.Email != "" {
		_, err = b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelEmail, b.outbox.code(t, u.Email))
		require.NoError(t, err)
	}
}
