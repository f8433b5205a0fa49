package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

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
		return &json.UnmarshalTypeError{Value: "amount " + clip(s), Type: amountType}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return &json.UnmarshalTypeError{Value: "amount " + clip(s), Type: amountType}
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
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "currency", Type: currencyType}
	}
	if err := checkCurrency(s); err != nil {
		return &json.UnmarshalTypeError{Value: "currency", Type: currencyType}
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

// decodeJSON decodes body into v strictly: one JSON value, no unknown
// field, nothing after it. Its errors are coded and name the field.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return cashless.Errorf(EInvalidJSON, "The request body is empty; send a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return cashless.Errorf(EInvalidJSON, "The request body has data after the JSON value.")
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

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		switch typeErr.Type {
		case amountType:
			return errParam(wallet.EInvalidAmount, typeErr.Field,
				fmt.Sprintf("Field %s must be a whole number of minor units above zero that fits in 64 bits.", typeErr.Field))
		case currencyType:
			return errParam(EInvalidCurrency, typeErr.Field,
				fmt.Sprintf("Field %s must be an upper-case ISO 4217 code such as \"HKD\".", typeErr.Field))
		}
		if typeErr.Field == "" {
			return cashless.Errorf(EInvalidJSON, "The request body must be a JSON object.")
		}
		return errParam(cashless.EInvalid, typeErr.Field,
			fmt.Sprintf("Field %s cannot be a JSON %s.", typeErr.Field, typeErr.Value))
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return cashless.Errorf(EInvalidJSON, "The request body is not valid JSON.")
	}
	// encoding/json has no error type for an unknown field.
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ := strconv.Unquote(field)
		name = clip(name)
		return errParam(EUnknownParameter, name, fmt.Sprintf("Unknown field %s.", field))
	}
	return cashless.Errorf(EInvalidJSON, "The request body is not valid JSON.")
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
