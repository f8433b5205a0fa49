package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/server"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestE2ELookupAndSignupLimits runs the platform with small lookup and
// signup limits: calls that resolve people by phone, email or username
// share one bucket per account, and signups one per address, each refused
// with 429 rate_limited and Retry-After once used up.
func TestE2ELookupAndSignupLimits(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d, func(c *server.Config) {
			c.Consumer.LookupsPerMinute = 3
			c.Consumer.SignupsPerHour = 3
		})
		ann := p.newUser(t, "Ann")
		bob := p.newUser(t, "Bob")
		topup(t, ann, 10_000)

		_, err := ann.c.AddContact(ctx, client.To{Phone: bob.phone})
		require.NoError(t, err)
		_, err = ann.c.Send(ctx, key("send"), client.SendParams{To: client.To{Email: bob.email}, Amount: 100, Currency: "HKD"})
		require.NoError(t, err)
		_, err = ann.c.AddContact(ctx, client.To{Phone: "+85261111111"}) // nobody: a lookup all the same
		requireAPIError(t, err, http.StatusNotFound, "recipient_not_found")
		_, err = ann.c.RequestMoney(ctx, key("request"), client.RequestParams{From: []client.To{{Username: bob.username}}, Amount: 100, Currency: "HKD"})
		e := requireAPIError(t, err, http.StatusTooManyRequests, "rate_limited")
		require.Equal(t, 20*time.Second, e.RetryAfter, "3 a minute: one every 20 s")
		require.Equal(t, "rate_limit_error", e.Type)

		// Bob's lookups are his own.
		_, err = bob.c.AddContact(ctx, client.To{Username: ann.username})
		require.NoError(t, err)

		// Two signups went before; the third from this address passes, the
		// fourth is refused.
		p.newUser(t, "Cy")
		_, err = client.New(p.base, nil).Signup(ctx, client.SignupParams{Phone: "+85261234000", Name: "Di", Password: "long enough password"})
		e = requireAPIError(t, err, http.StatusTooManyRequests, "rate_limited")
		require.Equal(t, 20*time.Minute, e.RetryAfter)
	})
}
