package wallet

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
)

// resolve finds the user a Recipient names. Exactly one of its fields must
// be set (cashless.EInvalid with Param "to" otherwise); a phone, email or
// username is looked up in the directory, a PayCode is decoded. Nobody
// behind it is ERecipientNotFound.
func (w *Wallets) resolve(ctx context.Context, r Recipient) (*identity.User, error) {
	set := 0
	for _, f := range []string{r.Phone, r.Email, r.Username, r.PayCode} {
		if f != "" {
			set++
		}
	}
	if set != 1 {
		return nil, &cashless.Error{Code: cashless.EInvalid, Message: "Name the recipient by exactly one of phone, email, username or paycode.", Param: "to"}
	}
	if r.PayCode != "" {
		userID, err := payCodeUser(r.PayCode)
		if err != nil {
			return nil, err
		}
		u, err := w.dir.User(ctx, userID)
		if err != nil {
			return nil, notFoundAsRecipient(err)
		}
		return u, nil
	}
	u, err := w.dir.FindUser(ctx, identity.Proxy{Phone: r.Phone, Email: r.Email, Username: r.Username})
	if err != nil {
		return nil, notFoundAsRecipient(err)
	}
	return u, nil
}

// notFoundAsRecipient turns the directory's "no such user" (and its input
// errors, such as a malformed phone number: no user can have it) into
// ERecipientNotFound; anything else stays as it is.
func notFoundAsRecipient(err error) error {
	switch cashless.ErrorCode(err) {
	case identity.EUserNotFound, cashless.ENotFound,
		identity.EInvalidPhone, identity.EInvalidEmail, identity.EInvalidUsername:
		return &cashless.Error{Code: ERecipientNotFound, Message: "No Cashless user matches that recipient.", Param: "to"}
	}
	return fmt.Errorf("find recipient: %w", err)
}
