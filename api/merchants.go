package api

import (
	"net/http"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/merchant"
)

func (s *Server) createMerchant(c *call) (int, any, error) {
	if s.merchants == nil {
		return 0, nil, errorf(EMerchantsUnavailable, "This server runs without the merchant service.")
	}
	var p MerchantParams
	if err := decodeJSON(c.body, &p); err != nil {
		return 0, nil, err
	}
	if err := need(p.Name != "", "name"); err != nil {
		return 0, nil, err
	}
	m, err := s.merchants.CreateMerchant(c.ctx, c.userID(), merchant.MerchantInput{Name: p.Name, MCC: p.MCC, City: p.City,
		Country: p.Country, TimeZone: p.TimeZone, BankAccount: p.BankAccount})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toMerchant(m), nil
}

func (s *Server) listMemberships(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	if s.merchants == nil {
		return 0, nil, errorf(EMerchantsUnavailable, "This server runs without the merchant service.")
	}
	list, err := s.merchants.Memberships(c.ctx, c.userID())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toStaff), false), nil
}

func (s *Server) getMerchant(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	m, err := s.merchants.Merchant(c.ctx, c.actor)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toMerchant(m), nil
}

func (s *Server) updateMerchant(c *call) (int, any, error) {
	var p MerchantUpdateParams
	if err := decodeJSON(c.body, &p); err != nil {
		return 0, nil, err
	}
	m, err := s.merchants.UpdateMerchant(c.ctx, c.actor, merchant.MerchantUpdate{Name: p.Name, MCC: p.MCC, City: p.City,
		TimeZone: p.TimeZone, BankAccount: p.BankAccount, SettlementCutoff: p.SettlementCutoff,
		CashierRefundLimit: p.CashierRefundLimit})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toMerchant(m), nil
}

func (s *Server) addStaff(c *call) (int, any, error) {
	var p StaffParams
	if err := decodeJSON(c.body, &p); err != nil {
		return 0, nil, err
	}
	if p.Phone != "" && p.Email != "" {
		return 0, nil, errParam(cashless.EInvalid, "email", "Send phone or email, not both.")
	}
	if err := firstErr(need(p.Phone != "" || p.Email != "", "phone"), need(p.Role != "", "role")); err != nil {
		return 0, nil, err
	}
	// The permission is checked before the lookup, so that a viewer
	// cannot probe which phone numbers are registered.
	if err := c.actor.Require(merchant.PermStaff); err != nil {
		return 0, nil, err
	}
	u, err := s.identity.FindUser(c.ctx, identity.Proxy{Phone: p.Phone, Email: p.Email})
	if err != nil {
		return 0, nil, err
	}
	st, err := s.merchants.AddStaff(c.ctx, c.actor, u.ID, merchant.Role(p.Role))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toStaff(st), nil
}

func (s *Server) listStaff(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	list, err := s.merchants.Staff(c.ctx, c.actor)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toStaff), false), nil
}

func (s *Server) removeStaff(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	userID := c.r.PathValue("user")
	if err := s.merchants.RemoveStaff(c.ctx, c.actor, userID); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Deleted{Object: "staff", ID: userID, Deleted: true}, nil
}
