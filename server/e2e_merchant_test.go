package server_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
)

// The merchant end-to-end tests run the README's merchant walk-through and
// the security cases of the merchant routes through the Go client. They
// need the merchant service in the platform; while a build runs without
// it (the routes answer 503 merchants_unavailable) they are skipped.

// merchantUser is a user who owns a merchant.
type merchantUser struct {
	*user
	m *client.Merchant
}

// newMerchant signs up a user and creates a merchant they own, with a
// settlement account so payouts work.
func newMerchant(t *testing.T, p *platform, name string) merchantUser {
	t.Helper()
	u := p.newUser(t, name)
	m, err := u.c.CreateMerchant(context.Background(), key("merchant"), client.MerchantParams{Name: name + " Shop", BankAccount: "123-456-789012"})
	if client.ErrorCode(err) == "merchants_unavailable" {
		t.Skip("this build runs without the merchant service")
	}
	require.NoError(t, err)
	require.Equal(t, "merchant", m.Object)
	return merchantUser{user: u, m: m}
}

// newKey makes an API key of the merchant as its owner.
func (mu merchantUser) newKey(t *testing.T, mode string) *client.Client {
	t.Helper()
	k, err := mu.c.CreateAPIKey(context.Background(), client.APIKeyParams{Mode: mode})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(k.Secret, "sk_"+mode+"_"), k.Secret)
	return mu.c.WithTokens("", "").WithAPIKey(k.Secret)
}

// collect makes a payment request with c and has payer pay it.
func collect(t *testing.T, c *client.Client, payer *user, amount int64) (*client.PaymentRequest, *client.Payment) {
	t.Helper()
	ctx := context.Background()
	pr, err := c.CreatePaymentRequest(ctx, key("pr"), client.PaymentRequestParams{Amount: amount, Currency: "HKD", Description: "Flat white"})
	require.NoError(t, err)
	require.Equal(t, "pending", pr.Status)
	pay, err := payer.c.Pay(ctx, key("pay"), pr.ID, client.PayParams{})
	require.NoError(t, err)
	require.Equal(t, "succeeded", pay.Status, pay.FailureCode)
	return pr, pay
}

func TestE2EMerchantWalkthrough(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d)
		ann := newMerchant(t, p, "Ann")
		cat := p.newUser(t, "Cat Payer")
		topup(t, cat, 50_000)
		sk := ann.newKey(t, "live")

		pr, err := sk.CreatePaymentRequest(ctx, key("pr"), client.PaymentRequestParams{Amount: 1234, Currency: "HKD", Description: "Flat white"})
		require.NoError(t, err)
		require.True(t, pr.Livemode)
		require.NotEmpty(t, pr.QRPayload)
		require.True(t, strings.HasSuffix(pr.WebURL, "/pay/"+pr.ID), pr.WebURL)

		co, err := cat.c.Checkout(ctx, pr.ID)
		require.NoError(t, err)
		require.Equal(t, "Ann Shop", co.MerchantName)
		require.EqualValues(t, 1234, co.Amount)

		// Paid exactly once: the retry replays, another key is refused.
		payKey := key("pay")
		pay, err := cat.c.Pay(ctx, payKey, pr.ID, client.PayParams{})
		require.NoError(t, err)
		require.Equal(t, "succeeded", pay.Status, pay.FailureCode)
		fee := merchant.Fee(1234, ann.m.FeeBasisPoints)
		require.Equal(t, fee, pay.Fee)
		require.Equal(t, 1234-fee, pay.Net)
		again, err := cat.c.Pay(ctx, payKey, pr.ID, client.PayParams{})
		require.NoError(t, err)
		require.Equal(t, pay.ID, again.ID)
		_, err = cat.c.Pay(ctx, key("pay"), pr.ID, client.PayParams{})
		requireAPIError(t, err, http.StatusConflict, merchant.EPaymentRequestNotPayable)
		require.Equal(t, int64(50_000-1234), balance(t, cat).Balance)

		got, err := sk.Payment(ctx, pay.ID)
		require.NoError(t, err)
		require.NotEmpty(t, got.Customer)
		require.NotContains(t, got.Customer, cat.id)

		// Refund part of it; never more than is left.
		re, err := sk.CreateRefund(ctx, key("refund"), client.RefundParams{Payment: pay.ID, Amount: 234, Reason: "Spilt"})
		require.NoError(t, err)
		require.Equal(t, "succeeded", re.Status, re.FailureCode)
		_, err = sk.CreateRefund(ctx, key("refund"), client.RefundParams{Payment: pay.ID, Amount: 1001})
		requireAPIError(t, err, http.StatusConflict, merchant.ERefundExceedsPayment)
		require.Equal(t, int64(50_000-1000), balance(t, cat).Balance)

		b, err := sk.Balance(ctx)
		require.NoError(t, err)
		require.Contains(t, b.Available, client.MoneyAmount{Amount: 1234 - fee - 234, Currency: "HKD"})

		events, err := sk.Events(ctx, client.Page{})
		require.NoError(t, err)
		var types []string
		for _, e := range events.Data {
			types = append(types, e.Type)
		}
		require.Contains(t, types, merchant.EventPaymentSucceeded)
		require.Contains(t, types, merchant.EventRefundSucceeded)

		// The hosted page works without JavaScript.
		resp, err := http.Get(p.base + "/pay/" + pr.ID)
		require.NoError(t, err)
		page, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(page))
		require.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")
		require.NotContains(t, strings.ToLower(string(page)), "<script")
		require.Contains(t, string(page), "HKD 12.34")
	})
}

func TestE2EMerchantSecurity(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d sqldb.Dialect) {
		ctx := context.Background()
		p := setupPlatform(t, d)
		ann := newMerchant(t, p, "Ann")
		bob := newMerchant(t, p, "Bob")
		cat := p.newUser(t, "Cat Payer")
		topup(t, cat, 50_000)
		annKey, bobKey := ann.newKey(t, "live"), bob.newKey(t, "live")
		_, pay := collect(t, annKey, cat, 1_000)

		// Merchant B can neither read nor refund A's payment.
		_, err := bobKey.Payment(ctx, pay.ID)
		requireAPIError(t, err, http.StatusNotFound, merchant.EPaymentNotFound)
		_, err = bobKey.CreateRefund(ctx, key("refund"), client.RefundParams{Payment: pay.ID})
		requireAPIError(t, err, http.StatusNotFound, merchant.EPaymentNotFound)

		// A cashier collects but cannot make keys; a viewer cannot write.
		cashier, viewer := p.newUser(t, "Cash Ier"), p.newUser(t, "View Er")
		_, err = ann.c.AddStaff(ctx, ann.m.ID, client.StaffParams{Phone: cashier.phone, Role: "cashier"})
		require.NoError(t, err)
		_, err = ann.c.AddStaff(ctx, ann.m.ID, client.StaffParams{Phone: viewer.phone, Role: "viewer"})
		require.NoError(t, err)
		_, err = cashier.c.CreateAPIKey(ctx, client.APIKeyParams{Mode: "live"})
		requireAPIError(t, err, http.StatusForbidden, merchant.EPermissionDenied)
		_, err = cashier.c.CreatePaymentRequest(ctx, key("pr"), client.PaymentRequestParams{Amount: 100, Currency: "HKD"})
		require.NoError(t, err)
		_, err = viewer.c.CreatePaymentRequest(ctx, key("pr"), client.PaymentRequestParams{Amount: 100, Currency: "HKD"})
		requireAPIError(t, err, http.StatusForbidden, merchant.EPermissionDenied)
		_, err = viewer.c.Payment(ctx, pay.ID)
		require.NoError(t, err)
		_, err = annKey.CreateAPIKey(ctx, client.APIKeyParams{Mode: "live"})
		requireAPIError(t, err, http.StatusForbidden, "staff_only")

		// A test key sees and touches no live object.
		testKey := ann.newKey(t, "test")
		_, err = testKey.Payment(ctx, pay.ID)
		requireAPIError(t, err, http.StatusNotFound, merchant.EPaymentNotFound)
		_, err = testKey.CreateRefund(ctx, key("refund"), client.RefundParams{Payment: pay.ID})
		requireAPIError(t, err, http.StatusNotFound, merchant.EPaymentNotFound)

		// Keys are not people: consumer routes refuse them.
		_, err = annKey.Me(ctx)
		requireAPIError(t, err, http.StatusForbidden, "api_key_not_allowed")

		// A canceled request cannot be paid; the payer cannot change the
		// amount (the body has no amount to send).
		pr, err := annKey.CreatePaymentRequest(ctx, key("pr"), client.PaymentRequestParams{Amount: 500, Currency: "HKD"})
		require.NoError(t, err)
		_, err = annKey.CancelPaymentRequest(ctx, pr.ID)
		require.NoError(t, err)
		_, err = cat.c.Pay(ctx, key("pay"), pr.ID, client.PayParams{})
		requireAPIError(t, err, http.StatusConflict, merchant.EPaymentRequestNotPayable)
		status, _, body, err := cat.c.Raw(ctx, http.MethodPost, "/v1/pay/"+pr.ID, jsonHeader(key("pay")), []byte(`{"amount":1}`))
		require.NoError(t, err)
		requireErrorBody(t, status, body, http.StatusBadRequest, "unknown_parameter")

		// A revoked key is refused at once.
		keys, err := ann.c.APIKeys(ctx)
		require.NoError(t, err)
		for _, k := range keys.Data {
			_, err = ann.c.RevokeAPIKey(ctx, k.ID)
			require.NoError(t, err)
		}
		_, err = annKey.Payment(ctx, pay.ID)
		requireAPIError(t, err, http.StatusUnauthorized, "invalid_api_key")
	})
}
