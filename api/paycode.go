package api

import "net/http"

func (s *Server) paycode(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	p, err := s.wallet.PayCode(c.ctx, c.userID())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, PayCode{Object: "paycode", Payload: p.Payload, PNGURL: s.baseURL + "/v1/paycode.png"}, nil
}

func (s *Server) paycodePNG(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	p, err := s.wallet.PayCode(c.ctx, c.userID())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, raw{contentType: "image/png", body: p.PNG}, nil
}
