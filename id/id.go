// Package id makes the public identifiers of Cashless objects: a type
// prefix and a ULID, as in "usr_01JD6Z8K3F4R2M9Q7T5V1W0XYZ". ULIDs sort by
// creation time, so "newest first" and cursor pagination need no extra
// index, and no database row number is ever exposed.
package id

import (
	"strings"

	"github.com/oklog/ulid/v2"
)

// Prefixes of the public object types (see API.md).
const (
	User            = "usr"
	Account         = "acct"
	Transfer        = "tr"
	Request         = "req"
	Session         = "ses"
	Topup           = "tu"
	Withdrawal      = "wd"
	Contact         = "con"
	KYCVerification = "kyc"
	Merchant        = "mch"
	PaymentRequest  = "pr"
	Payment         = "pay"
	Refund          = "re"
	Payout          = "po"
	Event           = "evt"
	WebhookEndpoint = "we"
	APIKey          = "key"
	Customer        = "cus"
)

// New returns a new identifier with the given type prefix. Identifiers made
// in one process are strictly increasing.
func New(prefix string) string {
	return prefix + "_" + strings.ToLower(ulid.Make().String())
}

// HasPrefix reports whether s is an identifier of the given type.
func HasPrefix(s, prefix string) bool {
	return len(s) > len(prefix)+1 && strings.HasPrefix(s, prefix+"_")
}
