package api

import (
	"net/http"

	"github.com/cashless-dev/cashless/identity"
)

// sendVerification answers POST /v1/me/phone/verification and
// /v1/me/email/verification: a new one-time code goes to the channel.
func (s *Server) sendVerification(channel string) handlerFunc {
	return func(c *call) (int, any, error) {
		if err := noBody(c); err != nil {
			return 0, nil, err
		}
		v, err := s.identity.SendVerification(c.ctx, c.userID(), channel)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, toVerification(v), nil
	}
}

// confirmVerification answers POST /v1/me/phone/verify and
// /v1/me/email/verify: the code received confirms the channel.
func (s *Server) confirmVerification(channel string) handlerFunc {
	return func(c *call) (int, any, error) {
		var p VerifyParams
		if err := decodeJSON(c.body, &p); err != nil {
			return 0, nil, err
		}
		if err := need(p.Code != "", "code"); err != nil {
			return 0, nil, err
		}
		v, err := s.identity.ConfirmVerification(c.ctx, c.userID(), channel, p.Code)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, toVerification(v), nil
	}
}

func toVerification(v *identity.Verification) Verification {
	out := Verification{Object: "verification", Channel: v.Channel, Status: v.Status}
	if !v.Expires.IsZero() {
		e := utc(v.Expires)
		out.Expires = &e
	}
	return out
}
