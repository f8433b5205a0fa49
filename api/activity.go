package api

import "net/http"

func (s *Server) activity(c *call) (int, any, error) {
	page, q, err := c.page("currency")
	if err != nil {
		return 0, nil, err
	}
	cur, err := currencyParam(q)
	if err != nil {
		return 0, nil, err
	}
	list, more, err := s.wallet.Activity(c.ctx, c.userID(), cur, page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toEntry), more), nil
}
