package sqlstore_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/identity/sqlstore"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

type testBundle struct {
	ctx   context.Context
	db    *sqldb.DB
	store *sqlstore.Store
}

func setup(t *testing.T, url string) *testBundle {
	t.Helper()
	ctx := t.Context()
	db, err := sqldb.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, sqlstore.Migrate(ctx, db))
	require.NoError(t, sqlstore.Migrate(ctx, db), "Migrate runs on every start")
	s := sqlstore.New(db)
	t.Cleanup(s.Close)
	return &testBundle{ctx: ctx, db: db, store: s}
}

func eachDialect(t *testing.T, fn func(t *testing.T, b *testBundle)) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		fn(t, setup(t, url))
	})
}

// t0 has a microsecond part so that lost precision shows.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 123_456_000, time.UTC)

func user(n int) *identity.UserRecord {
	return &identity.UserRecord{
		ID:           fmt.Sprintf("usr_%026d", n),
		PhoneIndex:   []byte(fmt.Sprintf("phone-index-%020d", n)),
		PhoneSealed:  []byte{1, 2, 3, byte(n)},
		NameSealed:   []byte{4, 5, 6, byte(n)},
		PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA",
		Created:      t0,
	}
}

func session(userID string, n int) *identity.SessionRecord {
	return &identity.SessionRecord{
		ID: fmt.Sprintf("ses_%026d", n), UserID: userID, Created: t0, LastUsed: t0, Expires: t0.Add(time.Hour),
		RefreshHash: []byte(fmt.Sprintf("%032d", n)), UserAgent: "ua",
	}
}

func (b *testBundle) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT COUNT(*) FROM `+table).Scan(&n))
	return n
}

func TestUserRoundTrip(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u := user(1)
		u.EmailIndex, u.EmailSealed, u.Username = []byte("email-index"), []byte{7, 8}, "ada"
		require.NoError(t, b.store.CreateUser(b.ctx, u, session(u.ID, 1)))
		got, err := b.store.User(b.ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, u, got)
		got, err = b.store.FindUser(b.ctx, identity.UserKey{Username: "ada"})
		require.NoError(t, err)
		require.Equal(t, u, got)
		for _, k := range []identity.UserKey{{PhoneIndex: u.PhoneIndex}, {EmailIndex: u.EmailIndex}} {
			_, err := b.store.FindUser(b.ctx, k)
			require.Equal(t, identity.EUserNotFound, cashless.ErrorCode(err), "unconfirmed")
			claimants, err := b.store.Claimants(b.ctx, k)
			require.NoError(t, err)
			require.Equal(t, []*identity.UserRecord{u}, claimants)
		}
		_, err = b.store.FindUser(b.ctx, identity.UserKey{})
		require.Equal(t, identity.EUserNotFound, cashless.ErrorCode(err))

		plain := user(2)
		require.NoError(t, b.store.CreateUser(b.ctx, plain, session(plain.ID, 2)))
		got, err = b.store.User(b.ctx, plain.ID)
		require.NoError(t, err)
		require.Nil(t, got.EmailIndex)
		require.Nil(t, got.EmailSealed)
		require.Nil(t, got.TOTPSecret)
		require.Empty(t, got.Username)
	})
}

// TestCreateUserAtomic: a refused user leaves no session behind.
func TestCreateUserAtomic(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u := user(1)
		u.Username = "ada"
		require.NoError(t, b.store.CreateUser(b.ctx, u, session(u.ID, 1)))
		dup := user(2)
		dup.Username = u.Username
		err := b.store.CreateUser(b.ctx, dup, session(dup.ID, 2))
		require.Equal(t, identity.EUsernameTaken, cashless.ErrorCode(err))
		require.Equal(t, 1, b.count(t, "identity_users"))
		require.Equal(t, 1, b.count(t, "identity_sessions"))
		require.Equal(t, 1, b.count(t, "identity_refresh_tokens"))
	})
}

func TestUsersManyIDs(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		var ids []string
		for i := range 3 {
			u := user(i)
			require.NoError(t, b.store.CreateUser(b.ctx, u, session(u.ID, i)))
		}
		for i := range 1200 {
			ids = append(ids, user(i).ID)
		}
		got, err := b.store.Users(b.ctx, ids)
		require.NoError(t, err)
		require.Len(t, got, 3)
		got, err = b.store.Users(b.ctx, nil)
		require.NoError(t, err)
		require.Empty(t, got)
	})
}

func TestThrottleRoundTrip(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		want := identity.Throttle{Failures: 3, WindowStart: t0, Level: 2, LockedUntil: t0.Add(time.Minute)}
		for range 2 {
			require.NoError(t, b.store.UpdateThrottles(b.ctx, []string{"usr:b", "ip:a"}, func(key string, th *identity.Throttle) {
				th.Failures++
				th.WindowStart, th.Level, th.LockedUntil = want.WindowStart, want.Level, want.LockedUntil
			}))
		}
		got, err := b.store.Throttles(b.ctx, []string{"ip:a", "usr:b", "usr:c"})
		require.NoError(t, err)
		want.Failures = 2
		require.Equal(t, map[string]identity.Throttle{"ip:a": want, "usr:b": want}, got)

		require.NoError(t, b.store.ResetThrottle(b.ctx, "usr:b"))
		got, err = b.store.Throttles(b.ctx, []string{"ip:a", "usr:b"})
		require.NoError(t, err)
		require.Equal(t, map[string]identity.Throttle{"ip:a": want}, got)
	})
}

func TestRecordKYC(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u := user(1)
		require.NoError(t, b.store.CreateUser(b.ctx, u, session(u.ID, 1)))
		tier := func() int {
			got, err := b.store.User(b.ctx, u.ID)
			require.NoError(t, err)
			return got.KYCTier
		}
		k := func(id string, tier int, status string) *identity.KYCRecord {
			return &identity.KYCRecord{ID: id, UserID: u.ID, Tier: tier, Status: status, IDNumberSealed: []byte{1}, Created: t0}
		}
		require.NoError(t, b.store.RecordKYC(b.ctx, k("kyc_1", 2, identity.KYCRejected)))
		require.Equal(t, 0, tier())
		require.NoError(t, b.store.RecordKYC(b.ctx, k("kyc_2", 2, identity.KYCApproved)))
		require.Equal(t, 2, tier())
		require.NoError(t, b.store.RecordKYC(b.ctx, k("kyc_3", 1, identity.KYCApproved)))
		require.Equal(t, 2, tier(), "never lowered")
		require.Equal(t, 3, b.count(t, "identity_kyc"))
	})
}

func TestApproveKYC(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ada, bob := user(1), user(2)
		require.NoError(t, b.store.CreateUser(b.ctx, ada, session(ada.ID, 1)))
		require.NoError(t, b.store.CreateUser(b.ctx, bob, session(bob.ID, 2)))
		tier := func(u *identity.UserRecord) int {
			got, err := b.store.User(b.ctx, u.ID)
			require.NoError(t, err)
			return got.KYCTier
		}
		k := func(id string, u *identity.UserRecord, tier int) *identity.KYCRecord {
			return &identity.KYCRecord{ID: id, UserID: u.ID, Tier: tier, Status: identity.KYCApproved, IDNumberSealed: []byte{1}, Created: t0}
		}
		status := func(id string) (status, reason string) {
			require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT status, reason FROM identity_kyc WHERE id = ?`, id).Scan(&status, &reason))
			return status, reason
		}
		docA, docB := bytes32('a'), bytes32('b')

		require.NoError(t, b.store.ApproveKYC(b.ctx, k("kyc_1", ada, 1), docA))
		require.Equal(t, 1, tier(ada))
		require.NoError(t, b.store.ApproveKYC(b.ctx, k("kyc_2", ada, 2), docA), "the same user and document again")
		require.Equal(t, 2, tier(ada))

		err := b.store.ApproveKYC(b.ctx, k("kyc_3", bob, 1), docA)
		require.Equal(t, identity.EDocumentAlreadyUsed, cashless.ErrorCode(err))
		require.Equal(t, 0, tier(bob))
		s, r := status("kyc_3")
		require.Equal(t, [2]string{identity.KYCRejected, identity.EDocumentAlreadyUsed}, [2]string{s, r})

		require.NoError(t, b.store.ApproveKYC(b.ctx, k("kyc_4", bob, 1), docB))
		require.Equal(t, 1, tier(bob))
		err = b.store.ApproveKYC(b.ctx, k("kyc_5", ada, 2), docB)
		require.Equal(t, identity.EDocumentAlreadyUsed, cashless.ErrorCode(err), "bound to bob")
		err = b.store.ApproveKYC(b.ctx, k("kyc_6", bob, 2), bytes32('c'))
		require.Equal(t, identity.EDocumentMismatch, cashless.ErrorCode(err))
		require.Equal(t, 1, tier(bob))

		type review struct{ id, user, other, reason string }
		rows, err := b.db.Read.QueryContext(b.ctx, `SELECT id, user_id, COALESCE(other_user_id, ''), reason FROM identity_kyc_reviews ORDER BY id`)
		require.NoError(t, err)
		var got []review
		for rows.Next() {
			var r review
			require.NoError(t, rows.Scan(&r.id, &r.user, &r.other, &r.reason))
			got = append(got, r)
		}
		require.NoError(t, rows.Close())
		require.Equal(t, []review{
			{"kyc_3", bob.ID, ada.ID, identity.EDocumentAlreadyUsed},
			{"kyc_5", ada.ID, bob.ID, identity.EDocumentAlreadyUsed},
			{"kyc_6", bob.ID, "", identity.EDocumentMismatch},
		}, got)
		require.Equal(t, 2, b.count(t, "identity_kyc_documents"))
		require.Equal(t, 6, b.count(t, "identity_kyc"))
	})
}

// bytes32 returns a 32-byte document hash made of c.
func bytes32(c byte) []byte { return bytes.Repeat([]byte{c}, 32) }

func TestVerificationRoundTrip(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u := user(1)
		u.EmailIndex, u.EmailSealed = []byte("email-index"), []byte{7, 8}
		require.NoError(t, b.store.CreateUser(b.ctx, u, session(u.ID, 1)))
		read := func(channel string) identity.VerificationRecord {
			var got identity.VerificationRecord
			require.NoError(t, b.store.UpdateVerification(b.ctx, u.ID, channel, func(v *identity.VerificationRecord) bool {
				got = *v
				return false
			}))
			return got
		}
		require.Equal(t, identity.VerificationRecord{}, read(identity.ChannelPhone), "no state reads as zero")

		want := identity.VerificationRecord{ValueIndex: u.PhoneIndex, CodeHash: []byte("0123456789abcdef0123456789abcdef"), Tries: 2,
			Expires: t0.Add(10 * time.Minute), Sends: 3, WindowStart: t0.Add(-time.Minute), LastSent: t0}
		require.NoError(t, b.store.UpdateVerification(b.ctx, u.ID, identity.ChannelPhone, func(v *identity.VerificationRecord) bool {
			*v = want
			return true
		}))
		require.Equal(t, want, read(identity.ChannelPhone))
		require.NoError(t, b.store.UpdateVerification(b.ctx, u.ID, identity.ChannelPhone, func(v *identity.VerificationRecord) bool {
			v.Tries = 99
			return false
		}))
		require.Equal(t, want, read(identity.ChannelPhone), "fn said not to write")
		require.Equal(t, identity.VerificationRecord{}, read(identity.ChannelEmail), "channels are apart")

		flags := func() (bool, bool) {
			got, err := b.store.User(b.ctx, u.ID)
			require.NoError(t, err)
			many, err := b.store.Users(b.ctx, []string{u.ID})
			require.NoError(t, err)
			require.Equal(t, got, many[u.ID])
			return got.PhoneVerified, got.EmailVerified
		}
		phone, email := flags()
		require.False(t, phone, "a pending code confirms nothing")
		require.False(t, email)

		verify := func(channel string, index []byte) {
			require.NoError(t, b.store.UpdateVerification(b.ctx, u.ID, channel, func(v *identity.VerificationRecord) bool {
				v.ValueIndex, v.CodeHash, v.Verified = index, nil, t0
				return true
			}))
		}
		verify(identity.ChannelPhone, u.PhoneIndex)
		err := b.store.UpdateVerification(b.ctx, u.ID, identity.ChannelEmail, func(v *identity.VerificationRecord) bool {
			v.ValueIndex, v.CodeHash, v.Verified = []byte("another email's index"), nil, t0
			return true
		})
		require.Equal(t, identity.EEmailTaken, cashless.ErrorCode(err), "a value that is not the user's is not confirmed")
		phone, email = flags()
		require.True(t, phone)
		require.False(t, email)
		found, err := b.store.FindUser(b.ctx, identity.UserKey{PhoneIndex: u.PhoneIndex})
		require.NoError(t, err)
		require.Equal(t, u.ID, found.ID)
		verify(identity.ChannelEmail, u.EmailIndex)
		phone, email = flags()
		require.True(t, phone)
		require.True(t, email)
		require.Equal(t, 2, b.count(t, "identity_verifications"))
	})
}
