package api

import (
	"context"
	"net/http"

	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/wallet"
)

func (s *Server) createRequests(c *call) (int, any, error) {
	p, err := parseRequest(c.body)
	if err != nil {
		return 0, nil, err
	}
	in := wallet.RequestInput{UserID: c.userID(), From: mapAll(p.From, toRecipient), Message: p.Message, IdempotencyKey: c.key}
	if p.Split != nil {
		in.SplitTotal = money.Amount{Minor: int64(p.Split.Total), Currency: string(p.Currency)}
	} else {
		in.Amount = money.Amount{Minor: int64(p.Amount), Currency: string(p.Currency)}
	}
	list, err := s.wallet.RequestMoney(c.ctx, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, s.requestList(c, list, false), nil
}

func (s *Server) requestList(c *call, list []*wallet.Request, more bool) List[Request] {
	me := c.userID()
	return newList(mapAll(list, func(r *wallet.Request) Request { return toRequest(me, r) }), more)
}

func (s *Server) listRequests(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	list, more, err := s.wallet.Requests(c.ctx, c.userID(), page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, s.requestList(c, list, more), nil
}

func (s *Server) getRequest(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	r, err := s.wallet.Request(c.ctx, c.userID(), c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toRequest(c.userID(), r), nil
}

func (s *Server) payRequest(c *call) (int, any, error) {
	p, err := parsePayRequest(c.body)
	if err != nil {
		return 0, nil, err
	}
	r, _, err := s.wallet.PayRequest(c.ctx, c.userID(), c.r.PathValue("id"), p.TOTPCode, c.key)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toRequest(c.userID(), r), nil
}

func (s *Server) declineRequest(c *call) (int, any, error) {
	return s.endRequest(c, s.wallet.DeclineRequest)
}

func (s *Server) cancelRequest(c *call) (int, any, error) {
	return s.endRequest(c, s.wallet.CancelRequest)
}

func (s *Server) endRequest(c *call, end func(ctx context.Context, userID, id string) (*wallet.Request, error)) (int, any, error) {
	if err := noBody(c); err != nil {
		return 0, nil, err
	}
	r, err := end(c.ctx, c.userID(), c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toRequest(c.userID(), r), nil
}
