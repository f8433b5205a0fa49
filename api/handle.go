package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/idempotency"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/merchant"
)

// call is one request as handlers see it.
type call struct {
	ctx context.Context
	r   *http.Request
	who identity.Principal // set on user routes, and for staff on merchant routes
	// actor is the merchant caller on merchant routes.
	actor merchant.Actor
	body  []byte // POST bodies only
	key   string // the Idempotency-Key, if any
}

// userID is the caller's user id.
func (c *call) userID() string { return c.who.UserID }

// handlerFunc serves one route: the status and value to answer with, or
// an error that respond.go turns into the error body.
type handlerFunc func(c *call) (int, any, error)

// serve wraps a route's handler with authentication, rate limiting, body
// reading and idempotency.
func (s *Server) serve(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.send(w, r, s.run(rt, r))
	})
}

func (s *Server) run(rt route, r *http.Request) response {
	c := &call{ctx: r.Context(), r: r}
	switch rt.access {
	case merchantAccess:
		a, who, res, ok := s.authenticateMerchant(r, rt)
		if !ok {
			return res
		}
		c.actor, c.who = a, who
		if err := s.userRate.allow(rateKey(a)); err != nil {
			return s.failure(r, err)
		}
	case user:
		who, res, ok := s.authenticate(r)
		if !ok {
			return res
		}
		c.who = who
		if err := s.userRate.allow(who.UserID); err != nil {
			return s.failure(r, err)
		}
	default:
		if err := s.ipRate.allow(clientIP(r)); err != nil {
			return s.failure(r, err)
		}
	}
	if r.Method != http.MethodPost {
		if err := s.verifySigned(c); err != nil {
			return s.failure(r, err)
		}
		return s.render(c, rt.handle)
	}

	if vs := r.Header.Values("Idempotency-Key"); len(vs) > 0 {
		if len(vs) > 1 {
			return s.failure(r, errParam(idempotency.EInvalidKey, "Idempotency-Key", "Send one Idempotency-Key header."))
		}
		if err := idempotency.ValidKey(vs[0]); err != nil {
			return s.failure(r, err)
		}
		c.key = vs[0]
	} else if rt.idem == idemRequired || rt.idem == idemService {
		return s.failure(r, errParam(idempotency.EKeyRequired, "Idempotency-Key",
			"This call moves money: send an Idempotency-Key header, and the same one when you retry."))
	}
	body, err := readBody(r)
	if err != nil {
		return s.failure(r, err)
	}
	c.body = body
	if err := s.verifySigned(c); err != nil {
		return s.failure(r, err)
	}
	if c.key == "" || rt.idem == idemCheck || rt.idem == idemService {
		return s.render(c, rt.handle)
	}
	return s.idempotent(c, rt.handle)
}

// idemScope is the namespace of the caller's idempotency keys: the user
// on user routes; on merchant routes the merchant and mode, for staff and
// API keys alike, so that two people or servers of one merchant sending
// one key collide as the same call, and test and live never do.
func (c *call) idemScope() string {
	if c.actor.MerchantID != "" {
		return c.actor.MerchantID + "/" + string(c.actor.Mode)
	}
	return c.userID()
}

// readBody reads a POST body, which must be JSON when there is one.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, errorf(EBodyTooLarge, "The request body is over %d bytes.", MaxBodyBytes)
	case err != nil:
		return nil, errorf(EInvalidJSON, "The request body could not be read.")
	}
	if len(body) > 0 {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			return nil, errParam(EInvalidContentType, "Content-Type", "Send the body as application/json.")
		}
	}
	return body, nil
}

// idempotent runs a call under its Idempotency-Key, scoped to the caller
// (idemScope):
// the first response is stored and later ones replay it. Server errors,
// and authentication, permission and rate-limit answers (which a retry
// may cure, such as adding a TOTP code), are not stored: the key is
// released so that the retry runs.
func (s *Server) idempotent(c *call, h handlerFunc) response {
	req := idempotency.Request{
		Scope:       c.idemScope(),
		Key:         c.key,
		Fingerprint: idempotency.Fingerprint(c.r.Method, c.r.URL.Path, c.body),
	}
	begun, err := s.idem.Begin(c.ctx, req)
	if err != nil {
		return s.failure(c.r, err)
	}
	if begun.Replay != nil {
		res := response{status: begun.Replay.Status, body: begun.Replay.Body, contentType: jsonType}
		res.setHeader("Idempotent-Replayed", "true")
		return res
	}
	ctx := context.WithoutCancel(c.ctx) // record the outcome even if the client left
	finished := false
	defer func() {
		if !finished { // a panic: give the key back before it propagates
			_ = s.idem.Release(ctx, req, begun.Token)
		}
	}()
	res := s.render(c, h)
	finished = true
	if storable(res.status) {
		err = s.idem.Complete(ctx, req, begun.Token, idempotency.Response{Status: res.status, Body: res.body})
	} else {
		err = s.idem.Release(ctx, req, begun.Token)
	}
	if err != nil {
		s.log.WarnContext(ctx, "record idempotent response", "request_id", requestIDOf(ctx), "err", err)
	}
	return res
}

// storable reports whether a response is final for its key.
func storable(status int) bool {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		return false
	}
	return status < 500
}

// authenticate checks the bearer token: missing_token without one,
// invalid_token for a bad one, both with WWW-Authenticate.
func (s *Server) authenticate(r *http.Request) (identity.Principal, response, bool) {
	token, err := bearer(r)
	if err == nil && isAPIKey(token) {
		err = s.keyOnUserRoute(r, token)
	} else if err == nil {
		var who identity.Principal
		if who, err = s.identity.Authenticate(r.Context(), token); err == nil {
			return who, response{}, true
		}
	}
	return identity.Principal{}, s.authFailure(r, err), false
}

// authFailure answers a failed authentication, with WWW-Authenticate on
// a 401.
func (s *Server) authFailure(r *http.Request, err error) response {
	res := s.failure(r, err)
	if res.status == http.StatusUnauthorized {
		challenge := `Bearer realm="cashless"`
		if cashless.ErrorCode(err) != EMissingToken {
			challenge += `, error="invalid_token"`
		}
		res.setHeader("WWW-Authenticate", challenge)
	}
	return res
}

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", errorf(EMissingToken, "This call needs an Authorization: Bearer <access token> header.")
	}
	const scheme = "bearer "
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return "", errorf(identity.EInvalidToken, "The Authorization header must be Bearer <access token>.")
	}
	return h[len(scheme):], nil
}
