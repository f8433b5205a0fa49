package server_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestE2ESquattedNumber: Mal signs up first with Bob's phone number. Bob
// still signs up with it, logs in by it before and after confirming it,
// confirms it and receives the money Ann sends to it. Mal's claim is
// dropped: the code Mal was sent no longer confirms it, and the number
// refuses later signups.
func TestE2ESquattedNumber(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d)
		ann := p.newUser(t, "Ann")
		topup(t, ann, 10_000)
		const phone = "+85264105001"
		mal := p.register(t, &user{c: client.New(p.base, nil), phone: phone, name: "Mal", password: "mallory's own password"})
		malCode := p.code(t, phone)

		bob := p.register(t, &user{c: client.New(p.base, nil), phone: "6410 5001", name: "Bob", password: "correct horse battery"})
		require.NotEqual(t, mal.id, bob.id)
		me, err := bob.c.Me(ctx)
		require.NoError(t, err)
		require.Equal(t, phone, me.Phone)
		require.False(t, me.PhoneVerified)

		// Before anyone confirms it, each logs in by the number with their
		// own password.
		for _, u := range []*user{mal, bob} {
			auth, err := client.New(p.base, nil).Login(ctx, client.LoginParams{Phone: phone, Password: u.password})
			require.NoError(t, err)
			require.Equal(t, u.id, auth.User.ID)
		}

		bobCode := p.code(t, phone)
		_, err = bob.c.Confirm(ctx, client.Phone, bobCode)
		require.NoError(t, err)
		tr, err := ann.c.Send(ctx, key("send"), client.SendParams{To: client.To{Phone: phone}, Amount: 2_500, Currency: "HKD"})
		require.NoError(t, err)
		require.Equal(t, bob.id, tr.To.ID)
		require.Equal(t, int64(2_500), balance(t, bob).Balance)
		require.Equal(t, int64(7_500), balance(t, ann).Balance)

		// Mal's claim is gone for good.
		_, err = mal.c.Confirm(ctx, client.Phone, malCode)
		requireAPIError(t, err, http.StatusConflict, "phone_taken")
		_, err = mal.c.SendCode(ctx, client.Phone)
		requireAPIError(t, err, http.StatusConflict, "phone_taken")
		me, err = mal.c.Me(ctx)
		require.NoError(t, err)
		require.False(t, me.PhoneVerified)
		_, err = client.New(p.base, nil).Login(ctx, client.LoginParams{Phone: phone, Password: mal.password})
		requireAPIError(t, err, http.StatusUnauthorized, "invalid_credentials")
		auth, err := client.New(p.base, nil).Login(ctx, client.LoginParams{Phone: phone, Password: bob.password})
		require.NoError(t, err)
		require.Equal(t, bob.id, auth.User.ID)
		require.True(t, auth.User.PhoneVerified)

		// The confirmed number refuses a new signup.
		_, err = client.New(p.base, nil).Signup(ctx, client.SignupParams{Phone: phone, Name: "Eve", Password: "eve's password 1"})
		requireAPIError(t, err, http.StatusConflict, "phone_taken")
	})
}
