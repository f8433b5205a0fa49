package identity_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/identity"
)

// code returns the TOTP code of secret at the bundle's clock plus d.
func (b *testBundle) code(t *testing.T, secret string, d time.Duration) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, b.clock.Now().Add(d))
	require.NoError(t, err)
	return c
}

// enrol signs up a user and enables TOTP, returning the user and secret.
func (b *testBundle) enrol(t *testing.T, phone string) (*identity.User, string) {
	t.Helper()
	u, _ := b.signup(t, phone, func(in *identity.SignupInput) { in.Username = "totp_user" })
	e, err := b.svc.EnrolTOTP(b.ctx, u.ID)
	require.NoError(t, err)
	require.NoError(t, b.svc.ConfirmTOTP(b.ctx, u.ID, b.code(t, e.Secret, 0)))
	b.clock.Advance(30 * time.Second) // past the confirming code's step
	return u, e.Secret
}

func TestTOTPEnrolment(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "+85291234567", func(in *identity.SignupInput) { in.Username = "ada" })
		requireCode(t, identity.ETOTPNotEnrolled, b.svc.ConfirmTOTP(b.ctx, u.ID, "123456"))

		first, err := b.svc.EnrolTOTP(b.ctx, u.ID)
		require.NoError(t, err)
		link, err := url.Parse(first.URL)
		require.NoError(t, err)
		require.Equal(t, "otpauth", link.Scheme)
		require.Equal(t, "Cashless", link.Query().Get("issuer"))
		require.Equal(t, first.Secret, link.Query().Get("secret"))
		require.Contains(t, link.Path, "ada")

		// A restarted enrolment replaces the secret.
		second, err := b.svc.EnrolTOTP(b.ctx, u.ID)
		require.NoError(t, err)
		require.NotEqual(t, first.Secret, second.Secret)
		requireCode(t, identity.EInvalidTOTP, b.svc.ConfirmTOTP(b.ctx, u.ID, b.code(t, first.Secret, 0)))
		requireCode(t, identity.EInvalidTOTP, b.svc.ConfirmTOTP(b.ctx, u.ID, "12345"))
		requireCode(t, identity.ETOTPRequired, b.svc.ConfirmTOTP(b.ctx, u.ID, ""))

		got, err := b.svc.User(b.ctx, u.ID)
		require.NoError(t, err)
		require.False(t, got.TOTPEnabled, "pending until confirmed")
		require.NoError(t, b.svc.VerifyTOTP(b.ctx, u.ID, ""), "no step-up without TOTP")

		require.NoError(t, b.svc.ConfirmTOTP(b.ctx, u.ID, b.code(t, second.Secret, 0)))
		got, err = b.svc.User(b.ctx, u.ID)
		require.NoError(t, err)
		require.True(t, got.TOTPEnabled)

		_, err = b.svc.EnrolTOTP(b.ctx, u.ID)
		requireCode(t, identity.ETOTPAlreadyEnabled, err)
		requireCode(t, identity.ETOTPAlreadyEnabled, b.svc.ConfirmTOTP(b.ctx, u.ID, b.code(t, second.Secret, 30*time.Second)))
		_, err = b.svc.EnrolTOTP(b.ctx, "usr_nobody")
		requireCode(t, identity.EUserNotFound, err)
	})
}

func TestTOTPLogin(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		const phone = "+85291234567"
		_, secret := b.enrol(t, phone)
		login := func(code string) error {
			_, _, err := b.svc.Login(b.ctx, identity.LoginInput{Phone: phone, Password: password, TOTPCode: code})
			return err
		}
		requireCode(t, identity.ETOTPRequired, login(""))
		requireCode(t, identity.EInvalidTOTP, login("000000"))
		requireCode(t, identity.EInvalidTOTP, login(b.code(t, secret, -2*time.Minute)))

		code := b.code(t, secret, 0)
		require.NoError(t, login(code))
		requireCode(t, identity.EInvalidTOTP, login(code), "a code works once")

		// One step of skew either side is accepted; an older step than the
		// last one used is not.
		require.NoError(t, login(b.code(t, secret, 30*time.Second)))
		requireCode(t, identity.EInvalidTOTP, login(b.code(t, secret, -30*time.Second)))
		requireCode(t, identity.EInvalidTOTP, login(b.code(t, secret, 0)))
		b.clock.Advance(30 * time.Second)
		requireCode(t, identity.EInvalidTOTP, login(b.code(t, secret, 0)), "the next step's code was already used")
		b.clock.Advance(30 * time.Second)
		require.NoError(t, login(b.code(t, secret, 0)))

		// A wrong password with a good code is still a wrong password.
		_, _, err := b.svc.Login(b.ctx, identity.LoginInput{Phone: phone, Password: "wrong password!", TOTPCode: b.code(t, secret, 30*time.Second)})
		requireCode(t, identity.EInvalidCredentials, err)
	})
}

// TestWrongTOTPCountsAsFailure: guessing codes with a known password locks
// the account like guessing passwords.
func TestWrongTOTPCountsAsFailure(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		const phone = "+85291234567"
		_, secret := b.enrol(t, phone)
		for range 4 {
			_, _, err := b.svc.Login(b.ctx, identity.LoginInput{Phone: phone, Password: password, TOTPCode: "000000"})
			requireCode(t, identity.EInvalidTOTP, err)
		}
		_, _, err := b.svc.Login(b.ctx, identity.LoginInput{Phone: phone, Password: password, TOTPCode: "000000"})
		e := requireCode(t, identity.ELoginLocked, err)
		require.Equal(t, time.Minute, e.RetryAfter)
		_, _, err = b.svc.Login(b.ctx, identity.LoginInput{Phone: phone, Password: password, TOTPCode: b.code(t, secret, 0)})
		requireCode(t, identity.ELoginLocked, err)
	})
}

func TestTOTPStepUp(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, secret := b.enrol(t, "+85291234567")
		requireCode(t, identity.ETOTPRequired, b.svc.VerifyTOTP(b.ctx, u.ID, ""))
		requireCode(t, identity.EInvalidTOTP, b.svc.VerifyTOTP(b.ctx, u.ID, "abcdef"))
		code := b.code(t, secret, 0)
		require.NoError(t, b.svc.VerifyTOTP(b.ctx, u.ID, code))
		requireCode(t, identity.EInvalidTOTP, b.svc.VerifyTOTP(b.ctx, u.ID, code), "replay refused")
		b.clock.Advance(30 * time.Second)
		require.NoError(t, b.svc.VerifyTOTP(b.ctx, u.ID, b.code(t, secret, 0)))

		// Logging in and stepping up share the replay guard.
		b.clock.Advance(30 * time.Second)
		code = b.code(t, secret, 0)
		_, _, err := b.svc.Login(b.ctx, identity.LoginInput{Phone: "+85291234567", Password: password, TOTPCode: code})
		require.NoError(t, err)
		requireCode(t, identity.EInvalidTOTP, b.svc.VerifyTOTP(b.ctx, u.ID, code))
	})
}
