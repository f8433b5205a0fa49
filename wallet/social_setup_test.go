package wallet_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
	"github.com/cashless-dev/cashless/wallet/sqlstore"
)

// socialBundle is a wallet service on a fresh, migrated database, with a
// directory the test fills in.
type socialBundle struct {
	ctx   context.Context
	db    *sqldb.DB
	store *sqlstore.Store
	dir   *socialDirectory
	w     *wallet.Wallets
}

// socialT0 has a microsecond part so that lost precision shows.
var socialT0 = time.Date(2026, 5, 6, 7, 8, 9, 123_456_000, time.UTC)

func setupSocial(t *testing.T, url string) *socialBundle {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, sqlstore.Migrate(ctx, db))
	store := sqlstore.New(db)
	t.Cleanup(store.Close)
	dir := &socialDirectory{users: make(map[string]*identity.User)}
	return &socialBundle{ctx: ctx, db: db, store: store, dir: dir, w: wallet.NewSocialWallets(store, dir, func() time.Time { return socialT0 })}
}

// eachSocial runs fn in parallel on a fresh wallet service of every dialect.
func eachSocial(t *testing.T, fn func(t *testing.T, tb *socialBundle)) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		fn(t, setupSocial(t, url))
	})
}

// user registers a user with a unique username that starts with name in
// lower case.
func (tb *socialBundle) user(name string) *identity.User {
	uid := id.New(id.User)
	u := &identity.User{ID: uid, Name: name, Username: strings.ToLower(name) + "_" + uid[len(uid)-8:]}
	tb.dir.mu.Lock()
	defer tb.dir.mu.Unlock()
	tb.dir.users[u.ID] = u
	return u
}

// add makes who a contact of u, by hand.
func (tb *socialBundle) add(t *testing.T, u, who *identity.User) *wallet.Contact {
	t.Helper()
	c, err := tb.w.AddContact(tb.ctx, u.ID, wallet.Recipient{Username: who.Username})
	require.NoError(t, err)
	return c
}

// befriend makes a and b friends: each adds the other.
func (tb *socialBundle) befriend(t *testing.T, a, b *identity.User) {
	t.Helper()
	tb.add(t, a, b)
	tb.add(t, b, a)
}

// socialAmount is the amount of every test transfer: it must never show.
const socialAmount = 987654

// transfer stores a P2P transfer from one user to another as the money
// half of the service leaves it, and returns its id.
func (tb *socialBundle) transfer(t *testing.T, from, to *identity.User, v wallet.Visibility, status string) string {
	t.Helper()
	tid := id.New(id.Transfer)
	us := socialT0.UnixMicro()
	_, err := tb.db.Write.ExecContext(tb.ctx, `INSERT INTO wallet_transfers
		(id, sender_id, recipient_id, currency, amount, message, visibility, status, failure_code, request_id, idem_key, limit_windows, created_us, updated_us)
		VALUES (?, ?, ?, 'HKD', ?, ?, ?, ?, '', '', ?, '', ?, ?)`,
		tid, from.ID, to.ID, socialAmount, "for "+tid, string(v), status, tid, us, us)
	require.NoError(t, err)
	return tid
}

func (tb *socialBundle) setVisibility(t *testing.T, u *identity.User, v wallet.Visibility) {
	t.Helper()
	require.NoError(t, tb.w.SetFeedVisibility(tb.ctx, u.ID, v))
}

// feed returns the whole feed of a user, newest first.
func (tb *socialBundle) feed(t *testing.T, u *identity.User) []*wallet.FeedItem {
	t.Helper()
	items, more, err := tb.w.Feed(tb.ctx, u.ID, cashless.Page{Limit: cashless.MaxPageLimit})
	require.NoError(t, err)
	require.False(t, more)
	return items
}

func feedIDs(items []*wallet.FeedItem) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids
}

// socialDirectory is the identity service as far as contacts and the feed
// need it: users in a map.
type socialDirectory struct {
	mu    sync.Mutex
	users map[string]*identity.User
}

var _ wallet.Directory = (*socialDirectory)(nil)

func (d *socialDirectory) User(_ context.Context, userID string) (*identity.User, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if u := d.users[userID]; u != nil {
		return u, nil
	}
	return nil, cashless.Errorf(identity.EUserNotFound, "no such user")
}

func (d *socialDirectory) Users(_ context.Context, ids []string) (map[string]*identity.User, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]*identity.User)
	for _, userID := range ids {
		if u := d.users[userID]; u != nil {
			out[userID] = u
		}
	}
	return out, nil
}

func (d *socialDirectory) FindUser(_ context.Context, p identity.Proxy) (*identity.User, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, u := range d.users {
		if (p.Phone != "" && p.Phone == u.Phone) || (p.Email != "" && p.Email == u.Email) || (p.Username != "" && p.Username == u.Username) {
			return u, nil
		}
	}
	return nil, cashless.Errorf(identity.EUserNotFound, "no such user")
}

func (d *socialDirectory) VerifyTOTP(context.Context, string, string) error { return nil }
