package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/sqldb"
)

// TestE2ELogsHoldNoSecrets logs a whole session at debug level (sign-up
// and confirmation of phones and emails, failed and good logins, refresh,
// TOTP, payments, requests, a withdrawal and many errors) and then looks
// for every password, token, TOTP secret and code, one-time code, phone
// number, email, name, identity card and bank account number of it in the
// log. None may be there; the log must hold a line for each request, so
// it does not pass by logging nothing.
func TestE2ELogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d)
		var secrets, codes []string
		tokens := func(c *client.Client) {
			access, refresh := c.Tokens()
			head, mac, _ := strings.Cut(access, ".")
			_, secret, _ := strings.Cut(refresh, ".")
			secrets = append(secrets, access, head, mac, refresh, secret)
		}

		ann := p.signup(t, &user{c: client.New(p.base, nil), phone: "+85267418520", email: "ann.logwatch@example.com",
			name: "Annabelle Logwatch", username: "annlog", password: "Saffron-Lantern-6604"})
		bob := p.signup(t, &user{c: client.New(p.base, nil), phone: "+85268529641", email: "bob.quietus@example.com",
			name: "Bartholomew Quietus", username: "bobq", password: "Tundra-Violin-2285"})
		const account = "61503927448"
		idNumber := hkid('R', "550912")
		secrets = append(secrets, ann.phone, strings.TrimPrefix(ann.phone, "+"), ann.email, ann.name, ann.password,
			bob.phone, strings.TrimPrefix(bob.phone, "+"), bob.email, bob.name, bob.password,
			account, idNumber, "wrong-password-1234", "Logwatch", "Quietus")
		tokens(ann.c)
		tokens(bob.c)

		// Logins: wrong password, unknown email, then right; a refresh.
		_, err := client.New(p.base, nil).Login(ctx, client.LoginParams{Phone: ann.phone, Password: "wrong-password-1234"})
		requireAPIError(t, err, http.StatusUnauthorized, "invalid_credentials")
		_, err = client.New(p.base, nil).Login(ctx, client.LoginParams{Email: "nobody.here@example.com", Password: ann.password})
		requireAPIError(t, err, http.StatusUnauthorized, "invalid_credentials")
		secrets = append(secrets, "nobody.here@example.com")
		_, err = ann.c.Login(ctx, client.LoginParams{Email: ann.email, Password: ann.password})
		require.NoError(t, err)
		tokens(ann.c)
		require.NoError(t, ann.c.RefreshTokens(ctx))
		tokens(ann.c)
		_, err = client.New(p.base, nil).Signup(ctx, client.SignupParams{Phone: ann.phone, Name: "Again", Password: "Another-Password-1"})
		requireAPIError(t, err, http.StatusConflict, "phone_taken")
		secrets = append(secrets, "Another-Password-1")

		// KYC to tier 2 and TOTP, so a large payment and withdrawal need codes.
		_, err = ann.c.VerifyKYC(ctx, client.KYCParams{Tier: 2, IDNumber: idNumber, Address: "12 Lantern Street"})
		require.NoError(t, err)
		secrets = append(secrets, "12 Lantern Street")
		enrol, err := ann.c.EnrolTOTP(ctx)
		require.NoError(t, err)
		secrets = append(secrets, enrol.Secret)
		code := totpCode(t, enrol.Secret, -1)
		codes = append(codes, code)
		require.NoError(t, ann.c.ConfirmTOTP(ctx, code))

		// Money: top-up, sends by every proxy, a refused large send, one
		// with its code, requests paid and declined, errors of each kind.
		topup(t, ann, 20_000_00)
		for _, to := range []client.To{{Phone: bob.phone}, {Email: bob.email}, {Username: bob.username}} {
			_, err = ann.c.Send(ctx, key("send"), client.SendParams{To: to, Amount: 1_000, Currency: "HKD", Message: "for " + bob.name})
			require.NoError(t, err)
		}
		_, err = ann.c.Send(ctx, key("send"), client.SendParams{To: client.To{Email: "stranger.x@example.com"}, Amount: 1_000, Currency: "HKD"})
		requireAPIError(t, err, http.StatusNotFound, "recipient_not_found")
		secrets = append(secrets, "stranger.x@example.com")
		_, err = ann.c.Send(ctx, key("send"), client.SendParams{To: client.To{Phone: "+85294990000"}, Amount: 1_000, Currency: "HKD"})
		requireAPIError(t, err, http.StatusNotFound, "recipient_not_found")
		secrets = append(secrets, "+85294990000", "85294990000")
		reqs, err := bob.c.RequestMoney(ctx, key("request"), client.RequestParams{
			From: []client.To{{Phone: ann.phone}}, Amount: 700, Currency: "HKD", Message: "owed by " + ann.name})
		require.NoError(t, err)
		_, err = ann.c.PayRequest(ctx, key("pay"), reqs.Data[0].ID, "")
		require.NoError(t, err)
		reqs, err = bob.c.RequestMoney(ctx, key("request"), client.RequestParams{From: []client.To{{Email: ann.email}}, Amount: 100, Currency: "HKD"})
		require.NoError(t, err)
		_, err = ann.c.DeclineRequest(ctx, reqs.Data[0].ID)
		require.NoError(t, err)
		_, err = bob.c.AddContact(ctx, client.To{Email: ann.email})
		require.NoError(t, err)

		w, err := ann.c.Withdraw(ctx, key("withdraw"), client.WithdrawalParams{Amount: 5_000, Currency: "HKD", BankAccount: account})
		require.NoError(t, err)
		waitFunding(t, ann, w.ID, ann.c.GetWithdrawal)
		_, err = ann.c.Withdraw(ctx, key("withdraw"), client.WithdrawalParams{Amount: 5_000, Currency: "HKD", BankAccount: "12-" + account + "x"})
		requireAPIError(t, err, http.StatusBadRequest, "invalid_bank_account")
		big2 := client.WithdrawalParams{Amount: 5_000_01, Currency: "HKD", BankAccount: account}
		_, err = ann.c.Withdraw(ctx, key("withdraw"), big2)
		requireAPIError(t, err, http.StatusForbidden, "totp_required")
		big2.TOTPCode = "12345x"
		_, err = ann.c.Withdraw(ctx, key("withdraw"), big2)
		requireAPIError(t, err, http.StatusForbidden, "invalid_totp")
		// The large send last: it fills the step-up window.
		bigKey := key("big")
		big := client.SendParams{To: client.To{Phone: bob.phone}, Amount: 6_000_00, Currency: "HKD"}
		_, err = ann.c.Send(ctx, bigKey, big)
		requireAPIError(t, err, http.StatusForbidden, "totp_required")
		big.TOTPCode = totpCode(t, enrol.Secret, 0)
		codes = append(codes, big.TOTPCode)
		_, err = ann.c.Send(ctx, bigKey, big)
		require.NoError(t, err)
		// A malformed body full of personal data, and an unknown field.
		status, _, body, err := ann.c.Raw(ctx, http.MethodPost, "/v1/transfers", jsonHeader(key("bad")),
			[]byte(`{"to":{"phone":"`+bob.phone+`"},"amount":"12.5","currency":"HKD","note":"`+bob.email+`"`))
		require.NoError(t, err)
		requireErrorBody(t, status, body, http.StatusBadRequest, "invalid_json")
		_, err = ann.c.Me(ctx)
		require.NoError(t, err)
		_, err = ann.c.Activity(ctx, "HKD", client.Page{})
		require.NoError(t, err)
		_, err = bob.c.Feed(ctx, client.Page{})
		require.NoError(t, err)
		require.NoError(t, ann.c.Logout(ctx))
		p.stop(t)

		logs := p.logs.String()
		require.NotEmpty(t, logs)
		require.Greater(t, strings.Count(logs, `"msg":"api request"`), 30, "a line per API request")
		for _, route := range []string{"/v1/auth/login", "/v1/auth/refresh", "/v1/me/phone/verify", "/v1/me/email/verify", "/v1/me/totp/confirm",
			"/v1/transfers", "/v1/withdrawals", "/v1/requests/{id}/pay"} {
			require.Contains(t, logs, `"route":"`+route+`"`)
		}
		require.Contains(t, logs, `"status":401`)
		require.Contains(t, logs, `"status":403`)
		for _, s := range secrets {
			require.NotEmpty(t, s)
			require.NotContains(t, logs, s)
		}
		// The one-time codes that confirmed the phones and emails, too.
		for _, m := range p.messages(t) {
			codes = append(codes, m.Code)
		}
		require.GreaterOrEqual(t, len(codes), 6)
		// A six-digit code may occur by chance inside a timestamp or a
		// request id; as a value of its own it would be quoted or follow
		// a colon.
		for _, c := range codes {
			require.NotContains(t, logs, `"`+c+`"`)
			require.NotContains(t, logs, `:`+c+`,`)
		}
	})
}
