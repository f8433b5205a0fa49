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
	return []route{
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
}
