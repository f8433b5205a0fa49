package money_test

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/money"
)

// decimalSyntax is the grammar Parse documents, written independently of it.
var decimalSyntax = regexp.MustCompile(`^-?([0-9]+)(?:\.([0-9]+))?$`)

// FuzzParse checks Parse against an independent big.Int model and checks
// that String and Parse are exact inverses: every amount Parse returns
// formats and parses back to itself, and so does every int64 of minor units
// in every currency.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"0", "-0", "0.00", "12.34", "-0.5", "-0.05", "1000", "007", "12.3", "0.001",
		"9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "-9223372036854775809",
		"92233720368547758.07", "-92233720368547758.08",
		"92233720368547758.08", "-92233720368547758.09",
		"9223372036854775.807", "-9223372036854775.808",
		"922337203685477.5807", "-922337203685477.5808",
		"99999999999999999999999", "0000000000000000000000000001",
		"", "-", ".", ".5", "5.", "+1", "--1", " 1", "1 ", "1,000", "1_000",
		"1e3", "1.2.3", "0x1F", "NaN", "-Inf", "١٢", "１", "12.345", "7.0",
	}
	for i, s := range seeds {
		f.Add(s, int64(i), uint8(i))
	}
	f.Add("1", int64(math.MaxInt64), uint8(0))
	f.Add("1", int64(math.MinInt64), uint8(1))

	currencies := money.Currencies()
	f.Fuzz(func(t *testing.T, s string, minor int64, pick uint8) {
		c := currencies[int(pick)%len(currencies)]

		a, err := money.Parse(s, c.Code)
		if want, code := model(s, c.Exponent); code != "" {
			if got := cashless.ErrorCode(err); got != code {
				t.Fatalf("Parse(%q, %s) error code = %q (%v), want %q", s, c.Code, got, err, code)
			}
			if a != (money.Amount{}) {
				t.Fatalf("Parse(%q, %s) = %+v with an error, want the zero Amount", s, c.Code, a)
			}
		} else {
			if err != nil {
				t.Fatalf("Parse(%q, %s) error %v, want %d", s, c.Code, err, want)
			}
			if a != (money.Amount{Minor: want, Currency: c.Code}) {
				t.Fatalf("Parse(%q, %s) = %+v, want %d minor units", s, c.Code, a, want)
			}
			roundTrip(t, a)
		}

		roundTrip(t, money.Amount{Minor: minor, Currency: c.Code})
	})
}

// roundTrip fails t unless a formats and parses back to itself, with exactly
// the currency's exponent of fraction digits.
func roundTrip(t *testing.T, a money.Amount) {
	t.Helper()
	s := a.String()
	b, err := money.Parse(s, a.Currency)
	if err != nil || b != a {
		t.Fatalf("Parse(%q) of %+v = %+v, %v", s, a, b, err)
	}
	c, _ := money.LookupCurrency(a.Currency)
	_, frac, _ := strings.Cut(s, ".")
	if len(frac) != c.Exponent {
		t.Fatalf("String of %+v = %q, want %d fraction digits", a, s, c.Exponent)
	}
}

// model is what Parse should do with s for a currency with exponent exp,
// computed with arbitrary precision: the minor units, or the error code.
func model(s string, exp int) (int64, string) {
	m := decimalSyntax.FindStringSubmatch(s)
	if m == nil {
		return 0, money.InvalidAmount
	}
	intPart, frac := m[1], m[2]
	if len(frac) > exp {
		return 0, money.TooManyDecimals
	}
	v, ok := new(big.Int).SetString(intPart+frac+strings.Repeat("0", exp-len(frac)), 10)
	if !ok {
		panic("regexp admitted a non-number: " + strconv.Quote(s))
	}
	if strings.HasPrefix(s, "-") {
		v.Neg(v)
	}
	if !v.IsInt64() {
		return 0, money.AmountOverflow
	}
	return v.Int64(), ""
}
