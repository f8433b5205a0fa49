package api

import (
	"net/http"

	"github.com/cashless-dev/cashless/identity"
)

// access says who may call a route.
type access int

const (
	public access = iota // no token; throttled per IP
	user                 // a bearer access token; throttled per user
	// merchantAccess: a staff member's access token (the merchant picked
	// by Cashless-Merchant, the mode by Cashless-Mode) or a merchant API
	// key; throttled per merchant user or key (merchant_auth.go).
	merchantAccess
)

// idem says how a POST treats its Idempotency-Key.
type idem int

const (
	// idemStore: the key is optional; with one, the response is stored
	// and replayed.
	idemStore idem = iota
	// idemRequired: money moves; the key is required and stored.
	idemRequired
	// idemCheck: the key is checked but the response is never stored,
	// because it carries secrets (tokens, a TOTP seed) that must not rest
	// in the idempotency table.
	idemCheck
	// idemService: the key is required and passed to a service that is
	// itself the idempotency record, in the commit that moves the money
	// (merchant.Pay); the API stores nothing, so there is one record and
	// one commit before the answer.
	idemService
)

// route is one entry of the table.
type route struct {
	method string
	path   string
	access access
	idem   idem
	handle handlerFunc
}

// routes lists every route of the API in one place. The OpenAPI document
// (openapi.json) must list exactly these; a test keeps them in step. Calls
// that resolve people by phone, email, username or PayCode are wrapped in
// s.lookups, and signup in s.signups: both are rate-limited (ratelimit.go).
func (s *Server) routes() []route {
	const get, post, del = http.MethodGet, http.MethodPost, http.MethodDelete
	rs := []route{
		{post, "/v1/auth/signup", public, idemCheck, s.signups(s.signup)},
		{post, "/v1/auth/login", public, idemCheck, s.login},
		{post, "/v1/auth/refresh", public, idemCheck, s.refresh},
		{post, "/v1/auth/logout", user, idemStore, s.logout},

		{get, "/v1/me", user, 0, s.me},
		{post, "/v1/me/kyc", user, idemStore, s.kyc},
		{post, "/v1/me/totp", user, idemCheck, s.enrolTOTP},
		{post, "/v1/me/totp/confirm", user, idemStore, s.confirmTOTP},
		{post, "/v1/me/phone/verification", user, idemStore, s.sendVerification(identity.ChannelPhone)},
		{post, "/v1/me/phone/verify", user, idemStore, s.confirmVerification(identity.ChannelPhone)},
		{post, "/v1/me/email/verification", user, idemStore, s.sendVerification(identity.ChannelEmail)},
		{post, "/v1/me/email/verify", user, idemStore, s.confirmVerification(identity.ChannelEmail)},
		{get, "/v1/sessions", user, 0, s.sessions},
		{del, "/v1/sessions/{id}", user, 0, s.revokeSession},

		{get, "/v1/wallet", user, 0, s.getWallet},
		{post, "/v1/topups", user, idemRequired, s.createTopup},
		{get, "/v1/topups", user, 0, s.listTopups},
		{get, "/v1/topups/{id}", user, 0, s.getTopup},
		{post, "/v1/withdrawals", user, idemRequired, s.createWithdrawal},
		{get, "/v1/withdrawals", user, 0, s.listWithdrawals},
		{get, "/v1/withdrawals/{id}", user, 0, s.getWithdrawal},

		{post, "/v1/transfers", user, idemRequired, s.lookups(one(parseTransfer), s.createTransfer)},
		{get, "/v1/transfers", user, 0, s.listTransfers},
		{get, "/v1/transfers/{id}", user, 0, s.getTransfer},

		{post, "/v1/requests", user, idemRequired, s.lookups(payers, s.createRequests)},
		{get, "/v1/requests", user, 0, s.listRequests},
		{get, "/v1/requests/{id}", user, 0, s.getRequest},
		{post, "/v1/requests/{id}/pay", user, idemRequired, s.payRequest},
		{post, "/v1/requests/{id}/decline", user, idemStore, s.declineRequest},
		{post, "/v1/requests/{id}/cancel", user, idemStore, s.cancelRequest},

		{get, "/v1/contacts", user, 0, s.listContacts},
		{post, "/v1/contacts", user, idemStore, s.lookups(one(parseContact), s.addContact)},
		{get, "/v1/feed", user, 0, s.feed},
		{get, "/v1/feed/settings", user, 0, s.feedSettings},
		{post, "/v1/feed/settings", user, idemStore, s.setFeedSettings},
		{get, "/v1/paycode", user, 0, s.paycode},
		{get, "/v1/paycode.png", user, 0, s.paycodePNG},
		{get, "/v1/activity", user, 0, s.activity},

		{get, "/v1/openapi.json", public, 0, s.openAPI},
	}
	return append(rs, s.merchantRoutes()...)
}

// merchantRoutes are the merchant half of the API. Creating a merchant,
// listing one's memberships and paying are a user's calls (access tokens
// only); the rest act for one merchant in one mode.
func (s *Server) merchantRoutes() []route {
	const get, post, del = http.MethodGet, http.MethodPost, http.MethodDelete
	const m = merchantAccess
	return []route{
		{post, "/v1/merchants", user, idemStore, s.createMerchant},
		{get, "/v1/merchants", user, 0, s.listMemberships},
		{get, "/v1/merchant", m, 0, s.getMerchant},
		{post, "/v1/merchant", m, idemStore, s.updateMerchant},
		{post, "/v1/merchants/{id}/staff", m, idemStore, s.addStaff},
		{get, "/v1/merchants/{id}/staff", m, 0, s.listStaff},
		{del, "/v1/merchants/{id}/staff/{user}", m, 0, s.removeStaff},

		{post, "/v1/api_keys", m, idemCheck, s.createAPIKey},
		{get, "/v1/api_keys", m, 0, s.listAPIKeys},
		{del, "/v1/api_keys/{id}", m, 0, s.revokeAPIKey},

		{post, "/v1/payment_requests", m, idemStore, s.createPaymentRequest},
		{get, "/v1/payment_requests", m, 0, s.listPaymentRequests},
		{get, "/v1/payment_requests/{id}", m, 0, s.getPaymentRequest},
		{post, "/v1/payment_requests/{id}/cancel", m, idemStore, s.cancelPaymentRequest},
		{post, "/v1/test_helpers/payment_requests/{id}/pay", m, idemService, s.testPay},

		{get, "/v1/pay/{id}", user, 0, s.checkout},
		{post, "/v1/pay/{id}", user, idemService, s.pay},

		{get, "/v1/payments", m, 0, s.listPayments},
		{get, "/v1/payments/{id}", m, 0, s.getPayment},
		{post, "/v1/refunds", m, idemRequired, s.createRefund},
		{get, "/v1/refunds", m, 0, s.listRefunds},
		{get, "/v1/refunds/{id}", m, 0, s.getRefund},

		{get, "/v1/balance", m, 0, s.balance},
		{post, "/v1/payouts", m, idemRequired, s.createPayout},
		{get, "/v1/payouts", m, 0, s.listPayouts},
		{get, "/v1/payouts/{id}", m, 0, s.getPayout},
		{get, "/v1/payouts/{id}/report", m, 0, s.payoutReport},

		{get, "/v1/events", m, 0, s.listEvents},
		{get, "/v1/events/{id}", m, 0, s.getEvent},
		{get, "/v1/events/{id}/deliveries", m, 0, s.eventDeliveries},
		{get, "/v1/events/{id}/deliveries/{endpoint}", m, 0, s.deliveryAttempts},
		{post, "/v1/events/{id}/redeliver", m, idemStore, s.redeliver},

		{post, "/v1/webhook_endpoints", m, idemCheck, s.createWebhookEndpoint},
		{get, "/v1/webhook_endpoints", m, 0, s.listWebhookEndpoints},
		{get, "/v1/webhook_endpoints/{id}", m, 0, s.getWebhookEndpoint},
		{post, "/v1/webhook_endpoints/{id}", m, idemStore, s.updateWebhookEndpoint},
		{del, "/v1/webhook_endpoints/{id}", m, 0, s.deleteWebhookEndpoint},
		{post, "/v1/webhook_endpoints/{id}/rotate_secret", m, idemCheck, s.rotateWebhookSecret},
		{get, "/v1/webhook_endpoints/{id}/deliveries", m, 0, s.endpointDeliveries},
	}
}
