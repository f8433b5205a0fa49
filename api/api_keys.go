package api

import (
	"net/http"
	"slices"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/merchant"
)

// Managing API keys takes a person with merchant.PermKeys (an owner or an
// admin), never a key: a leaked key cannot mint more.
func (c *call) requireKeyAdmin() error {
	if err := staffOnly(c); err != nil {
		return err
	}
	return c.actor.Require(merchant.PermKeys)
}

func (s *Server) createAPIKey(c *call) (int, any, error) {
	var p APIKeyParams
	if err := decodeJSON(c.body, &p); err != nil {
		return 0, nil, err
	}
	if err := need(p.Mode != "", "mode"); err != nil {
		return 0, nil, err
	}
	if p.Mode != string(merchant.Test) && p.Mode != string(merchant.Live) {
		return 0, nil, errParam(identity.EInvalidKeyMode, "mode", `Field mode must be "test" or "live".`)
	}
	for _, sc := range p.Scopes {
		if !merchant.ValidScope(merchant.Permission(sc)) {
			return 0, nil, errParam(identity.EInvalidScope, "scopes", "A key may hold only these scopes: "+scopeList()+".")
		}
	}
	if err := c.requireKeyAdmin(); err != nil {
		return 0, nil, err
	}
	scopes := slices.Compact(slices.Sorted(slices.Values(p.Scopes)))
	k, secret, err := s.keys.CreateAPIKey(c.ctx, identity.NewAPIKey{MerchantID: c.actor.MerchantID, Mode: p.Mode,
		Scopes: scopes, CreatedBy: c.actor.UserID})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toAPIKey(k, secret), nil
}

func scopeList() string {
	out := ""
	for i, p := range merchant.KeyPermissions {
		if i > 0 {
			out += ", "
		}
		out += string(p)
	}
	return out
}

func (s *Server) listAPIKeys(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	if err := c.requireKeyAdmin(); err != nil {
		return 0, nil, err
	}
	list, err := s.keys.APIKeys(c.ctx, c.actor.MerchantID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, func(k *identity.APIKey) APIKey { return toAPIKey(k, "") }), false), nil
}

func (s *Server) revokeAPIKey(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	if err := c.requireKeyAdmin(); err != nil {
		return 0, nil, err
	}
	k, err := s.keys.RevokeAPIKey(c.ctx, c.actor.MerchantID, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toAPIKey(k, ""), nil
}
