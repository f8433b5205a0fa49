package api

import (
	"net/http"
	"strings"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/merchant"
)

// Error codes of merchant authentication.
const (
	// EAPIKeyNotAllowed: a valid API key on a consumer route, which only a
	// person's access token may call (403).
	EAPIKeyNotAllowed = "api_key_not_allowed"
	// EStaffOnly: an API key on a merchant call only a person may make,
	// such as creating keys (403).
	EStaffOnly = "staff_only"
	// EMerchantsUnavailable: the server runs without the merchant service
	// (503).
	EMerchantsUnavailable = "merchants_unavailable"
)

// Request headers of merchant calls.
const (
	headerMerchant = "Cashless-Merchant"
	headerMode     = "Cashless-Mode"
)

// isAPIKey reports whether a bearer token is an API key secret rather
// than an access token; identity says whether it is a valid one.
func isAPIKey(token string) bool { return strings.HasPrefix(token, "sk_") }

// keyOnUserRoute refuses an API key on a consumer route: 401 when the key
// is not valid (so a revoked key reads the same everywhere), 403 with
// api_key_not_allowed when it is.
func (s *Server) keyOnUserRoute(r *http.Request, secret string) error {
	if s.keys == nil {
		return errorf(identity.EInvalidAPIKey, "API keys are not accepted by this server.")
	}
	if _, err := s.keys.AuthenticateKey(r.Context(), secret); err != nil {
		return err
	}
	return errorf(EAPIKeyNotAllowed, "API keys act for a merchant; this call needs a person's access token.")
}

// authenticateMerchant builds the actor of a merchant route. An API key
// is its merchant and mode; a Cashless-Mode header contradicting it is
// refused rather than ignored. An access token is a staff member, whose
// merchant the service picks from Cashless-Merchant (or, under
// /v1/merchants/{id}, from the path) in the mode of Cashless-Mode, live
// by default.
func (s *Server) authenticateMerchant(r *http.Request, rt route) (merchant.Actor, identity.Principal, response, bool) {
	fail := func(err error) (merchant.Actor, identity.Principal, response, bool) {
		return merchant.Actor{}, identity.Principal{}, s.authFailure(r, err), false
	}
	if s.merchants == nil {
		return fail(errorf(EMerchantsUnavailable, "This server runs without the merchant service."))
	}
	token, err := bearer(r)
	if err != nil {
		return fail(err)
	}
	mode, modeSet, err := modeHeader(r)
	if err != nil {
		return fail(err)
	}
	pick := r.Header.Get(headerMerchant)
	if strings.HasPrefix(rt.path, "/v1/merchants/{id}") {
		pick = r.PathValue("id")
	}
	if isAPIKey(token) {
		if s.keys == nil {
			return fail(errorf(identity.EInvalidAPIKey, "API keys are not accepted by this server."))
		}
		kp, err := s.keys.AuthenticateKey(r.Context(), token)
		if err != nil {
			return fail(err)
		}
		a := merchant.Actor{MerchantID: kp.MerchantID, Mode: merchant.Mode(kp.Mode), KeyID: kp.KeyID}
		for _, sc := range kp.Scopes {
			a.Scopes = append(a.Scopes, merchant.Permission(sc))
		}
		if modeSet && mode != a.Mode {
			return fail(errParam(identity.EInvalidKeyMode, headerMode, "This key is a "+string(a.Mode)+" key; drop the Cashless-Mode header or use a "+string(mode)+" key."))
		}
		if pick != "" && pick != a.MerchantID {
			return fail(errorf(merchant.EMerchantNotFound, "No such merchant for this key."))
		}
		return a, identity.Principal{}, response{}, true
	}
	who, err := s.identity.Authenticate(r.Context(), token)
	if err != nil {
		return fail(err)
	}
	a, err := s.merchants.Actor(r.Context(), who.UserID, pick, mode)
	if err != nil {
		return fail(err)
	}
	return a, who, response{}, true
}

// modeHeader reads Cashless-Mode: live when absent.
func modeHeader(r *http.Request) (merchant.Mode, bool, error) {
	vs := r.Header.Values(headerMode)
	switch {
	case len(vs) == 0:
		return merchant.Live, false, nil
	case len(vs) == 1 && (vs[0] == string(merchant.Live) || vs[0] == string(merchant.Test)):
		return merchant.Mode(vs[0]), true, nil
	}
	return "", false, errParam(identity.EInvalidKeyMode, headerMode, "Send Cashless-Mode: test or live, once.")
}

// rateKey is whom a merchant call is throttled as: the key, or the person.
func rateKey(a merchant.Actor) string {
	if a.KeyID != "" {
		return a.KeyID
	}
	return a.UserID + "/" + a.MerchantID
}

// staffOnly refuses API keys on calls that take a person.
func staffOnly(c *call) error {
	if c.actor.KeyID != "" {
		return errorf(EStaffOnly, "This call takes a person: sign in as an owner or admin; API keys cannot make it.")
	}
	return nil
}

// livemode is the "livemode" of a wire object.
func livemode(m merchant.Mode) bool { return m == merchant.Live }
