package money

import (
	"math"

	"github.com/cashless-dev/cashless"
)

// MaxSplitParts is the largest number of parts Split accepts. It keeps a
// caller-supplied part count from allocating without bound.
const MaxSplitParts = 10_000

// Amount is an amount of money: a signed count of the minor unit of an ISO
// 4217 currency (cents for HKD, yen for JPY). The zero Amount has no currency;
// use New or Parse to build a valid one.
type Amount struct {
	// Minor is the amount in minor units: 1234 HKD minor units are HK$12.34.
	Minor int64
	// Currency is the upper-case ISO 4217 alphabetic code.
	Currency string
}

// New returns the amount of minor units of currency. An unknown currency is
// an error with code UnknownCurrency.
func New(minor int64, currency string) (Amount, error) {
	if _, err := LookupCurrency(currency); err != nil {
		return Amount{}, err
	}
	return Amount{Minor: minor, Currency: currency}, nil
}

// IsZero reports whether a is zero minor units.
func (a Amount) IsZero() bool { return a.Minor == 0 }

// IsPositive reports whether a is more than zero.
func (a Amount) IsPositive() bool { return a.Minor > 0 }

// IsNegative reports whether a is less than zero.
func (a Amount) IsNegative() bool { return a.Minor < 0 }

// Add returns a + b. Amounts of different currencies are an error with code
// CurrencyMismatch; a sum outside int64 is an error with code AmountOverflow.
func (a Amount) Add(b Amount) (Amount, error) {
	if err := a.sameCurrency(b); err != nil {
		return Amount{}, err
	}
	m, err := AddInt64(a.Minor, b.Minor)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Minor: m, Currency: a.Currency}, nil
}

// Sub returns a - b. Amounts of different currencies are an error with code
// CurrencyMismatch; a difference outside int64 is an error with code
// AmountOverflow.
func (a Amount) Sub(b Amount) (Amount, error) {
	if err := a.sameCurrency(b); err != nil {
		return Amount{}, err
	}
	m, err := SubInt64(a.Minor, b.Minor)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Minor: m, Currency: a.Currency}, nil
}

// Neg returns -a. The one amount without a negation, math.MinInt64 minor
// units, is an error with code AmountOverflow.
func (a Amount) Neg() (Amount, error) {
	if a.Minor == math.MinInt64 {
		return Amount{}, overflow("negation")
	}
	return Amount{Minor: -a.Minor, Currency: a.Currency}, nil
}

// MulInt returns a multiplied by n. A product outside int64 is an error with
// code AmountOverflow.
func (a Amount) MulInt(n int64) (Amount, error) {
	m, err := MulInt64(a.Minor, n)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Minor: m, Currency: a.Currency}, nil
}

// Split divides a into n parts of the same currency that sum exactly to a.
// Every part gets a/n minor units, truncated toward zero, and the first part
// also gets the whole remainder: splitting HK$10.00 three ways gives 3.34,
// 3.33 and 3.33 (the first payer covers the odd cent), and splitting -0.05
// two ways gives -0.03 and -0.02. n outside 1..MaxSplitParts is an error with
// code cashless.EInvalid.
func (a Amount) Split(n int) ([]Amount, error) {
	if n < 1 || n > MaxSplitParts {
		return nil, cashless.Errorf(cashless.EInvalid, "cannot split an amount into %d parts: want 1 to %d", n, MaxSplitParts)
	}
	// q and r have the sign of a and |q|+|r| <= |a|, so q+r cannot overflow.
	q, r := a.Minor/int64(n), a.Minor%int64(n)
	parts := make([]Amount, n)
	for i := range parts {
		parts[i] = Amount{Minor: q, Currency: a.Currency}
	}
	parts[0].Minor += r
	return parts, nil
}

// sameCurrency returns a CurrencyMismatch error unless a and b share a
// currency.
func (a Amount) sameCurrency(b Amount) error {
	if a.Currency != b.Currency {
		return cashless.Errorf(CurrencyMismatch, "cannot combine amounts in %s and %s", quote(a.Currency), quote(b.Currency))
	}
	return nil
}

// AddInt64 returns a + b, or an error with code AmountOverflow if the sum
// does not fit in an int64.
func AddInt64(a, b int64) (int64, error) {
	c := a + b
	// Wrapping happened exactly when the sum moved the wrong way from a.
	if (c > a) != (b > 0) {
		return 0, overflow("addition")
	}
	return c, nil
}

// SubInt64 returns a - b, or an error with code AmountOverflow if the
// difference does not fit in an int64.
func SubInt64(a, b int64) (int64, error) {
	c := a - b
	if (c < a) != (b > 0) {
		return 0, overflow("subtraction")
	}
	return c, nil
}

// MulInt64 returns a * b, or an error with code AmountOverflow if the product
// does not fit in an int64.
func MulInt64(a, b int64) (int64, error) {
	if a == 0 || b == 0 {
		return 0, nil
	}
	c := a * b
	// MinInt64 * -1 wraps to MinInt64, and MinInt64 / -1 is MinInt64 again,
	// so the division check alone would miss that one case.
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) || c/b != a {
		return 0, overflow("multiplication")
	}
	return c, nil
}
