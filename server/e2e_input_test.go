package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestE2EInput sends malformed money calls: each is a 4xx with its own
// stable code, and none of them leaves anything behind.
func TestE2EInput(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d)
		ann := p.newUser(t, "Ann")
		bob := p.newUser(t, "Bob")
		topup(t, ann, 10_000)
		annBefore, bobBefore := balance(t, ann), balance(t, bob)

		// body builds a call's body with amount and currency as raw JSON;
		// an empty one is left out.
		body := map[string]func(amount, currency string) string{
			"/v1/transfers": func(a, c string) string {
				return obj(`"to":{"phone":"`+bob.phone+`"}`, field("amount", a), field("currency", c))
			},
			"/v1/topups": func(a, c string) string {
				return obj(`"source":"bank"`, field("amount", a), field("currency", c))
			},
			"/v1/requests": func(a, c string) string {
				return obj(`"from":[{"phone":"`+bob.phone+`"}]`, field("amount", a), field("currency", c))
			},
		}
		cases := []struct {
			name, amount, currency string
			status                 int
			code, param            string
		}{
			{"negative", "-5", `"HKD"`, 400, "invalid_amount", "amount"},
			{"zero", "0", `"HKD"`, 400, "invalid_amount", "amount"},
			{"fraction", "12.5", `"HKD"`, 400, "invalid_amount", "amount"},
			{"whole fraction", "12.0", `"HKD"`, 400, "invalid_amount", "amount"},
			{"exponent", "1e30", `"HKD"`, 400, "invalid_amount", "amount"},
			{"over int64", "9223372036854775808", `"HKD"`, 400, "invalid_amount", "amount"},
			{"far over int64", "123456789012345678901234567890", `"HKD"`, 400, "invalid_amount", "amount"},
			{"word", `"abc"`, `"HKD"`, 400, "invalid_amount", "amount"},
			{"number as string", `"100"`, `"HKD"`, 400, "invalid_amount", "amount"},
			{"boolean", "true", `"HKD"`, 400, "invalid_amount", "amount"},
			{"object", `{"value":1}`, `"HKD"`, 400, "invalid_amount", "amount"},
			{"null amount", "null", `"HKD"`, 400, "parameter_missing", "amount"},
			{"no amount", "", `"HKD"`, 400, "parameter_missing", "amount"},
			{"unknown currency", "100", `"ABC"`, 400, "invalid_currency", "currency"},
			{"lower-case currency", "100", `"hkd"`, 400, "invalid_currency", "currency"},
			{"padded currency", "100", `" HKD"`, 400, "invalid_currency", "currency"},
			{"numeric currency", "100", `344`, 400, "invalid_currency", "currency"},
			{"null currency", "100", "null", 400, "parameter_missing", "currency"},
			{"no currency", "100", "", 400, "parameter_missing", "currency"},
			{"currency without wallets", "100", `"USD"`, 400, "currency_not_supported", "currency"},
		}
		for path, build := range body {
			for _, c := range cases {
				status, b := post(t, ann, path, "application/json", []byte(build(c.amount, c.currency)))
				e := requireErrorBody(t, status, b, c.status, c.code)
				require.Equal(t, c.param, e.Error.Param, "%s %s", path, c.name)
				require.Equal(t, "invalid_request_error", e.Error.Type)
			}
			valid := []byte(build("100", `"HKD"`))
			for _, c := range []struct {
				name        string
				contentType string
				body        []byte
				status      int
				code        string
			}{
				{"empty", "application/json", nil, 400, "invalid_json"},
				{"truncated", "application/json", valid[:len(valid)-3], 400, "invalid_json"},
				{"not an object", "application/json", []byte(`[1,2]`), 400, "invalid_json"},
				{"trailing data", "application/json", append(append([]byte{}, valid...), "{}"...), 400, "invalid_json"},
				{"single quotes", "application/json", []byte(`{'amount':100}`), 400, "invalid_json"},
				{"unknown field", "application/json", []byte(obj(string(valid[1:len(valid)-1]), `"amount_hkd":1`)), 400, "unknown_parameter"},
				{"text", "text/plain", valid, 415, "invalid_content_type"},
				{"form", "application/x-www-form-urlencoded", []byte("amount=100&currency=HKD"), 415, "invalid_content_type"},
				{"no content type", "", valid, 415, "invalid_content_type"},
				{"over 1 MiB", "application/json", huge(valid), 413, "body_too_large"},
			} {
				status, b := post(t, ann, path, c.contentType, c.body)
				requireErrorBody(t, status, b, c.status, c.code)
			}
			// Without a Content-Length, the limit applies as the body is read.
			status, b := postChunked(t, p, ann, path, huge(valid))
			requireErrorBody(t, status, b, 413, "body_too_large")
		}
		// A split total is checked like an amount.
		for amount, code := range map[string]string{"-1": "invalid_amount", "1.5": "invalid_amount", `"9"`: "invalid_amount", "null": "parameter_missing"} {
			status, b := post(t, ann, "/v1/requests", "application/json",
				[]byte(`{"from":[{"phone":"`+bob.phone+`"}],"split":{"total":`+amount+`},"currency":"HKD"}`))
			requireErrorBody(t, status, b, 400, code)
		}

		// Nothing was applied.
		require.Equal(t, annBefore, balance(t, ann))
		require.Equal(t, bobBefore, balance(t, bob))
		transfers, err := ann.c.Transfers(ctx, client.Page{})
		require.NoError(t, err)
		require.Empty(t, transfers.Data)
		requests, err := bob.c.Requests(ctx, client.Page{})
		require.NoError(t, err)
		require.Empty(t, requests.Data)
		status, b := rawCall(t, ann.c, http.MethodGet, "/v1/topups")
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, 1, strings.Count(string(b), `"object":"topup"`), "only the first top-up: %s", b)
		me, err := ann.c.Me(ctx)
		require.NoError(t, err)
		require.Equal(t, int64(0), me.Limits.Day.Used)
	})
}

// TestE2EUnicode checks that messages in any script come back byte for
// byte: combining characters, right-to-left text, 4-byte emoji and emoji
// sequences; names come back in the form identity stores (PRECIS
// Nickname: composed, compatibility forms folded), and a name with a
// control or invisible character (NUL, a direction override, a ZWJ) is
// refused while a message keeps it.
func TestE2EUnicode(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d)
		receiver := p.newUser(t, "Receiver")
		texts := []struct{ text, name string }{ // name: as stored, "" when refused
			{"Zoe\u0301 Ame\u0301lie Cafe\u0301", "Zo\u00e9 Am\u00e9lie Caf\u00e9"},          // combining acute accents, not precomposed
			{"مريم العتيبي", "مريم العتيبي"},                                                 // Arabic, right to left
			{"שרה לוי and Sarah", "שרה לוי and Sarah"},                                       // Hebrew mixed with Latin
			{"\u202eevil\u202c name", ""},                                                    // bidirectional override characters
			{"🦔 Hedgehog 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "🦔 Hedgehog Unicode"},                                     // 4-byte emoji and letters
			{"👩🏽‍🚀 and 👨‍👩‍👧‍👦", ""},                                                         // skin tone and ZWJ sequences
			{"陳大文 <b>&amp;</b> \"quoted\" \\ slash", "陳大文 <b>&amp;</b> \"quoted\" \\ slash"}, // CJK and JSON/HTML specials
		}
		for i, tc := range texts {
			text, name := tc.text, tc.name
			if name == "" {
				_, err := client.New(p.base, nil).Signup(ctx, client.SignupParams{Phone: "+85291000001", Name: text, Password: "long enough password"})
				e := requireAPIError(t, err, http.StatusBadRequest, "invalid_name")
				require.Equal(t, "name", e.Param)
				name = fmt.Sprintf("Sender %d", i)
			}
			u := p.newUser(t, name)
			me, err := u.c.Me(ctx)
			require.NoError(t, err)
			require.Equal(t, name, me.Name, "name %d", i)
			_, _, raw, err := u.c.Raw(ctx, http.MethodGet, "/v1/me", nil, nil)
			require.NoError(t, err)
			require.True(t, bytes.Contains(raw, []byte(name)) || strings.ContainsAny(name, `"\`),
				"the name travels as UTF-8, unescaped: %s", raw)

			topup(t, u, 1_000)
			msg := "msg " + text
			sent, err := u.c.Send(ctx, key("send"), client.SendParams{To: client.To{Username: receiver.username}, Amount: 10, Currency: "HKD", Message: msg})
			require.NoError(t, err)
			require.Equal(t, msg, sent.Message)
			got, err := receiver.c.Transfer(ctx, sent.ID)
			require.NoError(t, err)
			require.Equal(t, msg, got.Message)
			require.Equal(t, name, got.From.Name)

			reqs, err := receiver.c.RequestMoney(ctx, key("request"), client.RequestParams{From: []client.To{{Username: u.username}}, Amount: 5, Currency: "HKD", Message: msg})
			require.NoError(t, err)
			r, err := u.c.Request(ctx, reqs.Data[0].ID)
			require.NoError(t, err)
			require.Equal(t, msg, r.Message)
			require.Equal(t, name, r.Payer.Name)
		}

		// Control characters: refused in a name, whole in a message.
		for _, name := range []string{"Nul\x00Name", "Bell\aName", "Line\nbreak"} {
			_, err := client.New(p.base, nil).Signup(ctx, client.SignupParams{Phone: "+85296000001", Name: name, Password: "long enough password"})
			e := requireAPIError(t, err, http.StatusBadRequest, "invalid_name")
			require.Equal(t, "name", e.Param)
			require.NotContains(t, e.Message, name)
		}
		sender := p.newUser(t, "Sender")
		topup(t, sender, 1_000)
		msg := "before\x00after\u2028line"
		sent, err := sender.c.Send(ctx, key("send"), client.SendParams{To: client.To{Username: receiver.username}, Amount: 10, Currency: "HKD", Message: msg})
		require.NoError(t, err)
		got, err := receiver.c.Transfer(ctx, sent.ID)
		require.NoError(t, err)
		require.Equal(t, msg, got.Message)
	})
}

// obj joins JSON members into an object, skipping empty ones.
func obj(members ...string) string {
	var kept []string
	for _, m := range members {
		if m != "" {
			kept = append(kept, m)
		}
	}
	return "{" + strings.Join(kept, ",") + "}"
}

// field is a JSON member, or "" when value is empty.
func field(name, value string) string {
	if value == "" {
		return ""
	}
	return fmt.Sprintf("%q:%s", name, value)
}

// huge returns body padded past 1 MiB with a long message.
func huge(body []byte) []byte {
	return []byte(obj(string(body[1:len(body)-1]), `"message":"`+strings.Repeat("x", 1<<20)+`"`))
}

// post sends body as the user with a fresh idempotency key.
func post(t *testing.T, u *user, path, contentType string, body []byte) (int, []byte) {
	t.Helper()
	h := http.Header{"Idempotency-Key": {key("input")}}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	status, _, b, err := u.c.Raw(context.Background(), http.MethodPost, path, h, body)
	require.NoError(t, err)
	return status, b
}

// postChunked sends body without a Content-Length.
func postChunked(t *testing.T, p *platform, u *user, path string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.base+path, bytes.NewReader(body))
	require.NoError(t, err)
	access, _ := u.c.Tokens()
	req.Header = jsonHeader(key("chunked"))
	req.Header.Set("Authorization", "Bearer "+access)
	req.ContentLength = -1 // unknown: sent chunked
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}
