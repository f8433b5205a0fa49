package api

// testPay simulates a consumer paying one of the merchant's test-mode
// payment requests; the service refuses live ones. Like POST /v1/pay/{id}
// its Idempotency-Key is the service's own record (idemService).
func (s *Server) testPay(c *call) (int, any, error) {
	if err := noBody(c); err != nil {
		return 0, nil, err
	}
	res, err := s.merchants.TestPay(c.ctx, c.actor, c.r.PathValue("id"), c.key)
	if err != nil {
		return 0, nil, err
	}
	return paid(res)
}
