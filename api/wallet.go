package api

import "net/http"

func (s *Server) getWallet(c *call) (int, any, error) {
	q, err := c.params("currency")
	if err != nil {
		return 0, nil, err
	}
	cur, err := currencyParam(q)
	if err != nil {
		return 0, nil, err
	}
	w, err := s.wallet.Wallet(c.ctx, c.userID(), cur)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toWallet(w), nil
}
