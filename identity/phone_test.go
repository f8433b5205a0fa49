package identity_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/identity"
)

// TestNationalPhoneInput: "9123 4567", as a Hong Kong user types it, is
// the number +852 9123 4567, stored and blind-indexed in that one form,
// so every way of writing it names the same user.
func TestNationalPhoneInput(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "9123 4567")
		require.Equal(t, "+85291234567", u.Phone)
		var index []byte
		require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT phone_index FROM identity_users WHERE id = ?`, u.ID).Scan(&index))
		require.Equal(t, b.vault.BlindIndex("phone", "+85291234567"), index)

		_, _, err := b.svc.Signup(b.ctx, identity.SignupInput{Phone: "+852 9123 4567", Name: "Twin", Password: password})
		requireCode(t, identity.EPhoneTaken, err)
		for _, phone := range []string{"+85291234567", "9123-4567", "(+852) 9123 4567"} {
			got, _, err := b.login(phone, password)
			require.NoError(t, err, phone)
			require.Equal(t, u.ID, got.ID)
		}
		b.confirm(t, u)
		got, err := b.svc.FindUser(b.ctx, identity.Proxy{Phone: "91234567"})
		require.NoError(t, err)
		require.Equal(t, u.ID, got.ID)
	})
}

// TestPhoneRegionOption: national numbers are read in the configured
// region.
func TestPhoneRegionOption(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "07911 123456")
		require.Equal(t, "+447911123456", u.Phone)
		_, _, err := b.svc.Signup(b.ctx, identity.SignupInput{Phone: "9123 4567", Name: "HK", Password: password})
		requireCode(t, identity.EInvalidPhone, err, "not a British mobile")
		hk, _ := b.signup(t, "+852 9123 4567")
		require.Equal(t, "+85291234567", hk.Phone)
	}, func(o *identity.Options) { o.PhoneRegion = "GB" })
}
