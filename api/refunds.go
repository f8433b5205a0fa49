package api

import (
	"net/http"

	"github.com/cashless-dev/cashless/merchant"
)

// createRefund passes its Idempotency-Key to the service, and the API
// stores the answer under it as well (idemRequired), scoped to the
// merchant and mode.
func (s *Server) createRefund(c *call) (int, any, error) {
	var p RefundParams
	if err := decodeJSON(c.body, &p); err != nil {
		return 0, nil, err
	}
	if err := need(p.Payment != "", "payment"); err != nil {
		return 0, nil, err
	}
	r, err := s.merchants.Refund(c.ctx, c.actor, merchant.RefundInput{PaymentID: p.Payment, Amount: int64(p.Amount),
		Reason: p.Reason, IdempotencyKey: c.key})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toRefund(r), nil
}

func (s *Server) listRefunds(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	list, more, err := s.merchants.Refunds(c.ctx, c.actor, page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toRefund), more), nil
}

func (s *Server) getRefund(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	r, err := s.merchants.RefundByID(c.ctx, c.actor, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toRefund(r), nil
}
