package identity_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/identity"
)

func TestSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, first := b.signup(t, "+85291234567")
		b.clock.Advance(time.Minute)
		_, second, err := b.svc.Login(b.ctx, identity.LoginInput{Phone: "+85291234567", Password: password,
			Client: identity.Client{IP: "2001:db8::1", UserAgent: "Mozilla/5.0 \xff"}})
		require.NoError(t, err)
		b.clock.Advance(time.Minute)
		_, third, err := b.login("+85291234567", password)
		require.NoError(t, err)
		eve, eveTok := b.signup(t, "+85291234568")

		p, err := b.svc.Authenticate(b.ctx, second.AccessToken)
		require.NoError(t, err)
		list, err := b.svc.Sessions(b.ctx, p)
		require.NoError(t, err)
		require.Len(t, list, 3)
		require.Equal(t, []string{third.SessionID, second.SessionID, first.SessionID}, []string{list[0].ID, list[1].ID, list[2].ID}, "newest first")
		require.Equal(t, &identity.Session{
			ID: second.SessionID, UserID: u.ID, Created: t0.Add(time.Minute), LastUsed: t0.Add(time.Minute),
			Expires: t0.Add(time.Minute + 30*24*time.Hour), IP: "2001:db8::1", UserAgent: "Mozilla/5.0 \uFFFD", Current: true,
		}, list[1])
		require.False(t, list[0].Current)
		require.Equal(t, client.IP, list[0].IP)

		// Another user's session is not found, and stays live.
		requireCode(t, identity.ESessionNotFound, b.svc.RevokeSession(b.ctx, u.ID, eveTok.SessionID))
		_, err = b.svc.Authenticate(b.ctx, eveTok.AccessToken)
		require.NoError(t, err)
		requireCode(t, identity.ESessionNotFound, b.svc.RevokeSession(b.ctx, eve.ID, first.SessionID))
		requireCode(t, identity.ESessionNotFound, b.svc.RevokeSession(b.ctx, u.ID, "ses_nothing"))

		require.NoError(t, b.svc.RevokeSession(b.ctx, u.ID, first.SessionID))
		requireCode(t, identity.ESessionNotFound, b.svc.RevokeSession(b.ctx, u.ID, first.SessionID), "already revoked")
		_, err = b.svc.Authenticate(b.ctx, first.AccessToken)
		requireCode(t, identity.EInvalidToken, err)
		_, err = b.svc.Refresh(b.ctx, first.RefreshToken)
		requireCode(t, identity.EInvalidToken, err)

		list, err = b.svc.Sessions(b.ctx, p)
		require.NoError(t, err)
		require.Len(t, list, 2)

		// Expired sessions are not listed.
		b.clock.Advance(30*24*time.Hour - 30*time.Second)
		list, err = b.svc.Sessions(b.ctx, p)
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, third.SessionID, list[0].ID)
	})
}
