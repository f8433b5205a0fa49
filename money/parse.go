package money

import (
	"math"
	"strconv"
	"strings"

	"github.com/cashless-dev/cashless"
)

// Parse parses a plain decimal string as an amount of currency, exactly and
// with integer arithmetic only.
//
// The accepted syntax is an optional leading '-', one or more ASCII digits,
// and optionally a '.' followed by one or more digits: "12.34", "-0.5",
// "1000", "007". Anything else — a leading '+', spaces, thousands separators,
// exponents, a bare ".5" or "5." — is an error with code InvalidAmount. The
// fraction may have at most as many digits as the currency's exponent, so
// "12.345" HKD (exponent 2) and "7.0" JPY (exponent 0) are errors with code
// TooManyDecimals; "12.3" HKD is 1230 minor units. A value outside int64
// minor units is an error with code AmountOverflow, and an unknown currency
// an error with code UnknownCurrency.
func Parse(s, currency string) (Amount, error) {
	c, err := LookupCurrency(currency)
	if err != nil {
		return Amount{}, err
	}
	neg, intPart, frac, err := split(s)
	if err != nil {
		return Amount{}, err
	}
	if len(frac) > c.Exponent {
		return Amount{}, cashless.Errorf(TooManyDecimals, "amount %s has %s but %s allows %s", quote(s), places(len(frac)), c.Code, maxPlaces(c.Exponent))
	}
	// Accumulate the value negated, in [MinInt64, 0], so that MinInt64 itself
	// can be represented; flip the sign at the end for positive amounts.
	var v int64
	push := func(d int64) bool {
		if v < (math.MinInt64+d)/10 {
			return false
		}
		v = v*10 - d
		return true
	}
	digits := intPart + frac + strings.Repeat("0", c.Exponent-len(frac))
	for i := 0; i < len(digits); i++ {
		if !push(int64(digits[i] - '0')) {
			return Amount{}, tooLarge(s, c.Code)
		}
	}
	if !neg {
		if v == math.MinInt64 {
			return Amount{}, tooLarge(s, c.Code)
		}
		v = -v
	}
	return Amount{Minor: v, Currency: c.Code}, nil
}

// split checks the syntax of s and returns its sign, its integer digits and
// its fraction digits (empty when s has no '.').
func split(s string) (neg bool, intPart, frac string, err error) {
	if s == "" {
		return false, "", "", cashless.Errorf(InvalidAmount, "amount is empty: want a decimal number such as \"12.34\"")
	}
	rest := s
	if rest[0] == '-' {
		neg, rest = true, rest[1:]
	}
	intPart, frac, hasPoint := strings.Cut(rest, ".")
	switch {
	case intPart == "":
		return false, "", "", invalid(s, "want at least one digit before the decimal point")
	case !allDigits(intPart) || !allDigits(frac):
		return false, "", "", invalid(s, "want only digits, an optional leading '-' and at most one '.'")
	case hasPoint && frac == "":
		return false, "", "", invalid(s, "want at least one digit after the decimal point")
	}
	return neg, intPart, frac, nil
}

// allDigits reports whether s consists of ASCII digits only; it is true for
// the empty string.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// invalid returns the InvalidAmount error for s with the reason it is
// malformed.
func invalid(s, reason string) error {
	return cashless.Errorf(InvalidAmount, "amount %s is not a plain decimal number: %s", quote(s), reason)
}

// places returns "1 decimal place" or "n decimal places".
func places(n int) string {
	if n == 1 {
		return "1 decimal place"
	}
	return strconv.Itoa(n) + " decimal places"
}

// maxPlaces describes how many decimal places an exponent allows.
func maxPlaces(exp int) string {
	if exp == 0 {
		return "none"
	}
	return "at most " + places(exp)
}

// tooLarge returns the AmountOverflow error for s in currency code.
func tooLarge(s, code string) error {
	return cashless.Errorf(AmountOverflow, "amount %s is too large: %s amounts must be between %s and %s",
		quote(s), code, format(math.MinInt64, code), format(math.MaxInt64, code))
}

// String returns a as the decimal number of major units Parse reads back:
// exactly the currency's exponent of fraction digits, a leading '-' for
// negative amounts and nothing else. Amount{1234, "HKD"} is "12.34",
// Amount{-5, "HKD"} is "-0.05", Amount{7, "JPY"} is "7" and Amount{1, "KWD"}
// is "0.001". An amount whose currency is unknown, which New and Parse never
// return, is written as its plain count of minor units.
func (a Amount) String() string { return format(a.Minor, a.Currency) }

// format writes minor units of currency code as a decimal string.
func format(minor int64, code string) string {
	exp, _ := exponent(code) // 0 for an unknown currency: plain minor units
	// The magnitude as uint64 is exact even for MinInt64, whose negation
	// does not fit in an int64.
	mag := uint64(minor)
	if minor < 0 {
		mag = -mag
	}
	digits := strconv.FormatUint(mag, 10)
	if exp > 0 {
		if len(digits) <= exp {
			digits = strings.Repeat("0", exp+1-len(digits)) + digits
		}
		digits = digits[:len(digits)-exp] + "." + digits[len(digits)-exp:]
	}
	if minor < 0 {
		return "-" + digits
	}
	return digits
}
