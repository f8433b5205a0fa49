package identity_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/identity"
)

func TestSignup(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, tok := b.signup(t, "+85291234567", func(in *identity.SignupInput) {
			in.Email = " Tai.Man@Example.COM "
			in.Name = " 陳大文\u3000👩🏽 🚀  Zoe\u0301 ＴＭ "
			in.Username = "ＴａｉＭａｎ_1"
		})
		require.True(t, id.HasPrefix(u.ID, id.User))
		require.Equal(t, "+85291234567", u.Phone)
		require.Equal(t, "tai.man@example.com", u.Email)
		require.Equal(t, "陳大文 👩🏽 🚀 Zo\u00e9 TM", u.Name, "the PRECIS Nickname form: spaces, width and composition")
		require.Equal(t, "taiman_1", u.Username, "the PRECIS UsernameCaseMapped form")
		require.Equal(t, 0, u.KYCTier)
		require.Equal(t, t0, u.Created)

		require.True(t, strings.HasPrefix(tok.AccessToken, "at_"))
		require.True(t, strings.HasPrefix(tok.RefreshToken, "rt_"+tok.SessionID+"."))
		require.Equal(t, t0.Add(15*time.Minute).Truncate(time.Second), tok.AccessExpires)
		p, err := b.svc.Authenticate(b.ctx, tok.AccessToken)
		require.NoError(t, err)
		require.Equal(t, identity.Principal{UserID: u.ID, SessionID: tok.SessionID}, p)

		got, err := b.svc.User(b.ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, u, got)
	})
}

func TestSignupValidation(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ok := identity.SignupInput{Phone: "+85291234567", Email: "a@example.com", Name: "Ada", Username: "ada", Password: password}
		for _, tc := range []struct {
			name  string
			edit  func(*identity.SignupInput)
			code  string
			param string
		}{
			{"no phone", func(in *identity.SignupInput) { in.Phone = "" }, identity.EInvalidPhone, "phone"},
			{"leading zero", func(in *identity.SignupInput) { in.Phone = "+05291234567" }, identity.EInvalidPhone, "phone"},
			{"seven digits", func(in *identity.SignupInput) { in.Phone = "+8529123" }, identity.EInvalidPhone, "phone"},
			{"sixteen digits", func(in *identity.SignupInput) { in.Phone = "+8529123456789012" }, identity.EInvalidPhone, "phone"},
			{"E.164 shape, no such mobile", func(in *identity.SignupInput) { in.Phone = "+85290000001" }, identity.EInvalidPhone, "phone"},
			{"fixed line", func(in *identity.SignupInput) { in.Phone = "+852 2123 4567" }, identity.EInvalidPhone, "phone"},
			{"national fixed line", func(in *identity.SignupInput) { in.Phone = "2123 4567" }, identity.EInvalidPhone, "phone"},
			{"email without at", func(in *identity.SignupInput) { in.Email = "example.com" }, identity.EInvalidEmail, "email"},
			{"email with display name", func(in *identity.SignupInput) { in.Email = "Ada <a@example.com>" }, identity.EInvalidEmail, "email"},
			{"email too long", func(in *identity.SignupInput) { in.Email = strings.Repeat("a", 250) + "@b.hk" }, identity.EInvalidEmail, "email"},
			{"empty name", func(in *identity.SignupInput) { in.Name = "" }, identity.EInvalidName, "name"},
			{"blank name", func(in *identity.SignupInput) { in.Name = "   " }, identity.EInvalidName, "name"},
			{"long name", func(in *identity.SignupInput) { in.Name = strings.Repeat("文", 101) }, identity.EInvalidName, "name"},
			{"name not UTF-8", func(in *identity.SignupInput) { in.Name = "Ad\xffa" }, identity.EInvalidName, "name"},
			{"name with control", func(in *identity.SignupInput) { in.Name = "Ada\x00" }, identity.EInvalidName, "name"},
			{"name with RTL override", func(in *identity.SignupInput) { in.Name = "Ada\u202egnaw" }, identity.EInvalidName, "name"},
			{"name with isolate", func(in *identity.SignupInput) { in.Name = "\u2067Ada" }, identity.EInvalidName, "name"},
			{"name with zero-width space", func(in *identity.SignupInput) { in.Name = "A\u200bda" }, identity.EInvalidName, "name"},
			{"name with BOM", func(in *identity.SignupInput) { in.Name = "\ufeffAda" }, identity.EInvalidName, "name"},
			{"name with ZWJ", func(in *identity.SignupInput) { in.Name = "👨\u200d👩\u200d👧" }, identity.EInvalidName, "name"},
			{"name of Hangul fillers", func(in *identity.SignupInput) { in.Name = "\u3164\u3164" }, identity.EInvalidName, "name"},
			{"long name once enforced", func(in *identity.SignupInput) { in.Name = strings.Repeat("\ufdfa", 10) }, identity.EInvalidName, "name"},
			{"short username", func(in *identity.SignupInput) { in.Username = "ab" }, identity.EInvalidUsername, "username"},
			{"username from digit", func(in *identity.SignupInput) { in.Username = "1ada" }, identity.EInvalidUsername, "username"},
			{"username with dash", func(in *identity.SignupInput) { in.Username = "ada-l" }, identity.EInvalidUsername, "username"},
			{"long username", func(in *identity.SignupInput) { in.Username = "a" + strings.Repeat("b", 30) }, identity.EInvalidUsername, "username"},
			{"Cyrillic lookalike username", func(in *identity.SignupInput) { in.Username = "\u0430da" }, identity.EInvalidUsername, "username"},
			{"username with zero-width space", func(in *identity.SignupInput) { in.Username = "ada\u200b" }, identity.EInvalidUsername, "username"},
			{"short password", func(in *identity.SignupInput) { in.Password = "123456789" }, identity.EWeakPassword, "password"},
			{"huge password", func(in *identity.SignupInput) { in.Password = strings.Repeat("x", 1025) }, identity.EWeakPassword, "password"},
		} {
			in := ok
			tc.edit(&in)
			_, _, err := b.svc.Signup(b.ctx, in)
			e := requireCode(t, tc.code, err)
			require.Equal(t, tc.param, e.Param, tc.name)
		}

		// The limits themselves are accepted.
		in := ok
		in.Phone, in.Name, in.Username = "+44 7911 123456", strings.Repeat("文", 100), "a"+strings.Repeat("b", 29)
		in.Password = "密码密码密码密码密码" // ten characters
		_, _, err := b.svc.Signup(b.ctx, in)
		require.NoError(t, err)
	})
}

// TestSignupDuplicates: a confirmed phone or email, and a username, are
// one user's. (Unconfirmed ones are shared: claim_test.go.)
func TestSignupDuplicates(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ada, _ := b.signup(t, "+85291234567", func(in *identity.SignupInput) {
			in.Email, in.Username = "ada@example.com", "ada"
		})
		b.confirm(t, ada)
		for _, tc := range []struct {
			phone, email, username string
			code, param            string
		}{
			{"+85291234567", "", "", identity.EPhoneTaken, "phone"},
			{"+85291234568", "ADA@example.com", "", identity.EEmailTaken, "email"},
			{"+85291234569", "", "Ada", identity.EUsernameTaken, "username"},
			{"+85291234569", "", "ＡＤＡ", identity.EUsernameTaken, "username"}, // fullwidth folds to "ada"
			// A username that reads like a column name must not confuse the
			// translation of duplicate keys.
			{"+85291234567", "", "phone_index", identity.EPhoneTaken, "phone"},
		} {
			_, _, err := b.svc.Signup(b.ctx, identity.SignupInput{Phone: tc.phone, Email: tc.email, Username: tc.username, Name: "B", Password: "another password"})
			e := requireCode(t, tc.code, err)
			require.Equal(t, tc.param, e.Param)
			require.NotContains(t, err.Error(), tc.phone)
		}
		_, _, err := b.svc.Signup(b.ctx, identity.SignupInput{Phone: "+85291234570", Username: "email_index", Name: "C", Password: password})
		require.NoError(t, err)
		_, _, err = b.svc.Signup(b.ctx, identity.SignupInput{Phone: "+85291234571", Username: "email_index", Name: "D", Password: password})
		requireCode(t, identity.EUsernameTaken, err)

		// Users without email or username do not collide with each other.
		b.signup(t, "+85291234572")
		b.signup(t, "+85291234573")
	})
}

func TestLogin(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "+85291234567", func(in *identity.SignupInput) { in.Email = "ada@example.com" })

		got, tok, err := b.login(" +85291234567", password)
		require.NoError(t, err)
		require.Equal(t, u, got)
		p, err := b.svc.Authenticate(b.ctx, tok.AccessToken)
		require.NoError(t, err)
		require.Equal(t, u.ID, p.UserID)

		got, _, err = b.svc.Login(b.ctx, identity.LoginInput{Email: "ADA@example.com", Password: password})
		require.NoError(t, err)
		require.Equal(t, u.ID, got.ID)

		_, _, err = b.login("+85291234567", password+"!")
		wrong := requireCode(t, identity.EInvalidCredentials, err)
		_, _, err = b.login("+85294999999", password)
		unknown := requireCode(t, identity.EInvalidCredentials, err)
		require.Equal(t, wrong, unknown, "a wrong password and an unknown user look the same")

		_, _, err = b.svc.Login(b.ctx, identity.LoginInput{Phone: "+85291234567", Email: "ada@example.com", Password: password})
		requireCode(t, cashless.EInvalid, err)
		_, _, err = b.svc.Login(b.ctx, identity.LoginInput{Password: password})
		requireCode(t, cashless.EInvalid, err)
	})
}

func TestFindUsers(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		ada, _ := b.signup(t, "+85291234567", func(in *identity.SignupInput) {
			in.Email, in.Username, in.Name = "ada@example.com", "ada", "Ada"
		})
		bob, _ := b.signup(t, "+447911123456", func(in *identity.SignupInput) { in.Name = "Bob" })

		b.confirm(t, ada)
		ada.PhoneVerified, ada.EmailVerified = true, true
		for _, p := range []identity.Proxy{{Phone: "+85291234567"}, {Phone: "9123 4567"}, {Email: "Ada@Example.com"}, {Username: "ADA"}} {
			got, err := b.svc.FindUser(b.ctx, p)
			require.NoError(t, err)
			require.Equal(t, ada, got)
		}
		for _, p := range []identity.Proxy{{Phone: "+85291234560"}, {Email: "bob@example.com"}, {Username: "bob"}} {
			_, err := b.svc.FindUser(b.ctx, p)
			requireCode(t, identity.EUserNotFound, err)
		}
		_, err := b.svc.FindUser(b.ctx, identity.Proxy{Phone: "+85291234567", Username: "ada"})
		requireCode(t, cashless.EInvalid, err)
		_, err = b.svc.FindUser(b.ctx, identity.Proxy{Phone: "12"})
		requireCode(t, identity.EInvalidPhone, err)

		_, err = b.svc.User(b.ctx, "usr_nobody")
		requireCode(t, identity.EUserNotFound, err)
		users, err := b.svc.Users(b.ctx, []string{ada.ID, bob.ID, "usr_nobody"})
		require.NoError(t, err)
		require.Equal(t, map[string]*identity.User{ada.ID: ada, bob.ID: bob}, users)
	})
}
