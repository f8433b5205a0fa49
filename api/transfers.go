package api

import (
	"net/http"

	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/wallet"
)

func toRecipient(r Recipient) wallet.Recipient {
	return wallet.Recipient{Phone: r.Phone, Email: r.Email, Username: r.Username, PayCode: r.PayCode}
}

func (s *Server) createTransfer(c *call) (int, any, error) {
	p, err := parseTransfer(c.body)
	if err != nil {
		return 0, nil, err
	}
	t, err := s.wallet.Send(c.ctx, wallet.SendInput{UserID: c.userID(), To: toRecipient(*p.To),
		Amount:  money.Amount{Minor: int64(p.Amount), Currency: string(p.Currency)},
		Message: p.Message, Visibility: wallet.Visibility(p.Visibility), TOTPCode: p.TOTPCode, IdempotencyKey: c.key})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toTransfer(c.userID(), t), nil
}

func (s *Server) listTransfers(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	list, more, err := s.wallet.Transfers(c.ctx, c.userID(), page)
	if err != nil {
		return 0, nil, err
	}
	me := c.userID()
	return http.StatusOK, newList(mapAll(list, func(t *wallet.Transfer) Transfer { return toTransfer(me, t) }), more), nil
}

func (s *Server) getTransfer(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	t, err := s.wallet.Transfer(c.ctx, c.userID(), c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTransfer(c.userID(), t), nil
}
