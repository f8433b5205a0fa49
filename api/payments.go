package api

import "net/http"

func (s *Server) listPayments(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	list, more, err := s.merchants.Payments(c.ctx, c.actor, page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toPayment), more), nil
}

func (s *Server) getPayment(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	p, err := s.merchants.Payment(c.ctx, c.actor, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toPayment(p), nil
}

func (s *Server) balance(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	bs, err := s.merchants.Balances(c.ctx, c.actor)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toBalance(c.actor.Mode, bs), nil
}
