package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/server"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestE2ENumberOwnership: Mal signs up with Vic's phone number and email.
// Money sent or requested by them does not reach Mal, and the answers are
// those for a number and an address nobody has, until the codes sent to
// them are typed in: Mal, who does not receive them, cannot guess one.
func TestE2ENumberOwnership(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d)
		ann := p.newUser(t, "Ann")
		topup(t, ann, 10_000)
		mal := p.register(t, &user{c: client.New(p.base, nil), phone: "+85264103001", email: "vic@example.com",
			name: "Mal", username: "mal", password: "correct horse battery"})

		// Every way of reaching Mal by the number or the address answers
		// as for a number nobody has, byte for byte.
		answer := func(path, body string) (int, string) {
			status, _, b, err := ann.c.Raw(ctx, http.MethodPost, path, jsonHeader(key("k")), []byte(body))
			require.NoError(t, err)
			return status, string(b)
		}
		for _, c := range []struct{ path, body string }{
			{"/v1/transfers", `{"to":{%s},"amount":100,"currency":"HKD"}`},
			{"/v1/requests", `{"from":[{%s}],"amount":100,"currency":"HKD"}`},
			{"/v1/contacts", `{%s}`},
		} {
			for held, free := range map[string]string{`"phone":"6410 3001"`: `"phone":"6410 3999"`, `"email":"vic@example.com"`: `"email":"nobody@example.com"`} {
				status, body := answer(c.path, strings.Replace(c.body, "%s", held, 1))
				wantStatus, want := answer(c.path, strings.Replace(c.body, "%s", free, 1))
				require.Equal(t, http.StatusNotFound, status, body)
				require.Equal(t, wantStatus, status)
				require.JSONEq(t, want, body, "%s %s", c.path, held)
			}
		}
		require.Equal(t, int64(10_000), balance(t, ann).Balance)

		// Mal may log in, and sees the number unconfirmed.
		_, err := client.New(p.base, nil).Login(ctx, client.LoginParams{Phone: mal.phone, Password: mal.password})
		require.NoError(t, err)
		me, err := mal.c.Me(ctx)
		require.NoError(t, err)
		require.False(t, me.PhoneVerified)

		// Guessing: five tries per code, then none; asking again at once is
		// throttled.
		sent := p.code(t, mal.phone)
		guess := "000000"
		if guess == sent {
			guess = "111111"
		}
		for range 5 {
			_, err := mal.c.Confirm(ctx, client.Phone, guess)
			requireAPIError(t, err, http.StatusBadRequest, "invalid_verification_code")
		}
		_, err = mal.c.Confirm(ctx, client.Phone, sent)
		requireAPIError(t, err, http.StatusConflict, "verification_not_pending")
		_, err = mal.c.SendCode(ctx, client.Phone)
		e := requireAPIError(t, err, http.StatusTooManyRequests, "verification_throttled")
		require.Positive(t, e.RetryAfter)
		require.LessOrEqual(t, e.RetryAfter, time.Minute)
		_, err = ann.c.Send(ctx, key("send"), client.SendParams{To: client.To{Phone: mal.phone}, Amount: 100, Currency: "HKD"})
		requireAPIError(t, err, http.StatusNotFound, "recipient_not_found")

		// Whoever holds the mailbox confirms it; then it reaches them.
		v, err := mal.c.Confirm(ctx, client.Email, p.code(t, mal.email))
		require.NoError(t, err)
		require.Equal(t, client.Verification{Object: "verification", Channel: "email", Status: "verified"}, *v)
		_, err = mal.c.Confirm(ctx, client.Email, p.code(t, mal.email))
		requireAPIError(t, err, http.StatusConflict, "already_verified")
		tr, err := ann.c.Send(ctx, key("send"), client.SendParams{To: client.To{Email: mal.email}, Amount: 100, Currency: "HKD"})
		require.NoError(t, err)
		require.Equal(t, mal.id, tr.To.ID)
		_, err = ann.c.Send(ctx, key("send"), client.SendParams{To: client.To{Phone: mal.phone}, Amount: 100, Currency: "HKD"})
		requireAPIError(t, err, http.StatusNotFound, "recipient_not_found")
	})
}

// TestE2EMessageEndpoint: with a message URL, codes are posted as JSON to
// that HTTPS endpoint with the bearer token, and no outbox file is made.
func TestE2EMessageEndpoint(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var posts []sentMessage
	var auths []string
	refuse := false
	endpoint := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m sentMessage
		if r.Method != http.MethodPost || r.URL.Path != "/send" || json.Unmarshal(b, &m) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if refuse {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		posts = append(posts, m)
		auths = append(auths, r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(endpoint.Close)
	p := setupPlatform(t, sqldb.SQLite, func(c *server.Config) {
		c.Consumer.MessageURL = endpoint.URL + "/send"
		c.Consumer.MessageToken = "relay-s3cret"
		c.Consumer.MessageClient = endpoint.Client()
	})
	ctx := context.Background()
	u := p.register(t, &user{c: client.New(p.base, nil), phone: "+85264104001", email: "posted@example.com",
		name: "Posted", password: "correct horse battery"})
	mu.Lock()
	got := append([]sentMessage(nil), posts...)
	require.Equal(t, []string{"Bearer relay-s3cret", "Bearer relay-s3cret"}, auths)
	mu.Unlock()
	require.Len(t, got, 2)
	require.Equal(t, []string{u.phone, u.email}, []string{got[0].To, got[1].To})
	require.Equal(t, []string{"phone", "email"}, []string{got[0].Channel, got[1].Channel})
	require.Contains(t, got[0].Text, got[0].Code)
	_, err := u.c.Confirm(ctx, client.Phone, got[0].Code)
	require.NoError(t, err)
	me, err := u.c.Me(ctx)
	require.NoError(t, err)
	require.True(t, me.PhoneVerified)
	require.NoFileExists(t, filepath.Join(p.cfg.DataDir, server.OutboxFile))
	require.Contains(t, p.logs.String(), "one-time codes are posted to the message endpoint")
	require.NotContains(t, p.logs.String(), "relay-s3cret")

	// An endpoint that refuses the message does not fail the signup; the
	// failure is logged, and the refused send still counts against the
	// limits.
	mu.Lock()
	refuse = true
	mu.Unlock()
	other := p.register(t, &user{c: client.New(p.base, nil), phone: "+85264104002", name: "Other", password: "correct horse battery"})
	require.Contains(t, p.logs.String(), "could not send the verification code at signup")
	require.Contains(t, p.logs.String(), "the endpoint answered 502")
	_, err = other.c.SendCode(ctx, client.Phone)
	requireAPIError(t, err, http.StatusTooManyRequests, "verification_throttled")
}
