package api

import "net/http"

func (s *Server) listEvents(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	list, more, err := s.merchants.Events(c.ctx, c.actor, page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toEvent), more), nil
}

func (s *Server) getEvent(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	e, err := s.merchants.Event(c.ctx, c.actor, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toEvent(e), nil
}
