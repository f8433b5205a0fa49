package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestE2EOwnership makes Bob use Ann's ids on every route that takes one.
// Each answers 404, exactly as for an id that does not exist, never 403
// and never anything of Ann's; and Ann's things are untouched afterwards.
// The routes come from the served OpenAPI document (which a test of the
// api package keeps equal to the routing table), so a new route with an
// {id} fails here until it is given an owner's id to try.
func TestE2EOwnership(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d)
		ann := p.newUser(t, "Ann Owner")
		bob := p.newUser(t, "Bob Intruder")
		cat := p.newUser(t, "Cat Payer")

		// Ann's things: a session, a top-up, a withdrawal, a transfer to
		// Cat and a request to Cat.
		auth, err := ann.c.Login(ctx, client.LoginParams{Phone: ann.phone, Password: ann.password})
		require.NoError(t, err)
		annTopup := topup(t, ann, 50_000)
		annWithdrawal, err := ann.c.Withdraw(ctx, key("withdraw"), client.WithdrawalParams{Amount: 1_000, Currency: "HKD", BankAccount: "556677889900"})
		require.NoError(t, err)
		waitFunding(t, ann, annWithdrawal.ID, ann.c.GetWithdrawal)
		annTransfer, err := ann.c.Send(ctx, key("send"), client.SendParams{To: client.To{Phone: cat.phone}, Amount: 2_000, Currency: "HKD", Message: "Ann's secret note"})
		require.NoError(t, err)
		reqs, err := ann.c.RequestMoney(ctx, key("request"), client.RequestParams{From: []client.To{{Phone: cat.phone}}, Amount: 300, Currency: "HKD", Message: "Ann asks"})
		require.NoError(t, err)
		annRequest := reqs.Data[0].ID
		// Bob has things of his own too, so his lists are not empty by accident.
		topup(t, bob, 10_000)
		annBefore, catBefore := balance(t, ann), balance(t, cat)

		ids := map[string]string{
			"/v1/sessions/":    auth.ID,
			"/v1/topups/":      annTopup.ID,
			"/v1/withdrawals/": annWithdrawal.ID,
			"/v1/transfers/":   annTransfer.ID,
			"/v1/requests/":    annRequest,
		}
		routes := idRoutes(t, p)
		require.NotEmpty(t, routes)
		for _, rt := range routes {
			method, path, _ := strings.Cut(rt, " ")
			prefix, _, _ := strings.Cut(path, "{id}")
			annID, ok := ids[prefix]
			require.True(t, ok, "route %s has no ownership case: add Ann's id for %s", rt, prefix)
			for _, id := range []string{annID, missingID(annID)} {
				status, body := rawCall(t, bob.c, method, strings.Replace(path, "{id}", id, 1))
				e := requireErrorBody(t, status, body, http.StatusNotFound, notFoundCode(prefix))
				require.Equal(t, "not_found_error", e.Error.Type)
				for _, secret := range []string{annID, ann.id, ann.name, ann.phone, ann.email, "Ann"} {
					require.NotContains(t, string(body), secret, "%s leaks Ann's data", rt)
				}
			}
		}

		// Wrong kind and wrong role are not found either: a withdrawal is
		// no top-up; only the payer pays or declines, only the requester cancels.
		status, body := rawCall(t, ann.c, http.MethodGet, "/v1/topups/"+annWithdrawal.ID)
		requireErrorBody(t, status, body, http.StatusNotFound, "funding_not_found")
		status, body = rawCall(t, ann.c, http.MethodGet, "/v1/withdrawals/"+annTopup.ID)
		requireErrorBody(t, status, body, http.StatusNotFound, "funding_not_found")
		for _, c := range []struct {
			who    *user
			action string
		}{{ann, "pay"}, {ann, "decline"}, {cat, "cancel"}} {
			status, body = rawCall(t, c.who.c, http.MethodPost, "/v1/requests/"+annRequest+"/"+c.action)
			requireErrorBody(t, status, body, http.StatusNotFound, "request_not_found")
		}

		// Nothing of Ann's changed: her session lives, her request is
		// pending, no money moved, and Bob's lists hold only his own.
		_, err = ann.c.WithTokens(auth.AccessToken, "").Me(ctx)
		require.NoError(t, err, "Bob revoked Ann's session")
		r, err := cat.c.Request(ctx, annRequest)
		require.NoError(t, err)
		require.Equal(t, "pending", r.Status)
		require.Equal(t, annBefore, balance(t, ann))
		require.Equal(t, catBefore, balance(t, cat))
		transfers, err := bob.c.Transfers(ctx, client.Page{})
		require.NoError(t, err)
		require.Empty(t, transfers.Data)
		requests, err := bob.c.Requests(ctx, client.Page{})
		require.NoError(t, err)
		require.Empty(t, requests.Data)
		status, body = rawCall(t, bob.c, http.MethodGet, "/v1/withdrawals")
		require.Equal(t, http.StatusOK, status)
		require.NotContains(t, string(body), annWithdrawal.ID)
		status, body = rawCall(t, bob.c, http.MethodGet, "/v1/topups")
		require.Equal(t, http.StatusOK, status)
		require.NotContains(t, string(body), annTopup.ID)
		sessions, err := bob.c.Sessions(ctx)
		require.NoError(t, err)
		for _, s := range sessions.Data {
			require.NotEqual(t, auth.ID, s.ID)
		}
	})
}

// idRoutes returns "METHOD /path" of every consumer operation of the
// served OpenAPI document whose path takes an {id}; the operations tagged
// merchant have their own ownership test, between merchants.
func idRoutes(t *testing.T, p *platform) []string {
	t.Helper()
	status, body := rawCall(t, client.New(p.base, nil), http.MethodGet, "/v1/openapi.json")
	require.Equal(t, http.StatusOK, status)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(body, &doc))
	var out []string
	for path, ops := range doc.Paths {
		if !strings.Contains(path, "{id}") {
			continue
		}
		for method, raw := range ops {
			switch method {
			case "get", "post", "put", "patch", "delete":
				var op struct {
					Tags []string `json:"tags"`
				}
				require.NoError(t, json.Unmarshal(raw, &op))
				if slices.Contains(op.Tags, "merchant") {
					continue // merchantRoutes drives the merchant routes
				}
				out = append(out, strings.ToUpper(method)+" "+path)
			}
		}
	}
	slices.Sort(out)
	// The routes known when this test was written; more are welcome.
	for _, want := range []string{
		"DELETE /v1/sessions/{id}", "GET /v1/topups/{id}", "GET /v1/withdrawals/{id}",
		"GET /v1/transfers/{id}", "GET /v1/requests/{id}", "POST /v1/requests/{id}/pay",
		"POST /v1/requests/{id}/decline", "POST /v1/requests/{id}/cancel",
	} {
		require.Contains(t, out, want)
	}
	return out
}

// notFoundCode is the code of a missing object under a path prefix.
func notFoundCode(prefix string) string {
	switch prefix {
	case "/v1/sessions/":
		return "session_not_found"
	case "/v1/topups/", "/v1/withdrawals/":
		return "funding_not_found"
	case "/v1/transfers/":
		return "transfer_not_found"
	case "/v1/requests/":
		return "request_not_found"
	}
	return "not_found"
}

// missingID returns a well-formed id of the same type as id that names
// nothing.
func missingID(id string) string {
	prefix, rest, _ := strings.Cut(id, "_")
	return prefix + "_" + strings.Repeat("0", len(rest))
}

// rawCall sends a request as the client's user, with a JSON body and an
// idempotency key on POST, and returns the status and body.
func rawCall(t *testing.T, c *client.Client, method, path string) (int, []byte) {
	t.Helper()
	var h http.Header
	var body []byte
	if method == http.MethodPost {
		h, body = jsonHeader(key("raw")), []byte("{}")
	}
	status, _, b, err := c.Raw(context.Background(), method, path, h, body)
	require.NoError(t, err)
	return status, b
}
