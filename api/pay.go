package api

import (
	"net/http"

	"github.com/cashless-dev/cashless/merchant"
)

// Paying is a consumer's call: any signed-in user may see what a payment
// request asks (the request id is the capability a QR code hands out) and
// pay it from their wallet.

func (s *Server) checkout(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	if s.merchants == nil {
		return 0, nil, errorf(EMerchantsUnavailable, "This server runs without the merchant service.")
	}
	co, err := s.merchants.Checkout(c.ctx, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCheckout(co), nil
}

// pay passes its Idempotency-Key to merchant.Pay, which records it in the
// commit that moves the money (idemService): a retry gets the same payment
// back, marked Idempotent-Replayed.
func (s *Server) pay(c *call) (int, any, error) {
	var p PayParams
	if err := decodeOptional(c.body, &p); err != nil {
		return 0, nil, err
	}
	if s.merchants == nil {
		return 0, nil, errorf(EMerchantsUnavailable, "This server runs without the merchant service.")
	}
	res, err := s.merchants.Pay(c.ctx, merchant.PayInput{UserID: c.userID(), PaymentRequestID: c.r.PathValue("id"),
		IdempotencyKey: c.key, TOTPCode: p.TOTPCode})
	if err != nil {
		return 0, nil, err
	}
	return paid(res)
}

// paid answers a PayResult: 201 with the payment, replayed or not.
func paid(res *merchant.PayResult) (int, any, error) {
	v := toPayment(res.Payment)
	if !res.Replayed {
		return http.StatusCreated, v, nil
	}
	return http.StatusCreated, withHeader{value: v, header: http.Header{"Idempotent-Replayed": {"true"}}}, nil
}
