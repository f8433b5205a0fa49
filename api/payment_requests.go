package api

import (
	"net/http"

	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/money"
)

// webURL is the hosted page of a payment request (hosted.go).
func (s *Server) webURL(id string) string { return s.baseURL + "/pay/" + id }

func (s *Server) createPaymentRequest(c *call) (int, any, error) {
	var p PaymentRequestParams
	if err := decodeJSON(c.body, &p); err != nil {
		return 0, nil, err
	}
	if err := firstErr(need(p.Amount != 0, "amount"), need(p.Currency != "", "currency")); err != nil {
		return 0, nil, err
	}
	pr, err := s.merchants.CreatePaymentRequest(c.ctx, c.actor, merchant.PaymentRequestInput{
		Amount:      money.Amount{Minor: int64(p.Amount), Currency: string(p.Currency)},
		Description: p.Description, MerchantReference: p.MerchantReference, ExpiresIn: p.ExpiresIn,
		NotificationURL: p.NotificationURL, IdempotencyKey: c.key,
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, s.toPaymentRequest(pr), nil
}

func (s *Server) listPaymentRequests(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	list, more, err := s.merchants.PaymentRequests(c.ctx, c.actor, page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, s.toPaymentRequest), more), nil
}

func (s *Server) getPaymentRequest(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	pr, err := s.merchants.PaymentRequest(c.ctx, c.actor, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, s.toPaymentRequest(pr), nil
}

func (s *Server) cancelPaymentRequest(c *call) (int, any, error) {
	if err := noBody(c); err != nil {
		return 0, nil, err
	}
	pr, err := s.merchants.CancelPaymentRequest(c.ctx, c.actor, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, s.toPaymentRequest(pr), nil
}
