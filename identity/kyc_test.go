package identity_test

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/sqldb"
)

func TestKYC(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "+85291234567")
		tier := func() int {
			got, err := b.svc.User(b.ctx, u.ID)
			require.NoError(t, err)
			return got.KYCTier
		}

		// A bad check digit is a rejection, recorded, not an error.
		v, err := b.svc.VerifyKYC(b.ctx, u.ID, identity.KYCInput{Tier: 1, IDNumber: "A123456(4)"})
		require.NoError(t, err)
		require.Equal(t, identity.KYCRejected, v.Status)
		require.Equal(t, identity.KYCReasonIDNumber, v.Reason)
		require.True(t, id.HasPrefix(v.ID, id.KYCVerification))
		require.Equal(t, 0, tier())

		v, err = b.svc.VerifyKYC(b.ctx, u.ID, identity.KYCInput{Tier: 1, IDNumber: "a123456 3"})
		require.NoError(t, err)
		require.Equal(t, &identity.KYCVerification{ID: v.ID, UserID: u.ID, Tier: 1, Status: identity.KYCApproved, Created: t0}, v)
		require.Equal(t, 1, tier())

		_, err = b.svc.VerifyKYC(b.ctx, u.ID, identity.KYCInput{Tier: 1, IDNumber: "A123456(3)"})
		requireCode(t, identity.EInvalidTier, err, "tier 1 is not above tier 1")

		v, err = b.svc.VerifyKYC(b.ctx, u.ID, identity.KYCInput{Tier: 2, IDNumber: "A123456(3)", Address: "  "})
		require.NoError(t, err)
		require.Equal(t, identity.KYCRejected, v.Status)
		require.Equal(t, identity.KYCReasonAddress, v.Reason)
		require.Equal(t, 1, tier())

		v, err = b.svc.VerifyKYC(b.ctx, u.ID, identity.KYCInput{Tier: 2, IDNumber: "A123456(3)", Address: "1 Queen's Road Central, Hong Kong"})
		require.NoError(t, err)
		require.Equal(t, identity.KYCApproved, v.Status)
		require.Equal(t, 2, tier())

		_, err = b.svc.VerifyKYC(b.ctx, u.ID, identity.KYCInput{Tier: 1, IDNumber: "A123456(3)"})
		requireCode(t, identity.EInvalidTier, err, "never lowered")
		require.Equal(t, 2, tier())
	})
}

func TestKYCInvalidRequests(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "+85291234567")
		for _, tc := range []struct {
			in          identity.KYCInput
			code, param string
		}{
			{identity.KYCInput{Tier: 0, IDNumber: "A123456(3)"}, identity.EInvalidTier, "tier"},
			{identity.KYCInput{Tier: 3, IDNumber: "A123456(3)"}, identity.EInvalidTier, "tier"},
			{identity.KYCInput{Tier: 1}, cashless.EInvalid, "id_number"},
			{identity.KYCInput{Tier: 1, IDNumber: strings.Repeat("A", 33)}, cashless.EInvalid, "id_number"},
			{identity.KYCInput{Tier: 2, IDNumber: "A123456(3)", Address: strings.Repeat("路", 201)}, identity.EInvalidAddress, "address"},
			{identity.KYCInput{Tier: 2, IDNumber: "A123456(3)", Address: "x"}, identity.EInvalidAddress, "address"},
			{identity.KYCInput{Tier: 2, IDNumber: "A123456(3)", Address: "aaaaaaaaaaaa"}, identity.EInvalidAddress, "address"},
			{identity.KYCInput{Tier: 2, IDNumber: "A123456(3)", Address: "12 Nathan Road\u202e, Kowloon"}, identity.EInvalidAddress, "address"},
			{identity.KYCInput{Tier: 1, IDNumber: "A123456(3)", Address: "x"}, identity.EInvalidAddress, "address"},
		} {
			_, err := b.svc.VerifyKYC(b.ctx, u.ID, tc.in)
			e := requireCode(t, tc.code, err)
			require.Equal(t, tc.param, e.Param)
		}
		_, err := b.svc.VerifyKYC(b.ctx, "usr_nobody", identity.KYCInput{Tier: 1, IDNumber: "A123456(3)"})
		requireCode(t, identity.EUserNotFound, err)
		got, err := b.svc.User(b.ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, 0, got.KYCTier)
		require.Zero(t, b.count(t, "identity_kyc"), "a request that cannot be verified is not recorded")
	})
}

// kycReview is a row of identity_kyc_reviews.
type kycReview struct {
	id, user, other, reason string
	created                 time.Time
}

func (b *testBundle) reviews(t *testing.T) []kycReview {
	t.Helper()
	rows, err := b.db.Read.QueryContext(b.ctx, `SELECT id, user_id, other_user_id, reason, created_us FROM identity_kyc_reviews ORDER BY id`)
	require.NoError(t, err)
	var out []kycReview
	for rows.Next() {
		var r kycReview
		var other sql.NullString
		var us int64
		require.NoError(t, rows.Scan(&r.id, &r.user, &other, &r.reason, &us))
		r.other, r.created = other.String, sqldb.FromMicros(us)
		out = append(out, r)
	}
	require.NoError(t, rows.Close())
	return out
}

func (b *testBundle) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT COUNT(*) FROM `+table).Scan(&n))
	return n
}

func (b *testBundle) tier(t *testing.T, userID string) int {
	t.Helper()
	u, err := b.svc.User(b.ctx, userID)
	require.NoError(t, err)
	return u.KYCTier
}

// TestKYCOneDocumentPerPerson checks that one identity document verifies
// one user, that a user keeps one document, and that each refusal is left
// for review.
func TestKYCOneDocumentPerPerson(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ada, _ := b.signup(t, "+85291234567")
		bob, _ := b.signup(t, "+85291234568")
		carol, _ := b.signup(t, "+85291234569")
		const address = "1 Queen's Road Central, Hong Kong"

		v, err := b.svc.VerifyKYC(b.ctx, ada.ID, identity.KYCInput{Tier: 1, IDNumber: "A123456(3)"})
		require.NoError(t, err)
		require.Equal(t, identity.KYCApproved, v.Status)

		// Ada's document, however it is written, does not verify Bob.
		for i, number := range []string{"A123456(3)", "a1234563", " A123456 (3)"} {
			_, err = b.svc.VerifyKYC(b.ctx, bob.ID, identity.KYCInput{Tier: 2, IDNumber: number, Address: address})
			e := requireCode(t, identity.EDocumentAlreadyUsed, err, "%q", number)
			require.Equal(t, "id_number", e.Param)
			require.NotContains(t, err.Error(), ada.ID)
			require.Len(t, b.reviews(t), i+1)
		}
		require.Equal(t, 0, b.tier(t, bob.ID))
		for _, r := range b.reviews(t) {
			require.True(t, id.HasPrefix(r.id, id.KYCVerification))
			require.Equal(t, kycReview{id: r.id, user: bob.ID, other: ada.ID, reason: identity.EDocumentAlreadyUsed, created: t0}, r)
		}
		var status, reason string
		require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT status, reason FROM identity_kyc WHERE id = ?`, b.reviews(t)[0].id).Scan(&status, &reason))
		require.Equal(t, identity.KYCRejected, status, "the refused attempt is kept")
		require.Equal(t, identity.EDocumentAlreadyUsed, reason)

		// Ada verifying again with her own document is fine.
		v, err = b.svc.VerifyKYC(b.ctx, ada.ID, identity.KYCInput{Tier: 2, IDNumber: "a123456(3)", Address: address})
		require.NoError(t, err)
		require.Equal(t, identity.KYCApproved, v.Status)
		require.Equal(t, 2, b.tier(t, ada.ID))

		// Bob's own document verifies him.
		v, err = b.svc.VerifyKYC(b.ctx, bob.ID, identity.KYCInput{Tier: 1, IDNumber: "AB987654(3)"})
		require.NoError(t, err)
		require.Equal(t, identity.KYCApproved, v.Status)
		require.Equal(t, 1, b.tier(t, bob.ID))

		// Carol, verified with one document, cannot move up with another.
		_, err = b.svc.VerifyKYC(b.ctx, carol.ID, identity.KYCInput{Tier: 1, IDNumber: "C668668(9)"})
		require.NoError(t, err)
		_, err = b.svc.VerifyKYC(b.ctx, carol.ID, identity.KYCInput{Tier: 2, IDNumber: "G123456(A)", Address: address})
		e := requireCode(t, identity.EDocumentMismatch, err)
		require.Equal(t, "id_number", e.Param)
		require.Equal(t, 1, b.tier(t, carol.ID))
		reviews := b.reviews(t)
		require.Len(t, reviews, 4)
		i := slices.IndexFunc(reviews, func(r kycReview) bool { return r.user == carol.ID })
		require.GreaterOrEqual(t, i, 0)
		require.Equal(t, kycReview{id: reviews[i].id, user: carol.ID, reason: identity.EDocumentMismatch, created: t0}, reviews[i])

		// A rejected document binds nothing.
		v, err = b.svc.VerifyKYC(b.ctx, carol.ID, identity.KYCInput{Tier: 2, IDNumber: "G123456(0)", Address: address})
		require.NoError(t, err)
		require.Equal(t, identity.KYCReasonIDNumber, v.Reason)
		require.Equal(t, 3, b.count(t, "identity_kyc_documents"))
		require.Len(t, b.reviews(t), 4)
	})
}

// TestKYCDocumentRace verifies many users with one document at once, from
// two service instances: exactly one is approved.
func TestKYCDocumentRace(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		svcs := []*identity.Identity{b.svc, b.newInstance(t)}
		const n = 8
		users := make([]string, n)
		for i := range users {
			u, _ := b.signup(t, fmt.Sprintf("+8529123450%d", i))
			users[i] = u.ID
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, userID := range users {
			wg.Go(func() {
				_, errs[i] = svcs[i%2].VerifyKYC(b.ctx, userID, identity.KYCInput{Tier: 1, IDNumber: "A123456(3)"})
			})
		}
		wg.Wait()
		approved := 0
		for i, err := range errs {
			if err == nil {
				approved++
				require.Equal(t, 1, b.tier(t, users[i]))
				continue
			}
			requireCode(t, identity.EDocumentAlreadyUsed, err)
			require.Equal(t, 0, b.tier(t, users[i]))
		}
		require.Equal(t, 1, approved)
		require.Equal(t, 1, b.count(t, "identity_kyc_documents"))
		require.Len(t, b.reviews(t), n-1)
	})
}
