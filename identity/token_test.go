package identity_test

import (
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
)

func TestAccessTokenTampered(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		_, tok := b.signup(t, "+85291234567")
		other, _ := b.signup(t, "+85291234568")
		at := tok.AccessToken
		head, mac, _ := strings.Cut(at, ".")
		payload, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(head, "at_"))
		require.NoError(t, err)
		fields := strings.Split(string(payload), "|")
		fields[1] = other.ID
		forged := strings.Join(fields, "|")

		flip := []byte(at)
		flip[len(flip)-3] ^= 1
		for name, bad := range map[string]string{
			"empty":          "",
			"refresh token":  tok.RefreshToken,
			"no mac":         head,
			"mac flipped":    string(flip),
			"other user":     "at_" + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + mac,
			"other key":      signWith(t, b, []byte("another key of thirty-two bytes!")),
			"trailing bytes": at + "x",
		} {
			_, err := b.svc.Authenticate(b.ctx, bad)
			require.Equal(t, identity.EInvalidToken, cashless.ErrorCode(err), name)
		}
		_, err = b.svc.Authenticate(b.ctx, at)
		require.NoError(t, err, "the untouched token still works")
	})
}

// signWith returns an access token for a fresh user from a service that
// signs with key.
func signWith(t *testing.T, b *testBundle, key []byte) string {
	t.Helper()
	svc, err := identity.New(b.store, b.vault, identity.Options{Now: b.clock.Now, TokenKey: key, Argon2: identity.CheapArgon2, Sender: b.outbox})
	require.NoError(t, err)
	_, tok, err := svc.Signup(b.ctx, identity.SignupInput{Phone: "+85294990000", Name: "Eve", Password: password})
	require.NoError(t, err)
	return tok.AccessToken
}

func TestAccessTokenExpiry(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		_, tok := b.signup(t, "+85291234567")
		b.clock.Advance(14 * time.Minute)
		_, err := b.svc.Authenticate(b.ctx, tok.AccessToken)
		require.NoError(t, err)
		b.clock.Advance(time.Minute)
		_, err = b.svc.Authenticate(b.ctx, tok.AccessToken)
		requireCode(t, identity.EInvalidToken, err)
	})
}

func TestLogoutRevokes(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		_, tok := b.signup(t, "+85291234567")
		_, other, err := b.login("+85291234567", password)
		require.NoError(t, err)
		p, err := b.svc.Authenticate(b.ctx, tok.AccessToken)
		require.NoError(t, err)
		require.NoError(t, b.svc.Logout(b.ctx, p))
		require.NoError(t, b.svc.Logout(b.ctx, p), "logging out twice is fine")

		_, err = b.svc.Authenticate(b.ctx, tok.AccessToken)
		requireCode(t, identity.EInvalidToken, err)
		_, err = b.svc.Refresh(b.ctx, tok.RefreshToken)
		requireCode(t, identity.EInvalidToken, err)

		_, err = b.svc.Authenticate(b.ctx, other.AccessToken)
		require.NoError(t, err, "other sessions live on")
	})
}

func TestRefreshRotation(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		u, first := b.signup(t, "+85291234567")
		b.clock.Advance(20 * time.Minute)
		_, err := b.svc.Authenticate(b.ctx, first.AccessToken)
		requireCode(t, identity.EInvalidToken, err)

		second, err := b.svc.Refresh(b.ctx, first.RefreshToken)
		require.NoError(t, err)
		require.Equal(t, first.SessionID, second.SessionID, "same session, same family")
		require.NotEqual(t, first.RefreshToken, second.RefreshToken)
		require.Equal(t, t0.Add(35*time.Minute).Truncate(time.Second), second.AccessExpires)
		p, err := b.svc.Authenticate(b.ctx, second.AccessToken)
		require.NoError(t, err)
		require.Equal(t, identity.Principal{UserID: u.ID, SessionID: first.SessionID}, p)

		third, err := b.svc.Refresh(b.ctx, second.RefreshToken)
		require.NoError(t, err)

		// The session now ends 30 days after the last refresh.
		sessions, err := b.svc.Sessions(b.ctx, p)
		require.NoError(t, err)
		require.Len(t, sessions, 1)
		require.Equal(t, t0.Add(20*time.Minute+30*24*time.Hour), sessions[0].Expires)
		require.Equal(t, t0.Add(20*time.Minute), sessions[0].LastUsed)

		// Reusing a spent token revokes the whole family.
		_, err = b.svc.Refresh(b.ctx, first.RefreshToken)
		requireCode(t, identity.EInvalidToken, err)
		_, err = b.svc.Refresh(b.ctx, third.RefreshToken)
		requireCode(t, identity.EInvalidToken, err)
		_, err = b.svc.Authenticate(b.ctx, third.AccessToken)
		requireCode(t, identity.EInvalidToken, err)
	})
}

func TestRefreshInvalid(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		_, tok := b.signup(t, "+85291234567")
		sessionID := tok.SessionID
		random := "rt_" + sessionID + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 32))
		for _, bad := range []string{"", "rt_", tok.AccessToken, "rt_" + sessionID, random, "rt_ses_x." + strings.Repeat("A", 43), tok.RefreshToken + "A"} {
			_, err := b.svc.Refresh(b.ctx, bad)
			requireCode(t, identity.EInvalidToken, err)
		}
		// A forged token is not a reuse: the session lives on.
		next, err := b.svc.Refresh(b.ctx, tok.RefreshToken)
		require.NoError(t, err)
		_, err = b.svc.Authenticate(b.ctx, next.AccessToken)
		require.NoError(t, err)

		// A session unused for 30 days expires.
		b.clock.Advance(30 * 24 * time.Hour)
		_, err = b.svc.Refresh(b.ctx, next.RefreshToken)
		requireCode(t, identity.EInvalidToken, err)
	})
}

// TestConcurrentRefresh: of 20 concurrent refreshes with one token, exactly
// one succeeds, and since the others are reuses the session ends.
func TestConcurrentRefresh(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		_, tok := b.signup(t, "+85291234567")
		const n = 20
		var wg sync.WaitGroup
		results := make([]*identity.Tokens, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { results[i], errs[i] = b.svc.Refresh(b.ctx, tok.RefreshToken) })
		}
		wg.Wait()
		var won *identity.Tokens
		for i := range n {
			if errs[i] == nil {
				require.Nil(t, won, "two refreshes succeeded")
				won = results[i]
			} else {
				requireCode(t, identity.EInvalidToken, errs[i])
			}
		}
		require.NotNil(t, won)
		_, err := b.svc.Authenticate(b.ctx, won.AccessToken)
		requireCode(t, identity.EInvalidToken, err)
	})
}

// TestConcurrentRefreshTwoInstances races two service instances, each
// with its own connections and group committer as two processes would
// have, on one database.
func TestConcurrentRefreshTwoInstances(t *testing.T) {
	eachDialect(t, func(t *testing.T, b *testBundle) {
		_, tok := b.signup(t, "+85291234567")
		other := b.newInstance(t)
		const n = 10
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			svc := b.svc
			if i%2 == 1 {
				svc = other
			}
			wg.Go(func() { _, errs[i] = svc.Refresh(b.ctx, tok.RefreshToken) })
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else {
				requireCode(t, identity.EInvalidToken, err)
			}
		}
		require.Equal(t, 1, wins)
	})
}
