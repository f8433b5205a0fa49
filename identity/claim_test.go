package identity_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
)

const (
	bobPhone       = "+85291234567"
	squatterSecret = "squatter's own password"
)

// signupAs signs up a user with the phone, email ("" for none) and password.
func (b *testBundle) signupAs(t *testing.T, phone, email, pw string) *identity.User {
	t.Helper()
	u, _ := b.signup(t, phone, func(in *identity.SignupInput) { in.Email, in.Password = email, pw })
	return u
}

// TestSquatterDoesNotBlockOwner: Mallory signs up first with Bob's number
// and email. Bob can still sign up, confirm them and be found by them;
// Mallory's claims are dropped and can never be confirmed, and the number
// refuses every later signup.
func TestSquatterDoesNotBlockOwner(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		mallory := b.signupAs(t, bobPhone, "bob@example.com", squatterSecret)
		malloryCode := b.outbox.code(t, bobPhone) // Bob's phone receives it, not Mallory
		bob := b.signupAs(t, "9123 4567", "Bob@Example.com", password)
		require.NotEqual(t, mallory.ID, bob.ID)
		require.Equal(t, bobPhone, bob.Phone)

		b.confirm(t, bob)
		for _, p := range []identity.Proxy{{Phone: bobPhone}, {Email: "bob@example.com"}} {
			got, err := b.svc.FindUser(b.ctx, p)
			require.NoError(t, err)
			require.Equal(t, bob.ID, got.ID, "%+v reaches Bob", p)
			require.True(t, got.PhoneVerified)
			require.True(t, got.EmailVerified)
		}

		// Mallory's claim is gone for good: no code is sent or accepted,
		// not even the one sent to the number while she held it.
		got, err := b.svc.User(b.ctx, mallory.ID)
		require.NoError(t, err)
		require.False(t, got.PhoneVerified)
		require.False(t, got.EmailVerified)
		_, err = b.svc.ConfirmVerification(b.ctx, mallory.ID, identity.ChannelPhone, malloryCode)
		e := requireCode(t, identity.EPhoneTaken, err)
		require.Equal(t, "phone", e.Param)
		_, err = b.svc.SendVerification(b.ctx, mallory.ID, identity.ChannelPhone)
		requireCode(t, identity.EPhoneTaken, err)
		_, err = b.svc.SendVerification(b.ctx, mallory.ID, identity.ChannelEmail)
		requireCode(t, identity.EEmailTaken, err)

		// Logins by the number open Bob's account only.
		_, _, err = b.login(bobPhone, squatterSecret)
		requireCode(t, identity.EInvalidCredentials, err)
		got, _, err = b.login(bobPhone, password)
		require.NoError(t, err)
		require.Equal(t, bob.ID, got.ID)

		// A confirmed number and email refuse new signups, as before.
		_, _, err = b.svc.Signup(b.ctx, identity.SignupInput{Phone: bobPhone, Name: "Eve", Password: "eve's password!"})
		requireCode(t, identity.EPhoneTaken, err)
		_, _, err = b.svc.Signup(b.ctx, identity.SignupInput{Phone: "+85291234599", Email: "bob@example.com", Name: "Eve", Password: "eve's password!"})
		requireCode(t, identity.EEmailTaken, err)
	})
}

// TestSquatterConfirmingFirst: whoever types in the code first holds the
// number; the other's claim is dropped, even with a code still pending.
func TestSquatterConfirmingFirst(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		first := b.signupAs(t, bobPhone, "", squatterSecret)
		firstCode := b.outbox.code(t, bobPhone)
		second := b.signupAs(t, bobPhone, "", password)
		secondCode := b.outbox.code(t, bobPhone)

		_, err := b.svc.ConfirmVerification(b.ctx, first.ID, identity.ChannelPhone, firstCode)
		require.NoError(t, err)
		_, err = b.svc.ConfirmVerification(b.ctx, second.ID, identity.ChannelPhone, secondCode)
		requireCode(t, identity.EPhoneTaken, err)
		got, err := b.svc.FindUser(b.ctx, identity.Proxy{Phone: bobPhone})
		require.NoError(t, err)
		require.Equal(t, first.ID, got.ID)
	})
}

// TestUnconfirmedHoldersCap: up to identity.UnconfirmedHolders accounts
// hold one unconfirmed phone or email; the next signup is refused.
func TestUnconfirmedHoldersCap(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		for i := range identity.UnconfirmedHolders {
			b.signupAs(t, bobPhone, "bob@example.com", fmt.Sprintf("password number %d", i))
		}
		_, _, err := b.svc.Signup(b.ctx, identity.SignupInput{Phone: bobPhone, Name: "Bob", Password: "one too many!"})
		requireCode(t, identity.EPhoneTaken, err)
		_, _, err = b.svc.Signup(b.ctx, identity.SignupInput{Phone: "+85291234599", Email: "bob@example.com", Name: "Bob", Password: "one too many!"})
		requireCode(t, identity.EEmailTaken, err)
	})
}

// TestLoginByUnconfirmedPhone: before anyone confirms a number, each of
// its holders logs in by it with their own password; after, its holder.
func TestLoginByUnconfirmedPhone(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		mallory := b.signupAs(t, bobPhone, "", squatterSecret)
		bob := b.signupAs(t, bobPhone, "bob@example.com", password)

		got, _, err := b.login(bobPhone, squatterSecret)
		require.NoError(t, err)
		require.Equal(t, mallory.ID, got.ID)
		got, _, err = b.login("9123 4567", password)
		require.NoError(t, err)
		require.Equal(t, bob.ID, got.ID)
		got, _, err = b.svc.Login(b.ctx, identity.LoginInput{Email: "bob@example.com", Password: password})
		require.NoError(t, err)
		require.Equal(t, bob.ID, got.ID)
		_, _, err = b.login(bobPhone, "nobody's password")
		requireCode(t, identity.EInvalidCredentials, err)

		_, err = b.svc.ConfirmVerification(b.ctx, bob.ID, identity.ChannelPhone, b.outbox.code(t, bobPhone))
		require.NoError(t, err)
		got, _, err = b.login(bobPhone, password)
		require.NoError(t, err)
		require.Equal(t, bob.ID, got.ID)
		_, _, err = b.login(bobPhone, squatterSecret)
		requireCode(t, identity.EInvalidCredentials, err, "the dropped claim opens nothing")
	})
}

// TestLockedHolderBlocksNoOther: a holder whose account is locked out is
// skipped, so a squatter who locks their own account does not lock the
// owner out of the number they share.
func TestLockedHolderBlocksNoOther(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		b.signupAs(t, bobPhone, "mallory@example.com", squatterSecret)
		bob := b.signupAs(t, bobPhone, "", password) // a first failure of Mallory's (TestSignupGuessesAreThrottled)
		for range 3 {
			_, _, err := b.svc.Login(b.ctx, identity.LoginInput{Email: "mallory@example.com", Password: "wrong password!"})
			requireCode(t, identity.EInvalidCredentials, err)
		}
		_, _, err := b.svc.Login(b.ctx, identity.LoginInput{Email: "mallory@example.com", Password: "wrong password!"})
		requireCode(t, identity.ELoginLocked, err)

		got, _, err := b.login(bobPhone, password)
		require.NoError(t, err)
		require.Equal(t, bob.ID, got.ID)
		_, _, err = b.login(bobPhone, squatterSecret)
		requireCode(t, identity.EInvalidCredentials, err, "the locked account is not tried")

		// Failures by the shared number count against every account tried:
		// Bob's alone now (one failure above), so the fifth locks him too.
		for range 3 {
			_, _, err = b.login(bobPhone, "wrong password!")
			requireCode(t, identity.EInvalidCredentials, err)
		}
		_, _, err = b.login(bobPhone, "wrong password!")
		requireCode(t, identity.ELoginLocked, err)
		_, _, err = b.login(bobPhone, password)
		requireCode(t, identity.ELoginLocked, err, "every holder is locked")
	})
}

// TestRepeatedSignup: a signup sent again (its answer lost) is refused as
// taken rather than making a second account, and the client logs in.
func TestRepeatedSignup(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u := b.signupAs(t, bobPhone, "bob@example.com", password)
		_, _, err := b.svc.Signup(b.ctx, identity.SignupInput{Phone: bobPhone, Email: "bob@example.com", Name: "Bob", Password: password})
		requireCode(t, identity.EPhoneTaken, err)
		_, _, err = b.svc.Signup(b.ctx, identity.SignupInput{Phone: "+85291234599", Email: "bob@example.com", Name: "Bob", Password: password})
		requireCode(t, identity.EEmailTaken, err)
		got, _, err := b.login(bobPhone, password)
		require.NoError(t, err)
		require.Equal(t, u.ID, got.ID)
	})
}

// TestConcurrentConfirmationsOfOneNumber: holders of one number typing in
// their codes at once on two instances: exactly one holds it after.
func TestConcurrentConfirmationsOfOneNumber(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		other := b.newInstance(t)
		for round := range 5 {
			phone := fmt.Sprintf("+8529123450%d", round)
			var users []*identity.User
			var codes []string
			for i := range identity.UnconfirmedHolders {
				users = append(users, b.signupAs(t, phone, "", fmt.Sprintf("password number %d", i)))
				codes = append(codes, b.outbox.code(t, phone))
			}
			errs := make([]string, len(users))
			var wg sync.WaitGroup
			for i, u := range users {
				svc := b.svc
				if i%2 == 1 {
					svc = other
				}
				wg.Go(func() {
					_, err := svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, codes[i])
					errs[i] = cashless.ErrorCode(err)
				})
			}
			wg.Wait()
			count := map[string]int{}
			for _, c := range errs {
				count[c]++
			}
			require.Equal(t, map[string]int{"": 1, identity.EPhoneTaken: len(users) - 1}, count, "round %d", round)
			got, err := b.svc.FindUser(b.ctx, identity.Proxy{Phone: phone})
			require.NoError(t, err)
			for i, u := range users {
				require.Equal(t, errs[i] == "", got.ID == u.ID)
			}
		}
	})
}

// TestSignupGuessesAreThrottled: the password a repeated signup is compared
// with is a guess at the holder's password, counted as a failed login, and
// a locked holder is not compared: signups are no way around the login
// lock-out.
func TestSignupGuessesAreThrottled(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		b.signupAs(t, bobPhone, "bob@example.com", password)
		b.signupAs(t, bobPhone, "", "eve's first guess")
		_, _, err := b.svc.Login(b.ctx, identity.LoginInput{Email: "bob@example.com", Password: "eve's second guess"})
		requireCode(t, identity.ELoginLocked, err, "the signup's guess was the first failure")

		_, _, err = b.svc.Signup(b.ctx, identity.SignupInput{Phone: bobPhone, Name: "Eve", Password: password})
		require.NoError(t, err, "a locked account is not compared, so the answer tells nothing")
	}, func(o *identity.Options) { o.Throttle.AccountFailures = 2 })
}
