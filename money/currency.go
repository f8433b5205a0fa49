package money

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cashless-dev/cashless"
)

// Currency is an ISO 4217 currency: its alphabetic code, numeric code, the
// number of decimal digits of its minor unit and its English name.
type Currency struct {
	// Code is the upper-case three-letter alphabetic code, such as "HKD".
	Code string
	// Number is the numeric code, such as 344 for HKD.
	Number int
	// Exponent is the number of digits after the decimal point: the major
	// unit is 10^Exponent minor units (2 for HKD, 0 for JPY, 3 for KWD).
	Exponent int
	// Name is the English name of the currency as ISO 4217 lists it.
	Name string
}

// NumericCode returns the numeric code as ISO 4217 writes it, as three
// digits with leading zeros, such as "008" for ALL.
func (c Currency) NumericCode() string { return fmt.Sprintf("%03d", c.Number) }

// byCode indexes currencyTable by alphabetic code.
var byCode = func() map[string]Currency {
	m := make(map[string]Currency, len(currencyTable))
	for _, c := range currencyTable {
		m[c.Code] = c
	}
	return m
}()

// sortedCurrencies is currencyTable sorted by code, whatever the order of the
// source file.
var sortedCurrencies = func() []Currency {
	s := slices.Clone(currencyTable)
	slices.SortFunc(s, func(a, b Currency) int { return strings.Compare(a.Code, b.Code) })
	return s
}()

// LookupCurrency returns the currency with the given upper-case ISO 4217
// alphabetic code. A code that is not in the table, including a lower-case
// spelling of a known one, is an error with code UnknownCurrency.
func LookupCurrency(code string) (Currency, error) {
	c, ok := byCode[code]
	if !ok {
		return Currency{}, cashless.Errorf(UnknownCurrency, "unknown currency %s: want an upper-case ISO 4217 code such as \"HKD\"", quote(code))
	}
	return c, nil
}

// Currencies returns every known currency sorted by code. The caller owns the
// returned slice.
func Currencies() []Currency { return slices.Clone(sortedCurrencies) }

// exponent returns the exponent of a known currency and false for an unknown
// one.
func exponent(code string) (int, bool) {
	c, ok := byCode[code]
	return c.Exponent, ok
}
