package merchant

import (
	"slices"

	"github.com/cashless-dev/cashless"
)

// Permission is one kind of merchant call. API key scopes are
// permissions too.
type Permission string

// The permissions. docs/MERCHANT.md shows the matrix as a table.
const (
	// PermRead reads the merchant: profile, payment requests, payments,
	// refunds, balance, payouts, events, webhook endpoints.
	PermRead Permission = "read"
	// PermCollect creates and cancels payment requests.
	PermCollect Permission = "payment_requests:write"
	// PermRefund refunds payments (cashiers up to CashierRefundLimit).
	PermRefund Permission = "refunds:write"
	// PermPayout makes manual payouts.
	PermPayout Permission = "payouts:write"
	// PermWebhooks manages webhook endpoints and redeliveries.
	PermWebhooks Permission = "webhooks:write"
	// PermSettings changes the profile, settlement account and limits.
	PermSettings Permission = "settings:write"
	// PermStaff adds, changes and removes staff.
	PermStaff Permission = "staff:write"
	// PermKeys creates and revokes API keys.
	PermKeys Permission = "api_keys:write"
)

// KeyPermissions are the permissions an API key may hold; an unscoped key
// holds all of them. Managing staff and keys, and changing settings, takes
// a person (owner or admin), never a key.
var KeyPermissions = []Permission{PermRead, PermCollect, PermRefund, PermPayout, PermWebhooks}

// rolePermissions is the permission matrix.
var rolePermissions = map[Role][]Permission{
	Owner:   {PermRead, PermCollect, PermRefund, PermPayout, PermWebhooks, PermSettings, PermStaff, PermKeys},
	Admin:   {PermRead, PermCollect, PermRefund, PermPayout, PermWebhooks, PermSettings, PermStaff, PermKeys},
	Cashier: {PermRead, PermCollect, PermRefund},
	Viewer:  {PermRead},
}

// ValidRole reports whether r is a role.
func ValidRole(r Role) bool {
	_, ok := rolePermissions[r]
	return ok
}

// Can reports whether the actor holds permission p.
func (a Actor) Can(p Permission) bool {
	if a.KeyID != "" {
		if !slices.Contains(KeyPermissions, p) {
			return false
		}
		return len(a.Scopes) == 0 || slices.Contains(a.Scopes, p)
	}
	return slices.Contains(rolePermissions[a.Role], p)
}

// Require returns EPermissionDenied unless the actor holds p.
func (a Actor) Require(p Permission) error {
	if a.Can(p) {
		return nil
	}
	return &cashless.Error{Code: EPermissionDenied, Message: "Your role or key does not allow this call (it needs " + string(p) + ")."}
}

// ValidScope reports whether s may be an API key scope.
func ValidScope(s Permission) bool { return slices.Contains(KeyPermissions, s) }
