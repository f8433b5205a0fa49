package api

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/wallet"
)

// MaxBodyBytes bounds a request body: 1 MiB (API.md).
const MaxBodyBytes = 1 << 20

var (
	amountType   = reflect.TypeFor[Amount]()
	currencyType = reflect.TypeFor[Currency]()
)

// errBadValue is what Amount and Currency refuse a value with; decodeError
// tells them apart by the Go type the decoder reports.
var errBadValue = errors.New("value out of its domain")

// UnmarshalJSON accepts only a JSON integer literal above zero that fits in
// an int64: no string, no fraction, no exponent (1e2 is refused although it
// is whole, so that what a client sends is exactly what is charged). null
// leaves the amount zero, which the call then reports as missing.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if strings.ContainsAny(s, `".eE`) {
		return errBadValue
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return errBadValue
	}
	*a = Amount(n)
	return nil
}

// UnmarshalJSON accepts only the upper-case ISO 4217 code of a known
// currency ("HKD"; "hkd" is refused). null leaves it empty (missing).
func (c *Currency) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil || checkCurrency(s) != nil {
		return errBadValue
	}
	*c = Currency(s)
	return nil
}

// checkCurrency refuses anything but a known upper-case ISO 4217 code.
func checkCurrency(code string) error {
	if _, err := money.LookupCurrency(code); err != nil {
		return errParam(EInvalidCurrency, "currency", "Currency must be an upper-case ISO 4217 code such as \"HKD\".")
	}
	return nil
}

// clip shortens caller input repeated in an error message.
func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}

// strict is how every body is decoded. A member name must be exactly a
// field's name: a case variant ("Amount", "meſſage") is an unknown member,
// not an alias, and unknown members are refused. A name may appear once per
// object: parsers disagree on which of two copies wins, so a proxy and this
// server could otherwise read two different requests from one body.
// Strings must be valid UTF-8 rather than being mended into U+FFFD. These
// are encoding/json/v2's defaults, stated so that no default can loosen them.
var strict = json.JoinOptions(
	json.RejectUnknownMembers(true),
	json.MatchCaseInsensitiveNames(false),
	jsontext.AllowDuplicateNames(false),
	jsontext.AllowInvalidUTF8(false),
)

// decodeJSON decodes body into v strictly (see strict): one JSON value and
// nothing after it. Its errors are coded and name the field. A body that is
// not well-formed JSON is invalid_json whatever else is wrong with it: the
// decoder stops at the first fault, which may be a field's value ahead of
// the malformed part.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return cashless.Errorf(EInvalidJSON, "The request body is empty; send a JSON object.")
	}
	if err := json.Unmarshal(body, v, strict); err != nil {
		if !jsontext.Value(body).IsValid(jsontext.AllowDuplicateNames(true)) {
			return cashless.Errorf(EInvalidJSON, "The request body is not valid JSON.")
		}
		return decodeError(err)
	}
	return nil
}

// decodeOptional is decodeJSON for calls whose body may be left out.
func decodeOptional(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return decodeJSON(body, v)
}

// decodeError turns a decoding error into a coded one whose param is the
// path of the member at fault (to.phone, from[1].username).
func decodeError(err error) error {
	var synErr *jsontext.SyntacticError
	var semErr *json.SemanticError
	switch {
	case errors.As(err, &synErr):
		if errors.Is(synErr.Err, jsontext.ErrDuplicateName) {
			param := paramOf(synErr.JSONPointer)
			return errParam(EDuplicateParameter, param, fmt.Sprintf("Field %s is given more than once.", param))
		}
	case errors.As(err, &semErr):
		param := paramOf(semErr.JSONPointer)
		switch {
		case errors.Is(semErr.Err, json.ErrUnknownName):
			msg := fmt.Sprintf("Unknown field %s.", param)
			if strings.ToLower(param) != param {
				msg += " Field names are lower case and match exactly."
			}
			return errParam(EUnknownParameter, param, msg)
		case semErr.GoType == amountType:
			return errParam(wallet.EInvalidAmount, param,
				fmt.Sprintf("Field %s must be a whole number of minor units above zero that fits in 64 bits.", param))
		case semErr.GoType == currencyType:
			return errParam(EInvalidCurrency, param,
				fmt.Sprintf("Field %s must be an upper-case ISO 4217 code such as \"HKD\".", param))
		case param == "":
			return cashless.Errorf(EInvalidJSON, "The request body must be a JSON object.")
		}
		return errParam(cashless.EInvalid, param, fmt.Sprintf("Field %s cannot be a JSON %s.", param, kindName(semErr.JSONKind)))
	}
	return cashless.Errorf(EInvalidJSON, "The request body is not valid JSON.")
}

// paramOf writes a JSON pointer the way errors name fields: members
// joined by dots, array indexes in brackets. Each name is clipped, since
// it is the caller's input.
func paramOf(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.ParseUint(tok, 10, 31); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(clip(tok))
	}
	return b.String()
}

// kindName names a JSON kind in an error message.
func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	}
	return k.String() // string, number, null
}

// need reports a missing required field.
func need(ok bool, param string) error {
	if ok {
		return nil
	}
	return errParam(EParameterMissing, param, fmt.Sprintf("Field %s is required.", param))
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
