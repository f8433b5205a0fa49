package identity_test

import (
	"crypto/sha256"
	"errors"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
)

// TestUnconfirmedPhoneFindsNoOne: signing up with someone else's number
// or email does not make the impostor reachable by it. Until confirmed,
// FindUser answers exactly as for a number or email nobody has.
func TestUnconfirmedPhoneFindsNoOne(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		mallory, _ := b.signup(t, "+85291234567", func(in *identity.SignupInput) {
			in.Email, in.Username = "victim@example.com", "mallory"
		})
		_, unknown := b.svc.FindUser(b.ctx, identity.Proxy{Phone: "+85291234568"})
		requireCode(t, identity.EUserNotFound, unknown)
		for _, p := range []identity.Proxy{{Phone: "+85291234567"}, {Phone: "9123 4567"}, {Email: "victim@example.com"}} {
			_, err := b.svc.FindUser(b.ctx, p)
			requireCode(t, identity.EUserNotFound, err)
			require.Equal(t, cashless.ErrorMessage(unknown), cashless.ErrorMessage(err), "%+v reads like an unknown one", p)
		}
		got, err := b.svc.FindUser(b.ctx, identity.Proxy{Username: "mallory"})
		require.NoError(t, err, "a username is a handle the user chose, found at once")
		require.False(t, got.PhoneVerified)
		require.False(t, got.EmailVerified)

		// Confirming one channel makes that one reachable, not the other.
		_, err = b.svc.ConfirmVerification(b.ctx, mallory.ID, identity.ChannelPhone, b.outbox.code(t, "+85291234567"))
		require.NoError(t, err)
		got, err = b.svc.FindUser(b.ctx, identity.Proxy{Phone: "+852 9123 4567"})
		require.NoError(t, err)
		require.Equal(t, mallory.ID, got.ID)
		require.True(t, got.PhoneVerified)
		_, err = b.svc.FindUser(b.ctx, identity.Proxy{Email: "victim@example.com"})
		requireCode(t, identity.EUserNotFound, err)
	})
}

// TestLoginBeforeConfirming: login by phone or email works before either
// is confirmed (the password proves the account, and confirming needs a
// session).
func TestLoginBeforeConfirming(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "+85291234567", func(in *identity.SignupInput) { in.Email = "ada@example.com" })
		got, _, err := b.login("9123 4567", password)
		require.NoError(t, err)
		require.Equal(t, u.ID, got.ID)
		_, _, err = b.svc.Login(b.ctx, identity.LoginInput{Email: "ada@example.com", Password: password})
		require.NoError(t, err)
	})
}

func TestCodesSentAtSignup(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "9123 4567", func(in *identity.SignupInput) { in.Email = "Ada@Example.com" })
		require.Equal(t, "+85291234567", u.Phone)
		digits := regexp.MustCompile(`^[0-9]{6}$`)
		for to, channel := range map[string]string{"+85291234567": identity.ChannelPhone, "ada@example.com": identity.ChannelEmail} {
			msgs := b.outbox.sent(to)
			require.Len(t, msgs, 1, to)
			m := msgs[0]
			require.Equal(t, channel, m.Channel)
			require.Regexp(t, digits, m.Code)
			require.Contains(t, m.Text, m.Code)
			require.Contains(t, m.Text, "10 minutes")
			require.Equal(t, t0, m.Created)
		}
		plain, _ := b.signup(t, "+85291234568")
		require.Len(t, b.outbox.sent(plain.Phone), 1)
		_, err := b.svc.SendVerification(b.ctx, plain.ID, identity.ChannelEmail)
		requireCode(t, identity.ENoEmail, err)
		_, err = b.svc.ConfirmVerification(b.ctx, plain.ID, identity.ChannelEmail, "123456")
		requireCode(t, identity.ENoEmail, err)
		_, err = b.svc.SendVerification(b.ctx, plain.ID, "sms")
		requireCode(t, cashless.EInvalid, err)
		_, err = b.svc.SendVerification(b.ctx, "usr_nobody", identity.ChannelPhone)
		requireCode(t, identity.EUserNotFound, err)

		// The codes are stored only as keyed hashes.
		code := b.outbox.code(t, u.Phone)
		var hash []byte
		require.NoError(t, b.db.Read.QueryRowContext(b.ctx, `SELECT code_hash FROM identity_verifications WHERE user_id = ? AND channel = ?`,
			u.ID, identity.ChannelPhone).Scan(&hash))
		require.Len(t, hash, 32)
		plainHash := sha256.Sum256([]byte(code))
		require.NotEqual(t, plainHash[:], hash, "not an unkeyed hash, which a million guesses would undo")
		require.NotContains(t, string(hash), code)
	})
}

func TestConfirmCode(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "+85291234567", func(in *identity.SignupInput) { in.Email = "ada@example.com" })
		code := b.outbox.code(t, u.Phone)
		for _, bad := range []string{"", "12345", "1234567", "12345a", "１２３４５６"} {
			_, err := b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, bad)
			e := requireCode(t, identity.EInvalidCode, err, "%q", bad)
			require.Equal(t, "code", e.Param)
		}
		_, err := b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, otherCode(code))
		e := requireCode(t, identity.EInvalidCode, err)
		require.Contains(t, e.Message, "4 tries are left", "malformed codes spent no try")
		_, err = b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelEmail, code)
		requireCode(t, identity.EInvalidCode, err, "a phone's code does not confirm the email")

		v, err := b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, " "+code+" ")
		require.NoError(t, err)
		require.Equal(t, &identity.Verification{Channel: identity.ChannelPhone, Status: identity.VerificationVerified}, v)
		got, err := b.svc.User(b.ctx, u.ID)
		require.NoError(t, err)
		require.True(t, got.PhoneVerified)
		require.False(t, got.EmailVerified)

		_, err = b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, code)
		requireCode(t, identity.EAlreadyVerified, err)
		_, err = b.svc.SendVerification(b.ctx, u.ID, identity.ChannelPhone)
		requireCode(t, identity.EAlreadyVerified, err)
	})
}

// TestCodeTries: five tries, then even the right code needs replacing.
func TestCodeTries(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "+85291234567")
		code := b.outbox.code(t, u.Phone)
		for i := range 5 {
			_, err := b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, otherCode(code))
			requireCode(t, identity.EInvalidCode, err, "try %d", i+1)
		}
		_, err := b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, code)
		requireCode(t, identity.EVerificationNotPending, err)

		b.clock.Advance(time.Minute)
		v, err := b.svc.SendVerification(b.ctx, u.ID, identity.ChannelPhone)
		require.NoError(t, err)
		require.Equal(t, identity.VerificationPending, v.Status)
		require.Equal(t, b.clock.Now().Add(10*time.Minute), v.Expires)
		fresh := b.outbox.code(t, u.Phone)
		if fresh != code {
			_, err = b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, code)
			requireCode(t, identity.EInvalidCode, err, "a new code replaces the old one")
		}
		_, err = b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, fresh)
		require.NoError(t, err)
	})
}

func TestCodeExpires(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "+85291234567")
		code := b.outbox.code(t, u.Phone)
		b.clock.Advance(10 * time.Minute)
		_, err := b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, code)
		requireCode(t, identity.EVerificationNotPending, err)
		_, err = b.svc.FindUser(b.ctx, identity.Proxy{Phone: u.Phone})
		requireCode(t, identity.EUserNotFound, err)
	})
}

// TestSendThrottle: per user and channel, one code a minute and five an
// hour, answered with RetryAfter.
func TestSendThrottle(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "+85291234567", func(in *identity.SignupInput) { in.Email = "ada@example.com" })
		b.clock.Advance(20 * time.Second)
		_, err := b.svc.SendVerification(b.ctx, u.ID, identity.ChannelPhone)
		e := requireCode(t, identity.EVerificationThrottled, err)
		require.Equal(t, 40*time.Second, e.RetryAfter)
		require.Len(t, b.outbox.sent(u.Phone), 1, "a throttled send sends nothing")

		// Four more in the hour, a minute apart: five with the signup's.
		for i := range 4 {
			b.clock.Advance(time.Minute)
			_, err := b.svc.SendVerification(b.ctx, u.ID, identity.ChannelPhone)
			require.NoError(t, err, "send %d", i+2)
		}
		b.clock.Advance(10 * time.Minute)
		_, err = b.svc.SendVerification(b.ctx, u.ID, identity.ChannelPhone)
		e = requireCode(t, identity.EVerificationThrottled, err)
		elapsed := 20*time.Second + 4*time.Minute + 10*time.Minute
		require.Equal(t, time.Hour-elapsed, e.RetryAfter, "until the hour since the first send is over")
		require.Len(t, b.outbox.sent(u.Phone), 5)

		// The email has limits of its own.
		_, err = b.svc.SendVerification(b.ctx, u.ID, identity.ChannelEmail)
		require.NoError(t, err)

		b.clock.Advance(e.RetryAfter)
		_, err = b.svc.SendVerification(b.ctx, u.ID, identity.ChannelPhone)
		require.NoError(t, err)
		require.Len(t, b.outbox.sent(u.Phone), 6)
	})
}

// TestConcurrentGuesses: however many guesses race, no more than five are
// compared with a code.
func TestConcurrentGuesses(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, _ := b.signup(t, "+85291234567")
		code := b.outbox.code(t, u.Phone)
		other := b.newInstance(t)
		var wg sync.WaitGroup
		codes := make([]string, 40)
		for i := range codes {
			svc := b.svc
			if i%2 == 1 {
				svc = other
			}
			wg.Go(func() {
				_, err := svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, otherCode(code))
				codes[i] = cashless.ErrorCode(err)
			})
		}
		wg.Wait()
		count := map[string]int{}
		for _, c := range codes {
			count[c]++
		}
		require.Equal(t, map[string]int{identity.EInvalidCode: 5, identity.EVerificationNotPending: 35}, count)
		_, err := b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, code)
		requireCode(t, identity.EVerificationNotPending, err)
	})
}

// TestSignupSurvivesSendFailure: the account exists even when its first
// code could not be sent; the user asks again.
func TestSignupSurvivesSendFailure(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		b.outbox.setFail(errors.New("provider down"))
		u, _ := b.signup(t, "+85291234567")
		require.Contains(t, b.logs.String(), `"msg":"could not send the verification code at signup"`)
		require.Contains(t, b.logs.String(), "provider down")
		require.NotContains(t, b.logs.String(), "91234567")
		_, err := b.svc.SendVerification(b.ctx, u.ID, identity.ChannelPhone)
		requireCode(t, identity.EVerificationThrottled, err, "the failed send counted")
		b.clock.Advance(time.Minute)
		_, err = b.svc.SendVerification(b.ctx, u.ID, identity.ChannelPhone)
		require.Error(t, err)
		require.Equal(t, cashless.EInternal, cashless.ErrorCode(err))
		b.outbox.setFail(nil)
		b.clock.Advance(time.Minute)
		_, err = b.svc.SendVerification(b.ctx, u.ID, identity.ChannelPhone)
		require.NoError(t, err)
		_, err = b.svc.ConfirmVerification(b.ctx, u.ID, identity.ChannelPhone, b.outbox.code(t, u.Phone))
		require.NoError(t, err)
	})
}

// otherCode returns a six-digit code that is not code.
func otherCode(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}
