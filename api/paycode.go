package api

import (
	"fmt"
	"net/http"

	"github.com/cashless-dev/cashless/emvqr"
)

// payCodePNGSize is the side of the PayCode image, in pixels.
const payCodePNGSize = 512

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
	png, err := emvqr.PNG(p.Payload, payCodePNGSize)
	if err != nil {
		return 0, nil, fmt.Errorf("draw paycode: %w", err)
	}
	return http.StatusOK, raw{contentType: "image/png", body: png}, nil
}
