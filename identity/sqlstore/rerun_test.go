package sqlstore_test

import (
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

// ambiguousBundle is a store whose group commits through an
// sqldbtest.Ambiguous, so that a test can make a shared commit report an
// error after it committed and every call of it run again alone.
type ambiguousBundle struct {
	*testBundle
	amb *sqldbtest.Ambiguous
}

func eachDialectAmbiguous(t *testing.T, fn func(t *testing.T, b *ambiguousBundle)) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		ctx := t.Context()
		db, err := sqldb.Open(ctx, url)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		require.NoError(t, sqlstore.Migrate(ctx, db))
		amb := sqldbtest.NewAmbiguous(db)
		s := sqlstore.New(db)
		t.Cleanup(s.Close)
		fn(t, &ambiguousBundle{testBundle: &testBundle{ctx: ctx, db: db, store: s}, amb: amb})
	})
}

// run runs op in a shared transaction whose commit reports an error after
// committing, so that op's call runs again alone, and returns op's error.
func (b *ambiguousBundle) run(t *testing.T, op func() error) error {
	t.Helper()
	filler := func() error { return b.store.ResetThrottle(b.ctx, "filler") }
	return b.amb.Run(t, filler, op)[0]
}

// A sign-up run again after its commit was lost finds its own user and
// session, rather than reporting its phone as taken.
func TestCreateUserAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		u := user(1)
		u.EmailIndex, u.EmailSealed, u.Username = []byte("email-index"), []byte{7, 8}, "ada"
		require.NoError(t, b.run(t, func() error { return b.store.CreateUser(b.ctx, u, session(u.ID, 1)) }))
		got, err := b.store.User(b.ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, u, got)
		require.Equal(t, 1, b.count(t, "identity_sessions"))
		require.Equal(t, 1, b.count(t, "identity_refresh_tokens"))

		// Another user with the same username is still refused.
		dup := user(2)
		dup.Username = u.Username
		err = b.run(t, func() error { return b.store.CreateUser(b.ctx, dup, session(dup.ID, 2)) })
		require.Equal(t, identity.EUsernameTaken, cashless.ErrorCode(err))
		require.Equal(t, 1, b.count(t, "identity_users"))

		ses := session(u.ID, 3)
		require.NoError(t, b.run(t, func() error { return b.store.CreateSession(b.ctx, ses) }))
		live, err := b.store.SessionLive(b.ctx, u.ID, ses.ID, t0)
		require.NoError(t, err)
		require.True(t, live)
		require.Equal(t, 2, b.count(t, "identity_sessions"))
		require.Equal(t, 2, b.count(t, "identity_refresh_tokens"))
	})
}

// A refresh run again after its commit was lost finds its own rotation and
// reports it, rather than taking its spent token for a stolen one and
// revoking the session.
func TestRotateRefreshAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		u, ses := user(1), session(user(1).ID, 1)
		require.NoError(t, b.store.CreateUser(b.ctx, u, ses))
		next := []byte("next-refresh-token-hash-32-bytes")
		rot := identity.Rotation{SessionID: ses.ID, OldHash: ses.RefreshHash, NewHash: next, Now: t0.Add(time.Minute), Expires: t0.Add(2 * time.Hour)}
		var userID string
		require.NoError(t, b.run(t, func() (err error) { userID, err = b.store.RotateRefresh(b.ctx, rot); return err }))
		require.Equal(t, u.ID, userID)
		live, err := b.store.SessionLive(b.ctx, u.ID, ses.ID, t0.Add(90*time.Minute))
		require.NoError(t, err)
		require.True(t, live, "not revoked, and extended")

		// The successor works once; the spent token still revokes.
		again := identity.Rotation{SessionID: ses.ID, OldHash: next, NewHash: []byte("third-refresh-token-hash-32bytes"), Now: t0.Add(2 * time.Minute), Expires: t0.Add(3 * time.Hour)}
		userID, err = b.store.RotateRefresh(b.ctx, again)
		require.NoError(t, err)
		require.Equal(t, u.ID, userID)
		reuse := rot
		reuse.NewHash, reuse.Now = []byte("thief-refresh-token-hash-32bytes"), t0.Add(3*time.Minute)
		_, err = b.store.RotateRefresh(b.ctx, reuse)
		require.Equal(t, identity.EInvalidToken, cashless.ErrorCode(err))
		live, err = b.store.SessionLive(b.ctx, u.ID, ses.ID, t0.Add(4*time.Minute))
		require.NoError(t, err)
		require.False(t, live)
	})
}

// A logout run again after its commit was lost finds the session revoked
// by its earlier run and succeeds.
func TestRevokeSessionAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		u, ses := user(1), session(user(1).ID, 1)
		require.NoError(t, b.store.CreateUser(b.ctx, u, ses))
		now := t0.Add(time.Minute)
		require.NoError(t, b.run(t, func() error { return b.store.RevokeSession(b.ctx, u.ID, ses.ID, now) }))
		live, err := b.store.SessionLive(b.ctx, u.ID, ses.ID, now)
		require.NoError(t, err)
		require.False(t, live)
		err = b.store.RevokeSession(b.ctx, u.ID, ses.ID, now.Add(time.Second))
		require.Equal(t, identity.ESessionNotFound, cashless.ErrorCode(err), "a revoked session is gone")
	})
}

// A failed login counted in a transaction whose commit was lost counts
// once, and fn's last run reports what was stored.
func TestUpdateThrottlesAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		keys := []string{"usr:a", "ip:a"}
		fail := func(seen map[string]int) func() error {
			return func() error {
				return b.store.UpdateThrottles(b.ctx, keys, func(key string, th *identity.Throttle) {
					th.Failures++
					th.WindowStart = t0
					seen[key] = th.Failures
				})
			}
		}
		first, second := map[string]int{}, map[string]int{}
		errs := b.amb.Run(t, func() error { return b.store.ResetThrottle(b.ctx, "filler") }, fail(first), fail(second))
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		got, err := b.store.Throttles(b.ctx, keys)
		require.NoError(t, err)
		want := identity.Throttle{Failures: 2, WindowStart: t0}
		require.Equal(t, map[string]identity.Throttle{"usr:a": want, "ip:a": want}, got, "two failures, each counted once")
		require.ElementsMatch(t, []int{1, 2}, []int{first["usr:a"], second["usr:a"]}, "each call saw its own count")
		require.Equal(t, first["usr:a"], first["ip:a"])

		// And one more, alone.
		require.NoError(t, b.run(t, fail(map[string]int{})))
		got, err = b.store.Throttles(b.ctx, keys)
		require.NoError(t, err)
		require.Equal(t, 3, got["usr:a"].Failures)
	})
}

// Enrolling in TOTP and spending codes, each in a transaction whose commit
// was lost, succeed once, and a spent code stays spent.
func TestTOTPAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		u := user(1)
		require.NoError(t, b.store.CreateUser(b.ctx, u, session(u.ID, 1)))
		sealed := []byte("sealed TOTP secret")
		require.NoError(t, b.run(t, func() error { return b.store.SetTOTPSecret(b.ctx, u.ID, sealed) }))
		require.NoError(t, b.run(t, func() error { return b.store.UseTOTPStep(b.ctx, u.ID, sealed, 100, true) }))
		require.NoError(t, b.run(t, func() error { return b.store.UseTOTPStep(b.ctx, u.ID, sealed, 101, false) }))
		got, err := b.store.User(b.ctx, u.ID)
		require.NoError(t, err)
		require.True(t, got.TOTPEnabled)
		require.Equal(t, sealed, got.TOTPSecret)
		require.EqualValues(t, 101, got.TOTPLastStep)

		err = b.run(t, func() error { return b.store.UseTOTPStep(b.ctx, u.ID, sealed, 101, false) })
		require.Equal(t, identity.EInvalidTOTP, cashless.ErrorCode(err), "a replayed code is refused")
		err = b.store.SetTOTPSecret(b.ctx, u.ID, []byte("another secret"))
		require.Equal(t, identity.ETOTPAlreadyEnabled, cashless.ErrorCode(err))
	})
}

// KYC verifications whose commit was lost are stored once and succeed.
func TestKYCAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		ada, bob := user(1), user(2)
		require.NoError(t, b.store.CreateUser(b.ctx, ada, session(ada.ID, 1)))
		require.NoError(t, b.store.CreateUser(b.ctx, bob, session(bob.ID, 2)))
		k := func(id string, u *identity.UserRecord, status string) *identity.KYCRecord {
			return &identity.KYCRecord{ID: id, UserID: u.ID, Tier: 1, Status: status, IDNumberSealed: []byte{1}, Created: t0}
		}
		require.NoError(t, b.run(t, func() error { return b.store.RecordKYC(b.ctx, k("kyc_1", ada, identity.KYCRejected)) }))
		require.NoError(t, b.run(t, func() error { return b.store.ApproveKYC(b.ctx, k("kyc_2", ada, identity.KYCApproved), bytes32('a')) }))
		got, err := b.store.User(b.ctx, ada.ID)
		require.NoError(t, err)
		require.Equal(t, 1, got.KYCTier)

		err = b.run(t, func() error { return b.store.ApproveKYC(b.ctx, k("kyc_3", bob, identity.KYCApproved), bytes32('a')) })
		require.Equal(t, identity.EDocumentAlreadyUsed, cashless.ErrorCode(err), "the refusal is reported again")
		require.Equal(t, 3, b.count(t, "identity_kyc"))
		require.Equal(t, 1, b.count(t, "identity_kyc_reviews"))
		require.Equal(t, 1, b.count(t, "identity_kyc_documents"))
	})
}

// The attempt ids that make those writes count once are kept for an hour:
// the next such write deletes older ones.
func TestAttemptsExpire(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		old := fmt.Sprintf("%016x", time.Now().Add(-2*time.Hour).UnixMicro()) + "OLD"
		recent := fmt.Sprintf("%016x", time.Now().Add(-time.Minute).UnixMicro()) + "RECENT"
		for _, id := range []string{old, recent} {
			_, err := b.db.Write.ExecContext(b.ctx, `INSERT INTO identity_attempts (id) VALUES (?)`, id)
			require.NoError(t, err)
		}
		require.NoError(t, b.store.UpdateThrottles(b.ctx, []string{"usr:a"}, func(string, *identity.Throttle) {}))
		rows, err := b.db.Read.QueryContext(b.ctx, `SELECT id FROM identity_attempts ORDER BY id`)
		require.NoError(t, err)
		var ids []string
		for rows.Next() {
			var id string
			require.NoError(t, rows.Scan(&id))
			ids = append(ids, id)
		}
		require.NoError(t, rows.Close())
		require.Len(t, ids, 2, "the old id is gone, the recent one and the new one stay")
		require.Equal(t, recent, ids[0])
	})
}

// A code sent and a try counted in a transaction whose commit was lost
// count once, and fn's last run reports what was stored: a rerun of a send
// does not find its own code and refuse to send, nor a try count twice.
func TestUpdateVerificationAfterLostCommit(t *testing.T) {
	eachDialectAmbiguous(t, func(t *testing.T, b *ambiguousBundle) {
		u := user(1)
		require.NoError(t, b.store.CreateUser(b.ctx, u, session(u.ID, 1)))
		hash := []byte("0123456789abcdef0123456789abcdef")
		var sawPending bool
		send := func() error {
			return b.store.UpdateVerification(b.ctx, u.ID, identity.ChannelPhone, func(v *identity.VerificationRecord) bool {
				sawPending = v.CodeHash != nil
				v.ValueIndex, v.CodeHash, v.Sends, v.LastSent = u.PhoneIndex, hash, v.Sends+1, t0
				return true
			})
		}
		require.NoError(t, b.run(t, send))
		require.False(t, sawPending, "the last run was the one that found no code pending")

		var tries int
		try := func() error {
			return b.store.UpdateVerification(b.ctx, u.ID, identity.ChannelPhone, func(v *identity.VerificationRecord) bool {
				v.Tries++
				tries = v.Tries
				return true
			})
		}
		require.NoError(t, b.run(t, try))
		require.Equal(t, 1, tries)

		var got identity.VerificationRecord
		require.NoError(t, b.store.UpdateVerification(b.ctx, u.ID, identity.ChannelPhone, func(v *identity.VerificationRecord) bool {
			got = *v
			return false
		}))
		require.Equal(t, identity.VerificationRecord{ValueIndex: u.PhoneIndex, CodeHash: hash, Sends: 1, Tries: 1, LastSent: t0}, got)
	})
}
