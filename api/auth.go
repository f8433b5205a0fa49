package api

import (
	"net/http"

	"github.com/cashless-dev/cashless/identity"
)

func (s *Server) client(c *call) identity.Client {
	return identity.Client{IP: clientIP(c.r), UserAgent: c.r.UserAgent()}
}

func (s *Server) auth(u *identity.User, t *identity.Tokens) Auth {
	a := Auth{Object: "auth", ID: t.SessionID, TokenType: "Bearer", AccessToken: t.AccessToken,
		RefreshToken: t.RefreshToken, AccessTokenExpires: utc(t.AccessExpires), Created: s.now().UTC()}
	if u != nil {
		wu := toUser(u)
		a.User = &wu
	}
	return a
}

func (s *Server) signup(c *call) (int, any, error) {
	p, err := parseSignup(c.body)
	if err != nil {
		return 0, nil, err
	}
	u, t, err := s.identity.Signup(c.ctx, identity.SignupInput{Phone: p.Phone, Email: p.Email, Name: p.Name,
		Username: p.Username, Password: p.Password, Client: s.client(c)})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, s.auth(u, t), nil
}

func (s *Server) login(c *call) (int, any, error) {
	p, err := parseLogin(c.body)
	if err != nil {
		return 0, nil, err
	}
	u, t, err := s.identity.Login(c.ctx, identity.LoginInput{Phone: p.Phone, Email: p.Email, Password: p.Password,
		TOTPCode: p.TOTPCode, Client: s.client(c)})
	if err != nil {
		return 0, nil, asAuthentication(err)
	}
	return http.StatusOK, s.auth(u, t), nil
}

func (s *Server) refresh(c *call) (int, any, error) {
	p, err := parseRefresh(c.body)
	if err != nil {
		return 0, nil, err
	}
	t, err := s.identity.Refresh(c.ctx, p.RefreshToken)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, s.auth(nil, t), nil
}

func (s *Server) logout(c *call) (int, any, error) {
	if err := noBody(c); err != nil {
		return 0, nil, err
	}
	if err := s.identity.Logout(c.ctx, c.who); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Deleted{Object: "session", ID: c.who.SessionID, Deleted: true}, nil
}

// noBody accepts an empty body or an empty JSON object.
func noBody(c *call) error {
	var p struct{}
	return decodeOptional(c.body, &p)
}
