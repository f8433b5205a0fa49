package api

import (
	"net/http"

	"github.com/cashless-dev/cashless/wallet"
)

func (s *Server) listContacts(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	list, more, err := s.wallet.Contacts(c.ctx, c.userID(), page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toContact), more), nil
}

func (s *Server) addContact(c *call) (int, any, error) {
	p, err := parseContact(c.body)
	if err != nil {
		return 0, nil, err
	}
	ct, err := s.wallet.AddContact(c.ctx, c.userID(), wallet.Recipient{Phone: p.Phone, Email: p.Email, Username: p.Username})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toContact(ct), nil
}
