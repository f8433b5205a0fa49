package merchant

import (
	"errors"

	"github.com/cashless-dev/cashless/emvqr"
	"github.com/cashless-dev/cashless/money"
)

// QRGUID names Cashless in the merchant account information template
// (tag 26) of its QR payloads.
const QRGUID = "dev.cashless.pay"

// cut returns at most n runes of s.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

// QRPayload builds the EMVCo merchant-presented QR payload of a payment
// request: dynamic (one use), with the request id in the merchant
// account template, the amount in major units and the merchant's name and
// city cut to the lengths the specification allows.
func QRPayload(m *Merchant, pr *PaymentRequest) (string, error) {
	cur, err := money.LookupCurrency(pr.Amount.Currency)
	if err != nil {
		return "", err
	}
	ref := pr.MerchantReference
	if ref == "" {
		ref = pr.ID
	}
	return emvqr.Encode([]emvqr.Field{
		{ID: "00", Value: "01"},
		{ID: "01", Value: "12"},
		{ID: "26", Sub: []emvqr.Field{{ID: "00", Value: QRGUID}, {ID: "01", Value: pr.ID}}},
		{ID: "52", Value: m.MCC},
		{ID: "53", Value: cur.NumericCode()},
		{ID: "54", Value: pr.Amount.String()},
		{ID: "58", Value: m.Country},
		{ID: "59", Value: cut(m.Name, 25)},
		{ID: "60", Value: cut(m.City, 15)},
		{ID: "62", Sub: []emvqr.Field{{ID: "05", Value: cut(ref, 25)}}},
	})
}

// ParseQR reads a Cashless QR payload back: the payment request id and
// the amount it asks for. The CRC is checked by emvqr.Decode.
func ParseQR(payload string) (paymentRequestID string, amount money.Amount, err error) {
	fields, err := emvqr.Decode(payload)
	if err != nil {
		return "", money.Amount{}, err
	}
	var numeric, value string
	for _, f := range fields {
		switch f.ID {
		case "26":
			var guid, prID string
			for _, s := range f.Sub {
				switch s.ID {
				case "00":
					guid = s.Value
				case "01":
					prID = s.Value
				}
			}
			if guid == QRGUID {
				paymentRequestID = prID
			}
		case "53":
			numeric = f.Value
		case "54":
			value = f.Value
		}
	}
	if paymentRequestID == "" {
		return "", money.Amount{}, errors.New("not a Cashless payment request QR payload")
	}
	for _, c := range money.Currencies() {
		if c.NumericCode() == numeric {
			amount, err = money.Parse(value, c.Code)
			return paymentRequestID, amount, err
		}
	}
	return "", money.Amount{}, errors.New("unknown currency in QR payload: " + numeric)
}
