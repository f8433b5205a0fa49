package api

import (
	"net/http"

	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/wallet"
)

func (s *Server) createTopup(c *call) (int, any, error) {
	p, err := parseTopup(c.body)
	if err != nil {
		return 0, nil, err
	}
	f, err := s.wallet.Topup(c.ctx, wallet.TopupInput{UserID: c.userID(),
		Amount: money.Amount{Minor: int64(p.Amount), Currency: string(p.Currency)}, IdempotencyKey: c.key})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toFunding(f), nil
}

func (s *Server) createWithdrawal(c *call) (int, any, error) {
	p, err := parseWithdrawal(c.body)
	if err != nil {
		return 0, nil, err
	}
	f, err := s.wallet.Withdraw(c.ctx, wallet.WithdrawalInput{UserID: c.userID(),
		Amount:      money.Amount{Minor: int64(p.Amount), Currency: string(p.Currency)},
		BankAccount: p.BankAccount, TOTPCode: p.TOTPCode, IdempotencyKey: c.key})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toFunding(f), nil
}

func (s *Server) listTopups(c *call) (int, any, error) { return s.listFundings(c, wallet.KindTopup) }
func (s *Server) listWithdrawals(c *call) (int, any, error) {
	return s.listFundings(c, wallet.KindWithdrawal)
}
func (s *Server) getTopup(c *call) (int, any, error) { return s.getFunding(c, wallet.KindTopup) }
func (s *Server) getWithdrawal(c *call) (int, any, error) {
	return s.getFunding(c, wallet.KindWithdrawal)
}

func (s *Server) listFundings(c *call, kind string) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	list, more, err := s.wallet.Fundings(c.ctx, c.userID(), kind, page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toFunding), more), nil
}

func (s *Server) getFunding(c *call, kind string) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	f, err := s.wallet.Funding(c.ctx, c.userID(), c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	if f.Kind != kind { // a withdrawal asked for as a top-up does not exist
		return 0, nil, errorf(wallet.EFundingNotFound, "No such %s.", kind)
	}
	return http.StatusOK, toFunding(f), nil
}
