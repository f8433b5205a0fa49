package money_test

import (
	"math"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/money"
)

func TestLookupCurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code     string
		number   int
		exponent int
	}{
		{"HKD", 344, 2}, {"USD", 840, 2}, {"EUR", 978, 2}, {"CNY", 156, 2},
		{"GBP", 826, 2}, {"SGD", 702, 2}, {"TWD", 901, 2}, {"MOP", 446, 2},
		{"ALL", 8, 2}, {"XCG", 532, 2}, {"ZWG", 924, 2}, {"SLE", 925, 2},
		{"JPY", 392, 0}, {"KRW", 410, 0}, {"VND", 704, 0}, {"CLP", 152, 0},
		{"ISK", 352, 0}, {"UGX", 800, 0}, {"XAF", 950, 0}, {"XOF", 952, 0},
		{"XPF", 953, 0}, {"PYG", 600, 0}, {"KMF", 174, 0}, {"GNF", 324, 0},
		{"DJF", 262, 0}, {"BIF", 108, 0}, {"RWF", 646, 0}, {"VUV", 548, 0},
		{"UYI", 940, 0},
		{"BHD", 48, 3}, {"IQD", 368, 3}, {"JOD", 400, 3}, {"KWD", 414, 3},
		{"LYD", 434, 3}, {"OMR", 512, 3}, {"TND", 788, 3},
		{"CLF", 990, 4}, {"UYW", 927, 4},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			c, err := money.LookupCurrency(tt.code)
			require.NoError(t, err)
			require.Equal(t, tt.code, c.Code)
			require.Equal(t, tt.number, c.Number)
			require.Equal(t, tt.exponent, c.Exponent)
			require.NotEmpty(t, c.Name)
		})
	}
}

func TestLookupCurrencyUnknown(t *testing.T) {
	t.Parallel()
	// Metals, special codes without a minor unit, withdrawn codes, wrong case
	// and malformed codes are all unknown.
	for _, code := range []string{"XAU", "XAG", "XPT", "XPD", "XDR", "XTS", "XXX", "XSU", "XUA",
		"HRK", "ANG", "ZWL", "hkd", "Hkd", "", "HK", "HKDD", " HKD", "ABC"} {
		c, err := money.LookupCurrency(code)
		require.Equal(t, money.UnknownCurrency, cashless.ErrorCode(err), "code %q", code)
		require.Equal(t, money.Currency{}, c)
	}
}

func TestCurrencies(t *testing.T) {
	t.Parallel()
	all := money.Currencies()
	require.Len(t, all, 165)
	code := regexp.MustCompile(`^[A-Z]{3}$`)
	numbers := map[int]string{}
	for i, c := range all {
		require.Regexp(t, code, c.Code)
		if i > 0 {
			require.Less(t, all[i-1].Code, c.Code, "sorted and unique")
		}
		require.Contains(t, []int{0, 2, 3, 4}, c.Exponent, c.Code)
		require.True(t, c.Number > 0 && c.Number < 1000, c.Code)
		require.NotContains(t, numbers, c.Number, "numeric code of %s reused", c.Code)
		numbers[c.Number] = c.Code
		require.NotEmpty(t, c.Name, c.Code)
		got, err := money.LookupCurrency(c.Code)
		require.NoError(t, err)
		require.Equal(t, c, got)
	}

	// The caller owns the slice: changing it changes nothing else.
	all[0].Exponent = 9
	require.NotEqual(t, 9, money.Currencies()[0].Exponent)
}

func TestNumericCode(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]string{"ALL": "008", "BHD": "048", "HKD": "344"} {
		c, err := money.LookupCurrency(code)
		require.NoError(t, err)
		require.Equal(t, want, c.NumericCode())
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	a, err := money.New(-1234, "HKD")
	require.NoError(t, err)
	require.Equal(t, money.Amount{Minor: -1234, Currency: "HKD"}, a)

	_, err = money.New(1, "hkd")
	require.Equal(t, money.UnknownCurrency, cashless.ErrorCode(err))
	_, err = money.New(1, "")
	require.Equal(t, money.UnknownCurrency, cashless.ErrorCode(err))
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, currency string
		want         int64
	}{
		{"12.34", "HKD", 1234},
		{"-0.5", "HKD", -50},
		{"1000", "HKD", 100000},
		{"12.3", "HKD", 1230},
		{"0", "HKD", 0},
		{"-0", "HKD", 0},
		{"-0.00", "HKD", 0},
		{"007.10", "HKD", 710},
		{"0.01", "USD", 1},
		{"7", "JPY", 7},
		{"-7", "JPY", -7},
		{"0.001", "KWD", 1},
		{"1.5", "KWD", 1500},
		{"-12.345", "KWD", -12345},
		{"0.0001", "CLF", 1},
		{"92233720368547758.07", "HKD", math.MaxInt64},
		{"-92233720368547758.08", "HKD", math.MinInt64},
		{"9223372036854775807", "JPY", math.MaxInt64},
		{"-9223372036854775808", "JPY", math.MinInt64},
		{"-9223372036854775.808", "KWD", math.MinInt64},
		{"-922337203685477.5808", "CLF", math.MinInt64},
		{"000000000000000000000000000000009223372036854775807", "JPY", math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.currency+" "+tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := money.Parse(tt.in, tt.currency)
			require.NoError(t, err)
			require.Equal(t, money.Amount{Minor: tt.want, Currency: tt.currency}, got)
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, currency, code string
	}{
		{"", "HKD", money.InvalidAmount},
		{"-", "HKD", money.InvalidAmount},
		{".", "HKD", money.InvalidAmount},
		{".5", "HKD", money.InvalidAmount},
		{"-.5", "HKD", money.InvalidAmount},
		{"5.", "HKD", money.InvalidAmount},
		{"+5", "HKD", money.InvalidAmount},
		{"--5", "HKD", money.InvalidAmount},
		{"-+5", "HKD", money.InvalidAmount},
		{" 5", "HKD", money.InvalidAmount},
		{"5 ", "HKD", money.InvalidAmount},
		{"1,000", "HKD", money.InvalidAmount},
		{"1_000", "HKD", money.InvalidAmount},
		{"1e3", "HKD", money.InvalidAmount},
		{"1.2.3", "HKD", money.InvalidAmount},
		{"0x10", "HKD", money.InvalidAmount},
		{"NaN", "HKD", money.InvalidAmount},
		{"Inf", "HKD", money.InvalidAmount},
		{"١٢", "HKD", money.InvalidAmount}, // Arabic-Indic digits
		{"１２", "HKD", money.InvalidAmount}, // full-width digits
		{"12.345", "HKD", money.TooManyDecimals},
		{"12.340", "HKD", money.TooManyDecimals},
		{"7.0", "JPY", money.TooManyDecimals},
		{"7.5", "JPY", money.TooManyDecimals},
		{"0.0001", "KWD", money.TooManyDecimals},
		{"92233720368547758.08", "HKD", money.AmountOverflow},
		{"-92233720368547758.09", "HKD", money.AmountOverflow},
		{"9223372036854775808", "JPY", money.AmountOverflow},
		{"-9223372036854775809", "JPY", money.AmountOverflow},
		{"92233720368547758", "KWD", money.AmountOverflow},
		{"99999999999999999999999999999999", "HKD", money.AmountOverflow},
		{"1", "XXX", money.UnknownCurrency},
		{"1", "hkd", money.UnknownCurrency},
		{"garbage", "", money.UnknownCurrency},
	}
	for _, tt := range tests {
		t.Run(tt.currency+" "+tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := money.Parse(tt.in, tt.currency)
			require.Equal(t, tt.code, cashless.ErrorCode(err))
			require.Equal(t, money.Amount{}, got)
		})
	}
}

func TestParseErrorMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, currency, want string
	}{
		{"", "HKD", `amount is empty: want a decimal number such as "12.34"`},
		{".5", "HKD", `amount ".5" is not a plain decimal number: want at least one digit before the decimal point`},
		{"5.", "HKD", `amount "5." is not a plain decimal number: want at least one digit after the decimal point`},
		{"1,000", "HKD", `amount "1,000" is not a plain decimal number: want only digits, an optional leading '-' and at most one '.'`},
		{"12.345", "HKD", `amount "12.345" has 3 decimal places but HKD allows at most 2 decimal places`},
		{"7.0", "JPY", `amount "7.0" has 1 decimal place but JPY allows none`},
		{"0.0001", "KWD", `amount "0.0001" has 4 decimal places but KWD allows at most 3 decimal places`},
		{"9223372036854775808", "JPY", `amount "9223372036854775808" is too large: JPY amounts must be between -9223372036854775808 and 9223372036854775807`},
		{"1", "hkd", `unknown currency "hkd": want an upper-case ISO 4217 code such as "HKD"`},
		{"1\x00", "HKD", `amount "1\x00" is not a plain decimal number: want only digits, an optional leading '-' and at most one '.'`},
		{"123456789012345678901234567890123456789012345", "HKD", `amount "1234567890123456789012345678901234567890"... is too large: HKD amounts must be between -92233720368547758.08 and 92233720368547758.07`},
	}
	for _, tt := range tests {
		_, err := money.Parse(tt.in, tt.currency)
		require.Equal(t, tt.want, cashless.ErrorMessage(err))
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a    money.Amount
		want string
	}{
		{money.Amount{Minor: 1234, Currency: "HKD"}, "12.34"},
		{money.Amount{Minor: -5, Currency: "HKD"}, "-0.05"},
		{money.Amount{Minor: -50, Currency: "HKD"}, "-0.50"},
		{money.Amount{Minor: 0, Currency: "HKD"}, "0.00"},
		{money.Amount{Minor: 100, Currency: "HKD"}, "1.00"},
		{money.Amount{Minor: -123456, Currency: "HKD"}, "-1234.56"},
		{money.Amount{Minor: 7, Currency: "JPY"}, "7"},
		{money.Amount{Minor: -7, Currency: "JPY"}, "-7"},
		{money.Amount{Minor: 0, Currency: "JPY"}, "0"},
		{money.Amount{Minor: 1, Currency: "KWD"}, "0.001"},
		{money.Amount{Minor: -1000, Currency: "KWD"}, "-1.000"},
		{money.Amount{Minor: 1, Currency: "CLF"}, "0.0001"},
		{money.Amount{Minor: math.MaxInt64, Currency: "HKD"}, "92233720368547758.07"},
		{money.Amount{Minor: math.MinInt64, Currency: "HKD"}, "-92233720368547758.08"},
		{money.Amount{Minor: math.MinInt64, Currency: "JPY"}, "-9223372036854775808"},
		{money.Amount{Minor: math.MinInt64, Currency: "KWD"}, "-9223372036854775.808"},
		// An unknown currency prints the plain minor units.
		{money.Amount{Minor: -1234, Currency: "???"}, "-1234"},
		{money.Amount{}, "0"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.a.String())
	}
}

func TestPredicates(t *testing.T) {
	t.Parallel()
	neg, zero, pos := money.Amount{Minor: -1, Currency: "HKD"}, money.Amount{Currency: "HKD"}, money.Amount{Minor: 1, Currency: "HKD"}
	require.Equal(t, []bool{false, true, false}, []bool{neg.IsZero(), zero.IsZero(), pos.IsZero()})
	require.Equal(t, []bool{false, false, true}, []bool{neg.IsPositive(), zero.IsPositive(), pos.IsPositive()})
	require.Equal(t, []bool{true, false, false}, []bool{neg.IsNegative(), zero.IsNegative(), pos.IsNegative()})
}

func TestAddSub(t *testing.T) {
	t.Parallel()
	hkd := func(m int64) money.Amount { return money.Amount{Minor: m, Currency: "HKD"} }
	tests := []struct {
		a, b           money.Amount
		sum, diff      int64
		sumErr, subErr string
	}{
		{a: hkd(1234), b: hkd(66), sum: 1300, diff: 1168},
		{a: hkd(-5), b: hkd(5), sum: 0, diff: -10},
		{a: hkd(math.MaxInt64), b: hkd(-1), sum: math.MaxInt64 - 1, diff: 0, subErr: money.AmountOverflow},
		{a: hkd(math.MaxInt64), b: hkd(1), sumErr: money.AmountOverflow, diff: math.MaxInt64 - 1},
		{a: hkd(math.MinInt64), b: hkd(-1), sumErr: money.AmountOverflow, diff: math.MinInt64 + 1},
		{a: hkd(math.MinInt64), b: hkd(1), sum: math.MinInt64 + 1, subErr: money.AmountOverflow},
		{a: hkd(0), b: hkd(math.MinInt64), sum: math.MinInt64, subErr: money.AmountOverflow},
		{a: hkd(-1), b: hkd(math.MinInt64), sumErr: money.AmountOverflow, diff: math.MaxInt64},
		{a: hkd(1), b: money.Amount{Minor: 1, Currency: "USD"}, sumErr: money.CurrencyMismatch, subErr: money.CurrencyMismatch},
		{a: hkd(math.MaxInt64), b: money.Amount{Minor: 1, Currency: "USD"}, sumErr: money.CurrencyMismatch, subErr: money.CurrencyMismatch},
	}
	for _, tt := range tests {
		sum, err := tt.a.Add(tt.b)
		require.Equal(t, tt.sumErr, cashless.ErrorCode(err), "%v + %v", tt.a, tt.b)
		if tt.sumErr == "" {
			require.Equal(t, hkd(tt.sum), sum)
		} else {
			require.Equal(t, money.Amount{}, sum)
		}
		diff, err := tt.a.Sub(tt.b)
		require.Equal(t, tt.subErr, cashless.ErrorCode(err), "%v - %v", tt.a, tt.b)
		if tt.subErr == "" {
			require.Equal(t, hkd(tt.diff), diff)
		} else {
			require.Equal(t, money.Amount{}, diff)
		}
	}
}

func TestNeg(t *testing.T) {
	t.Parallel()
	for _, m := range []int64{0, 1, -1, 1234, math.MaxInt64, math.MinInt64 + 1} {
		got, err := money.Amount{Minor: m, Currency: "JPY"}.Neg()
		require.NoError(t, err)
		require.Equal(t, money.Amount{Minor: -m, Currency: "JPY"}, got)
	}
	_, err := money.Amount{Minor: math.MinInt64, Currency: "JPY"}.Neg()
	require.Equal(t, money.AmountOverflow, cashless.ErrorCode(err))
}

func TestMulInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, n, want int64
		code       string
	}{
		{a: 1234, n: 3, want: 3702},
		{a: -5, n: 7, want: -35},
		{a: -5, n: -7, want: 35},
		{a: 0, n: math.MinInt64, want: 0},
		{a: math.MinInt64, n: 0, want: 0},
		{a: math.MinInt64, n: 1, want: math.MinInt64},
		{a: math.MaxInt64, n: -1, want: -math.MaxInt64},
		{a: math.MinInt64, n: -1, code: money.AmountOverflow},
		{a: -1, n: math.MinInt64, code: money.AmountOverflow},
		{a: math.MaxInt64, n: 2, code: money.AmountOverflow},
		{a: math.MinInt64 / 2, n: 2, want: math.MinInt64},
		{a: math.MinInt64/2 - 1, n: 2, code: money.AmountOverflow},
		{a: 3037000500, n: 3037000500, code: money.AmountOverflow},
		{a: 3037000499, n: 3037000499, want: 9223372030926249001},
	}
	for _, tt := range tests {
		got, err := money.Amount{Minor: tt.a, Currency: "KWD"}.MulInt(tt.n)
		require.Equal(t, tt.code, cashless.ErrorCode(err), "%d * %d", tt.a, tt.n)
		want := money.Amount{Minor: tt.want, Currency: "KWD"}
		if tt.code != "" {
			want = money.Amount{}
		}
		require.Equal(t, want, got, "%d * %d", tt.a, tt.n)

		// MulInt64 is the same operation on bare int64s, in both orders.
		for _, args := range [][2]int64{{tt.a, tt.n}, {tt.n, tt.a}} {
			m, err := money.MulInt64(args[0], args[1])
			require.Equal(t, tt.code, cashless.ErrorCode(err))
			require.Equal(t, want.Minor, m)
		}
	}
}

func TestInt64Helpers(t *testing.T) {
	t.Parallel()
	s, err := money.AddInt64(math.MaxInt64-1, 1)
	require.NoError(t, err)
	require.Equal(t, int64(math.MaxInt64), s)
	_, err = money.AddInt64(math.MaxInt64, math.MaxInt64)
	require.Equal(t, money.AmountOverflow, cashless.ErrorCode(err))
	_, err = money.AddInt64(math.MinInt64, math.MinInt64)
	require.Equal(t, money.AmountOverflow, cashless.ErrorCode(err))

	d, err := money.SubInt64(-1, math.MaxInt64)
	require.NoError(t, err)
	require.Equal(t, int64(math.MinInt64), d)
	_, err = money.SubInt64(-2, math.MaxInt64)
	require.Equal(t, money.AmountOverflow, cashless.ErrorCode(err))
	_, err = money.SubInt64(math.MaxInt64, math.MinInt64)
	require.Equal(t, money.AmountOverflow, cashless.ErrorCode(err))
}

func TestSplit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		minor int64
		n     int
		want  []int64
	}{
		{1000, 3, []int64{334, 333, 333}},
		{1001, 2, []int64{501, 500}},
		{2, 3, []int64{2, 0, 0}},
		{-5, 2, []int64{-3, -2}},
		{-1000, 3, []int64{-334, -333, -333}},
		{0, 4, []int64{0, 0, 0, 0}},
		{1234, 1, []int64{1234}},
		{math.MaxInt64, 2, []int64{math.MaxInt64/2 + 1, math.MaxInt64 / 2}},
		{math.MinInt64, 3, []int64{math.MinInt64/3 - 2, math.MinInt64 / 3, math.MinInt64 / 3}},
	}
	for _, tt := range tests {
		parts, err := money.Amount{Minor: tt.minor, Currency: "HKD"}.Split(tt.n)
		require.NoError(t, err)
		want := make([]money.Amount, len(tt.want))
		for i, m := range tt.want {
			want[i] = money.Amount{Minor: m, Currency: "HKD"}
		}
		require.Equal(t, want, parts)
	}
	for _, n := range []int{0, -1, money.MaxSplitParts + 1} {
		parts, err := money.Amount{Minor: 100, Currency: "HKD"}.Split(n)
		require.Equal(t, cashless.EInvalid, cashless.ErrorCode(err), "n = %d", n)
		require.Nil(t, parts)
	}
	parts, err := money.Amount{Minor: 1, Currency: "HKD"}.Split(money.MaxSplitParts)
	require.NoError(t, err)
	require.Len(t, parts, money.MaxSplitParts)
	require.Equal(t, int64(1), parts[0].Minor)
}
