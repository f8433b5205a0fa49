package server_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestE2EAuthentication sends a read and a money-moving call with every
// kind of bad credential: each is 401 with a stable code and a
// WWW-Authenticate challenge, and the money call moves nothing and leaves
// its idempotency key unused.
func TestE2EAuthentication(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d)
		ann := p.newUser(t, "Ann")
		bob := p.newUser(t, "Bob")
		topup(t, ann, 10_000)
		access, refresh := ann.c.Tokens()

		// A second login of Ann's, logged out; a third, revoked from the first.
		loggedOut := client.New(p.base, nil)
		_, err := loggedOut.Login(ctx, client.LoginParams{Phone: ann.phone, Password: ann.password})
		require.NoError(t, err)
		loggedOutAccess, _ := loggedOut.Tokens()
		require.NoError(t, loggedOut.Logout(ctx))
		revoked := client.New(p.base, nil)
		revokedAuth, err := revoked.Login(ctx, client.LoginParams{Phone: ann.phone, Password: ann.password})
		require.NoError(t, err)
		revokedAccess, _ := revoked.Tokens()
		require.NoError(t, ann.c.RevokeSession(ctx, revokedAuth.ID))

		// A token for Bob forged from Ann's: his id in her signed payload.
		head, mac, ok := strings.Cut(access, ".")
		require.True(t, ok)
		payload, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(head, "at_"))
		require.NoError(t, err)
		require.Contains(t, string(payload), ann.id)
		forged := "at_" + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), ann.id, bob.id, 1))) + "." + mac

		cases := []struct {
			name   string
			header string // the Authorization header; none when empty
			code   string
		}{
			{"missing", "", "missing_token"},
			{"other scheme", "Basic " + base64.StdEncoding.EncodeToString([]byte("ann:pw")), "invalid_token"},
			{"empty bearer", "Bearer ", "invalid_token"},
			{"garbage", "Bearer garbage", "invalid_token"},
			{"payload byte flipped", "Bearer " + flip(access, len("at_")+len(head[3:])/2), "invalid_token"},
			{"signature byte flipped", "Bearer " + flip(access, len(head)+1+len(mac)/2), "invalid_token"},
			{"truncated", "Bearer " + access[:len(access)-6], "invalid_token"},
			{"no signature", "Bearer " + head, "invalid_token"},
			{"forged user", "Bearer " + forged, "invalid_token"},
			{"refresh token", "Bearer " + refresh, "invalid_token"},
			{"after logout", "Bearer " + loggedOutAccess, "invalid_token"},
			{"after revoke", "Bearer " + revokedAccess, "invalid_token"},
		}
		anon := client.New(p.base, nil)
		sendBody := []byte(`{"to":{"phone":"` + bob.phone + `"},"amount":100,"currency":"HKD"}`)
		sendKey := key("send")
		for _, c := range cases {
			h := http.Header{}
			if c.header != "" {
				h.Set("Authorization", c.header)
			}
			status, hdr, body, err := anon.Raw(ctx, http.MethodGet, "/v1/wallet", h, nil)
			require.NoError(t, err)
			e := requireErrorBody(t, status, body, http.StatusUnauthorized, c.code)
			require.Equal(t, "authentication_error", e.Error.Type, c.name)
			require.True(t, strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer"), c.name)
			require.NotContains(t, string(body), ann.id, c.name)

			ph := jsonHeader(sendKey)
			for k, v := range h {
				ph[k] = v
			}
			status, _, body, err = anon.Raw(ctx, http.MethodPost, "/v1/transfers", ph, sendBody)
			require.NoError(t, err)
			requireErrorBody(t, status, body, http.StatusUnauthorized, c.code)
		}

		// Nothing moved, and the key the refused calls carried is still free.
		require.Equal(t, int64(10_000), balance(t, ann).Balance)
		require.Equal(t, int64(0), balance(t, bob).Balance)
		status, hdr, body, err := ann.c.Raw(ctx, http.MethodPost, "/v1/transfers", jsonHeader(sendKey), sendBody)
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, status, string(body))
		require.Empty(t, hdr.Get("Idempotent-Replayed"))
		require.Equal(t, int64(100), balance(t, bob).Balance)

		// A refresh token spent twice ends its session: the thief's copy
		// and the owner's new tokens stop working alike.
		thief := client.New(p.base, nil)
		stolen, err := thief.Login(ctx, client.LoginParams{Phone: bob.phone, Password: bob.password})
		require.NoError(t, err)
		next, err := thief.Refresh(ctx, stolen.RefreshToken)
		require.NoError(t, err)
		_, err = thief.Refresh(ctx, stolen.RefreshToken)
		requireAPIError(t, err, http.StatusUnauthorized, "invalid_token")
		status, _, body, err = anon.Raw(ctx, http.MethodGet, "/v1/wallet", http.Header{"Authorization": {"Bearer " + next.AccessToken}}, nil)
		require.NoError(t, err)
		requireErrorBody(t, status, body, http.StatusUnauthorized, "invalid_token")
		// Bob's own session is another and lives on.
		_, err = bob.c.Me(ctx)
		require.NoError(t, err)
	})
}

// flip changes the character at i of a base64url token to another one.
func flip(token string, i int) string {
	b := []byte(token)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
