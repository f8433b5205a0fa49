package api

import (
	"net/http"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/wallet"
)

func (s *Server) me(c *call) (int, any, error) {
	q, err := c.params("currency")
	if err != nil {
		return 0, nil, err
	}
	cur, err := currencyParam(q)
	if err != nil {
		return 0, nil, err
	}
	u, err := s.identity.User(c.ctx, c.userID())
	if err != nil {
		return 0, nil, err
	}
	usage, err := s.wallet.Limits(c.ctx, c.userID(), cur)
	if err != nil {
		return 0, nil, err
	}
	me := Me{User: toUser(u), Limits: Limits{Currency: cur}}
	for _, l := range usage {
		limits := &me.Limits
		if l.Kind == wallet.LimitTopup {
			if me.TopupLimits == nil {
				me.TopupLimits = &Limits{Currency: cur}
			}
			limits = me.TopupLimits
		}
		p := &LimitPeriod{Cap: l.Cap.Minor, Used: l.Used.Minor, Remaining: l.Remaining.Minor, Resets: utc(l.Resets)}
		switch l.Period {
		case "day":
			limits.Day = p
		case "month":
			limits.Month = p
		case "year":
			limits.Year = p
		}
	}
	return http.StatusOK, me, nil
}

func (s *Server) kyc(c *call) (int, any, error) {
	p, err := parseKYC(c.body)
	if err != nil {
		return 0, nil, err
	}
	v, err := s.identity.VerifyKYC(c.ctx, c.userID(), identity.KYCInput{Tier: p.Tier, IDNumber: p.IDNumber, Address: p.Address})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, KYCVerification{Object: "kyc_verification", ID: v.ID, Tier: v.Tier, Status: v.Status,
		Reason: v.Reason, Created: utc(v.Created)}, nil
}

func (s *Server) enrolTOTP(c *call) (int, any, error) {
	if err := noBody(c); err != nil {
		return 0, nil, err
	}
	e, err := s.identity.EnrolTOTP(c.ctx, c.userID())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, TOTPEnrolment{Object: "totp_enrolment", Secret: e.Secret, OTPAuthURL: e.URL, Status: "pending"}, nil
}

func (s *Server) confirmTOTP(c *call) (int, any, error) {
	var p TOTPConfirmParams
	if err := decodeJSON(c.body, &p); err != nil {
		return 0, nil, err
	}
	if err := need(p.Code != "", "code"); err != nil {
		return 0, nil, err
	}
	if err := s.identity.ConfirmTOTP(c.ctx, c.userID(), p.Code); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, TOTPEnrolment{Object: "totp_enrolment", Status: "enabled"}, nil
}

func (s *Server) sessions(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	list, err := s.identity.Sessions(c.ctx, c.who)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toSession), false), nil
}

func (s *Server) revokeSession(c *call) (int, any, error) {
	id := c.r.PathValue("id")
	if err := s.identity.RevokeSession(c.ctx, c.userID(), id); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Deleted{Object: "session", ID: id, Deleted: true}, nil
}
