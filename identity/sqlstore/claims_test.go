package sqlstore_test

import (
	"fmt"
	"io/fs"
	"os"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/identity/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// holder returns user n holding phone and email (nil for none).
func holder(n int, phone, email []byte) *identity.UserRecord {
	u := user(n)
	u.PhoneIndex, u.Created = phone, t0.Add(time.Duration(n)*time.Millisecond) // ordered by n
	if email != nil {
		u.EmailIndex, u.EmailSealed = email, []byte{9, byte(n)}
	}
	return u
}

// confirm sets the channel of u confirmed for index, as a right code does.
func confirm(s *sqlstore.Store, b *testBundle, u *identity.UserRecord, channel string, index []byte) error {
	return s.UpdateVerification(b.ctx, u.ID, channel, func(v *identity.VerificationRecord) bool {
		v.ValueIndex, v.CodeHash, v.Verified = index, nil, t0
		return true
	})
}

func (b *testBundle) ids(t *testing.T, k identity.UserKey) []string {
	t.Helper()
	recs, err := b.store.Claimants(b.ctx, k)
	require.NoError(t, err)
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.ID)
	}
	return ids
}

func (b *testBundle) user(t *testing.T, u *identity.UserRecord) *identity.UserRecord {
	t.Helper()
	got, err := b.store.User(b.ctx, u.ID)
	require.NoError(t, err)
	return got
}

// TestUnconfirmedHolders: a phone or email no one confirmed is held by up
// to identity.UnconfirmedHolders users; one more is refused as taken.
func TestUnconfirmedHolders(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		phone, email := []byte("shared-phone"), []byte("shared-email")
		var want []string
		for n := range identity.UnconfirmedHolders {
			u := holder(n+1, phone, email)
			require.NoError(t, b.store.CreateUser(b.ctx, u, session(u.ID, n+1)), "holder %d", n+1)
			want = append(want, u.ID)
		}
		require.Equal(t, want, b.ids(t, identity.UserKey{PhoneIndex: phone}), "oldest first")
		require.Equal(t, want, b.ids(t, identity.UserKey{EmailIndex: email}))
		_, err := b.store.FindUser(b.ctx, identity.UserKey{PhoneIndex: phone})
		require.Equal(t, identity.EUserNotFound, cashless.ErrorCode(err), "no one confirmed it")

		extra := holder(10, phone, nil)
		err = b.store.CreateUser(b.ctx, extra, session(extra.ID, 10))
		require.Equal(t, identity.EPhoneTaken, cashless.ErrorCode(err))
		extra = holder(11, []byte("own-phone"), email)
		err = b.store.CreateUser(b.ctx, extra, session(extra.ID, 11))
		require.Equal(t, identity.EEmailTaken, cashless.ErrorCode(err))
		require.Equal(t, identity.UnconfirmedHolders, b.count(t, "identity_users"))
		require.Equal(t, identity.UnconfirmedHolders, b.count(t, "identity_sessions"), "a refused user leaves no session")
	})
}

// TestConfirmReleasesOthers: confirming makes the user the value's one
// holder; the other claims are dropped for good and new ones refused.
func TestConfirmReleasesOthers(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		phone, email := []byte("shared-phone"), []byte("shared-email")
		squatter, owner, third := holder(1, phone, email), holder(2, phone, nil), holder(3, phone, nil)
		for i, u := range []*identity.UserRecord{squatter, owner, third} {
			require.NoError(t, b.store.CreateUser(b.ctx, u, session(u.ID, i)))
		}
		require.NoError(t, confirm(b.store, b, owner, identity.ChannelPhone, phone))

		got, err := b.store.FindUser(b.ctx, identity.UserKey{PhoneIndex: phone})
		require.NoError(t, err)
		require.Equal(t, owner.ID, got.ID)
		require.True(t, got.PhoneVerified)
		require.False(t, got.PhoneReleased)
		require.Empty(t, b.ids(t, identity.UserKey{PhoneIndex: phone}))
		for _, u := range []*identity.UserRecord{squatter, third} {
			got := b.user(t, u)
			require.True(t, got.PhoneReleased, u.ID)
			require.False(t, got.PhoneVerified, u.ID)
		}
		require.False(t, b.user(t, squatter).EmailReleased, "the squatter's email is another value")
		require.Equal(t, []string{squatter.ID}, b.ids(t, identity.UserKey{EmailIndex: email}))

		// A released claim never confirms, and its try writes nothing.
		var before identity.VerificationRecord
		require.NoError(t, b.store.UpdateVerification(b.ctx, squatter.ID, identity.ChannelPhone, func(v *identity.VerificationRecord) bool {
			before = *v
			return false
		}))
		err = b.store.UpdateVerification(b.ctx, squatter.ID, identity.ChannelPhone, func(v *identity.VerificationRecord) bool {
			v.ValueIndex, v.Tries, v.Verified = phone, v.Tries+1, t0
			return true
		})
		require.Equal(t, identity.EPhoneTaken, cashless.ErrorCode(err))
		require.NoError(t, b.store.UpdateVerification(b.ctx, squatter.ID, identity.ChannelPhone, func(v *identity.VerificationRecord) bool {
			require.Equal(t, before, *v)
			return false
		}))
		got, err = b.store.FindUser(b.ctx, identity.UserKey{PhoneIndex: phone})
		require.NoError(t, err)
		require.Equal(t, owner.ID, got.ID)

		late := holder(4, phone, nil)
		err = b.store.CreateUser(b.ctx, late, session(late.ID, 4))
		require.Equal(t, identity.EPhoneTaken, cashless.ErrorCode(err), "a confirmed value refuses new holders")
		require.Equal(t, 1, b.count(t, "identity_confirmed_values"))
	})
}

// TestConcurrentConfirmations: holders confirming one value at once from
// separate instances: exactly one wins, the others get EPhoneTaken.
func TestConcurrentConfirmations(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		stores := []*sqlstore.Store{b.store}
		for range identity.UnconfirmedHolders - 1 {
			db, err := sqldb.Open(b.ctx, url)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			s := sqlstore.New(db)
			t.Cleanup(s.Close)
			stores = append(stores, s)
		}
		for round := range 10 {
			phone := []byte(fmt.Sprintf("phone-of-round-%02d", round))
			var users []*identity.UserRecord
			for i := range identity.UnconfirmedHolders {
				n := 100*round + i
				u := holder(n, phone, nil)
				require.NoError(t, b.store.CreateUser(b.ctx, u, session(u.ID, n)))
				users = append(users, u)
			}
			codes := make([]string, len(users))
			var wg sync.WaitGroup
			for i, u := range users {
				wg.Go(func() { codes[i] = cashless.ErrorCode(confirm(stores[i], b, u, identity.ChannelPhone, phone)) })
			}
			wg.Wait()
			count := map[string]int{}
			for _, c := range codes {
				count[c]++
			}
			require.Equal(t, map[string]int{"": 1, identity.EPhoneTaken: len(users) - 1}, count, "round %d", round)

			got, err := b.store.FindUser(b.ctx, identity.UserKey{PhoneIndex: phone})
			require.NoError(t, err)
			for i, u := range users {
				rec := b.user(t, u)
				won := codes[i] == ""
				require.Equal(t, won, got.ID == u.ID)
				require.Equal(t, won, rec.PhoneVerified)
				require.Equal(t, !won, rec.PhoneReleased)
			}
		}
	})
}

// TestConcurrentSignupsCap: concurrent signups with one value on several
// instances: no more than identity.UnconfirmedHolders get it.
func TestConcurrentSignupsCap(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		stores := []*sqlstore.Store{b.store}
		for range 2 {
			db, err := sqldb.Open(b.ctx, url)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			s := sqlstore.New(db)
			t.Cleanup(s.Close)
			stores = append(stores, s)
		}
		const signups = 9
		const rounds = 8
		for round := range rounds {
			phone := []byte(fmt.Sprintf("contested-phone-%02d", round))
			codes := make([]string, signups)
			var wg sync.WaitGroup
			for i := range signups {
				wg.Go(func() {
					n := 100*round + i
					u := holder(n, phone, nil)
					codes[i] = cashless.ErrorCode(stores[i%len(stores)].CreateUser(b.ctx, u, session(u.ID, n)))
				})
			}
			wg.Wait()
			count := map[string]int{}
			for _, c := range codes {
				count[c]++
			}
			require.Equal(t, map[string]int{"": identity.UnconfirmedHolders, identity.EPhoneTaken: signups - identity.UnconfirmedHolders}, count, "round %d", round)
		}
		require.Equal(t, rounds*identity.UnconfirmedHolders, b.count(t, "identity_users"))
	})
}

// TestClaimsAfterLostCommit: a signup whose commit was lost, run again,
// does not count its own user as a holder (the last free place stays its
// own); a confirmation run again stays confirmed and the others released.
func TestClaimsAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		phone := []byte("shared-phone")
		var users []*identity.UserRecord
		for n := range identity.UnconfirmedHolders {
			u := holder(n+1, phone, nil)
			users = append(users, u)
			if n < identity.UnconfirmedHolders-1 {
				require.NoError(t, b.store.CreateUser(b.ctx, u, session(u.ID, n+1)))
			}
		}
		last := users[len(users)-1]
		require.NoError(t, b.run(t, func() error { return b.store.CreateUser(b.ctx, last, session(last.ID, 9)) }))
		require.Equal(t, identity.UnconfirmedHolders, b.count(t, "identity_users"))
		require.Equal(t, identity.UnconfirmedHolders, b.count(t, "identity_sessions"))

		require.NoError(t, b.run(t, func() error { return confirm(b.store, b.testBundle, users[0], identity.ChannelPhone, phone) }))
		got, err := b.store.FindUser(b.ctx, identity.UserKey{PhoneIndex: phone})
		require.NoError(t, err)
		require.Equal(t, users[0].ID, got.ID)
		for _, u := range users[1:] {
			require.True(t, b.user(t, u).PhoneReleased)
		}
		err = b.run(t, func() error { return confirm(b.store, b.testBundle, users[1], identity.ChannelPhone, phone) })
		require.Equal(t, identity.EPhoneTaken, cashless.ErrorCode(err))
		require.Equal(t, 1, b.count(t, "identity_confirmed_values"))
	})
}

// TestMigrateConfirmedValues: a database of migration 004 keeps its
// confirmed phones and emails confirmed (and unique) after 005, and its
// unconfirmed ones stop blocking others. Migration 005 may run again.
func TestMigrateConfirmedValues(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		ctx := t.Context()
		db, err := sqldb.Open(ctx, url)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		require.NoError(t, sqldb.Migrate(ctx, db, migrationsBefore(t, "005"), "identity"))

		confirmed, pending := holder(1, []byte("confirmed-phone"), []byte("confirmed-email")), holder(2, []byte("pending-phone"), nil)
		for _, u := range []*identity.UserRecord{confirmed, pending} {
			_, err := db.Write.ExecContext(ctx, `INSERT INTO identity_users (id, phone_index, email_index, phone_sealed, email_sealed, name_sealed, password_hash, created_us)`+
				` VALUES (?,?,?,?,?,?,?,?)`, u.ID, u.PhoneIndex, u.EmailIndex, u.PhoneSealed, u.EmailSealed, u.NameSealed, u.PasswordHash, sqldb.Micros(u.Created))
			require.NoError(t, err)
		}
		for _, v := range []struct {
			user     *identity.UserRecord
			channel  string
			index    []byte
			verified int64
		}{
			{confirmed, identity.ChannelPhone, confirmed.PhoneIndex, sqldb.Micros(t0)},
			{confirmed, identity.ChannelEmail, confirmed.EmailIndex, sqldb.Micros(t0)},
			{pending, identity.ChannelPhone, pending.PhoneIndex, 0},
		} {
			_, err := db.Write.ExecContext(ctx, `INSERT INTO identity_verifications (user_id, channel, value_index, verified_us) VALUES (?,?,?,?)`,
				v.user.ID, v.channel, v.index, v.verified)
			require.NoError(t, err)
		}

		require.NoError(t, sqlstore.Migrate(ctx, db))
		_, err = db.Write.ExecContext(ctx, `DELETE FROM identity_schema_migrations WHERE version LIKE '005%'`)
		require.NoError(t, err)
		require.NoError(t, sqlstore.Migrate(ctx, db), "005 runs again")
		s := sqlstore.New(db)
		t.Cleanup(s.Close)
		b := &testBundle{ctx: ctx, db: db, store: s}

		for _, k := range []identity.UserKey{{PhoneIndex: confirmed.PhoneIndex}, {EmailIndex: confirmed.EmailIndex}} {
			got, err := s.FindUser(ctx, k)
			require.NoError(t, err)
			require.Equal(t, confirmed.ID, got.ID)
			require.True(t, got.PhoneVerified)
			require.True(t, got.EmailVerified)
		}
		require.Equal(t, []string{pending.ID}, b.ids(t, identity.UserKey{PhoneIndex: pending.PhoneIndex}))

		owner := holder(3, pending.PhoneIndex, nil)
		require.NoError(t, s.CreateUser(ctx, owner, session(owner.ID, 3)), "the old unique index is gone")
		late := holder(4, confirmed.PhoneIndex, nil)
		err = s.CreateUser(ctx, late, session(late.ID, 4))
		require.Equal(t, identity.EPhoneTaken, cashless.ErrorCode(err))
		late = holder(5, []byte("own-phone"), confirmed.EmailIndex)
		err = s.CreateUser(ctx, late, session(late.ID, 5))
		require.Equal(t, identity.EEmailTaken, cashless.ErrorCode(err))
	})
}

// migrationsBefore returns the identity migrations of every dialect older
// than version, as files on disk.
func migrationsBefore(t *testing.T, version string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for _, d := range []string{"sqlite", "mysql"} {
		entries, err := os.ReadDir("migrations/" + d)
		require.NoError(t, err)
		for _, e := range entries {
			if e.Name() >= version {
				continue
			}
			body, err := os.ReadFile("migrations/" + d + "/" + e.Name())
			require.NoError(t, err)
			m[d+"/"+e.Name()] = &fstest.MapFile{Data: body}
		}
	}
	require.Len(t, m, 8, "001 to 004 of both dialects")
	return m
}
