package wallet

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/emvqr"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/money"
)

// payCodeGUID names Cashless P2P in the merchant account template (ID 26)
// of an EMV payload.
const payCodeGUID = "dev.cashless.p2p"

// PayCode implements Service: a static EMV QR payload that names the user
// in the Cashless P2P template. A QR code is public, so it carries the
// username (or "Cashless user"), never the name or phone.
func (w *Wallets) PayCode(ctx context.Context, userID string) (*PayCode, error) {
	u, err := w.dir.User(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	name := u.Username
	if name == "" {
		name = "Cashless user"
	}
	// EMV allows at most 25 characters in the merchant name (ID 59);
	// usernames are ASCII, so cutting bytes cuts characters.
	if len(name) > 25 {
		name = name[:25]
	}
	fields := []emvqr.Field{
		{ID: "00", Value: "01"},
		{ID: "01", Value: "11"},
		{ID: "26", Sub: []emvqr.Field{{ID: "00", Value: payCodeGUID}, {ID: "01", Value: u.ID}}},
		{ID: "52", Value: "0000"},
	}
	// The code is static: it names no amount, and the currency is the one
	// of the first currency wallets hold, when ISO 4217 gives it a number.
	if curs := w.currencies; len(curs) > 0 {
		if c, err := money.LookupCurrency(curs[0]); err == nil && c.Number > 0 {
			fields = append(fields, emvqr.Field{ID: "53", Value: c.NumericCode()})
		}
	}
	fields = append(fields,
		emvqr.Field{ID: "58", Value: "HK"},
		emvqr.Field{ID: "59", Value: name},
		emvqr.Field{ID: "60", Value: "Hong Kong"},
	)
	payload, err := emvqr.Encode(fields)
	if err != nil {
		return nil, fmt.Errorf("encode paycode: %w", err)
	}
	return &PayCode{Payload: payload}, nil
}

// payCodeUser returns the user id a PayCode payload names: EInvalidPayCode
// when it does not parse, fails its CRC, or is not a Cashless P2P code.
func payCodeUser(payload string) (string, error) {
	bad := &cashless.Error{Code: EInvalidPayCode, Message: "The PayCode is not a valid Cashless PayCode.", Param: "to"}
	fields, err := emvqr.Decode(payload)
	if err != nil {
		return "", bad
	}
	for _, f := range fields {
		if f.ID != "26" {
			continue
		}
		var guid, user string
		for _, s := range f.Sub {
			switch s.ID {
			case "00":
				guid = s.Value
			case "01":
				user = s.Value
			}
		}
		if guid == payCodeGUID && id.HasPrefix(user, id.User) {
			return user, nil
		}
	}
	return "", bad
}
