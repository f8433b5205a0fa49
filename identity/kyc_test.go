package identity_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/identity"
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
			{identity.KYCInput{Tier: 2, IDNumber: "A123456(3)", Address: strings.Repeat("路", 501)}, cashless.EInvalid, "address"},
		} {
			_, err := b.svc.VerifyKYC(b.ctx, u.ID, tc.in)
			e := requireCode(t, tc.code, err)
			require.Equal(t, tc.param, e.Param)
		}
		_, err := b.svc.VerifyKYC(b.ctx, "usr_nobody", identity.KYCInput{Tier: 1, IDNumber: "A123456(3)"})
		requireCode(t, identity.EUserNotFound, err)
	})
}
