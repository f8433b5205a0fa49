package identity

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
)

func TestNormalizeHKID(t *testing.T) {
	t.Parallel()
	// Check digits worked out by hand: the weighted sum (9..2 over the
	// padded prefix and digits) plus the check digit is a multiple of 11.
	valid := map[string]string{
		"A123456(3)":   "A123456(3)", // 36·9 + 10·8 + 77 = 481 ≡ 8, check 3
		"a1234563":     "A123456(3)",
		" A123456 (3)": "A123456(3)",
		"AB987654(3)":  "AB987654(3)", // 90 + 88 + 193 = 371 ≡ 8, check 3
		"C668668(9)":   "C668668(9)",  // 324 + 96 + 176 = 596 ≡ 2, check 9
		"G123456(A)":   "G123456(A)",  // 324 + 128 + 77 = 529 ≡ 1, check A
		"g123456a":     "G123456(A)",
		"L555555(0)":   "L555555(0)", // 324 + 168 + 135 = 627 ≡ 0, check 0
	}
	for in, want := range valid {
		got, ok := NormalizeHKID(in)
		require.True(t, ok, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{
		"", "A123456(4)", "A123456(A)", "G123456(0)", "L555555(A)", "A12345(3)", "ABC123456(3)",
		"A1234567(3)", "1123456(3)", "A123456(3", "A123456)3(", "A123456(33)", "A12345X(3)", "(3)", "A123456()",
	} {
		_, ok := NormalizeHKID(in)
		require.False(t, ok, in)
	}
}

// TestNormalizeHKIDAgainstFormula checks random numbers against the
// check digit computed another way: 11 minus the weighted sum modulo 11.
func TestNormalizeHKIDAgainstFormula(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		prefix := string(rune('A' + r.IntN(26)))
		first := 36
		if r.IntN(2) == 0 {
			first = int(prefix[0]-'A') + 10
			prefix += string(rune('A' + r.IntN(26)))
		}
		second := int(prefix[len(prefix)-1]-'A') + 10
		digits := fmt.Sprintf("%06d", r.IntN(1_000_000))
		sum := first*9 + second*8
		for i, d := range digits {
			sum += int(d-'0') * (7 - i)
		}
		check := (11 - sum%11) % 11
		want := fmt.Sprint(check)
		if check == 10 {
			want = "A"
		}
		for c := range "0123456789A" {
			digit := string("0123456789A"[c])
			_, ok := NormalizeHKID(prefix + digits + "(" + digit + ")")
			require.Equal(t, digit == want, ok, "%s%s(%s)", prefix, digits, digit)
		}
	}
}

func FuzzNormalizeHKID(f *testing.F) {
	for _, s := range []string{"A123456(3)", "AB987654(3)", "g123456a", "(", ")"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := NormalizeHKID(s)
		if !ok {
			return
		}
		again, ok := NormalizeHKID(got)
		if !ok || again != got {
			t.Fatalf("NormalizeHKID(%q) = %q, not stable", s, got)
		}
	})
}

func TestNormalizeAddress(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                                    "",
		" \u3000 ":                            "",
		"1 Queen's Road Central, Hong Kong":   "1 Queen's Road Central, Hong Kong",
		"  Flat 12B,   88 Nathan Road\u00a0 ": "Flat 12B, 88 Nathan Road",
		"香港中環皇后大道中1號":                         "香港中環皇后大道中1號",
		"九龍彌敦道88號":                            "九龍彌敦道88號", // 8 characters, 14 wide
		"서울특별시 종로구 세종대로 209": "서울특별시 종로구 세종대로 209",
		"Lot 12 Sai Kung":                "Lot 12 Sai Kung",
		strings.Repeat("Ab ", 66) + "Cd": strings.Repeat("Ab ", 66) + "Cd", // 200 characters
	} {
		got, err := normalizeAddress(in)
		require.NoError(t, err, "%q", in)
		require.Equal(t, want, got, "%q", in)
	}
	for _, in := range []string{
		"x",
		"Hong Kong",                // 9 characters
		"Kowloonxxx",               // one word
		"xxxxx xxxxx",              // one letter repeated
		"ab ab ab ab",              // two different letters
		"1234567890 12",            // no letter
		"!!!!!! ??????",            // no word
		"中環",                       // 4 wide
		"12 Nathan Road\nKowloon",  // two lines
		"12 Nathan\tRoad, Kowloon", // control
		"12 Nathan Road\u202e, Kowloon",
		"12 Nathan Road\u200b Kowloon",
		"\u2800\u2800\u2800\u2800\u2800 \u2800\u2800\u2800\u2800\u2800",
		"12 Nathan Road \xff Kowloon",
		strings.Repeat("Ab ", 66) + "Cde", // 201 characters
	} {
		_, err := normalizeAddress(in)
		require.Equal(t, EInvalidAddress, cashless.ErrorCode(err), "%q", in)
		var e *cashless.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, "address", e.Param)
	}
}

func FuzzNormalizeAddress(f *testing.F) {
	for _, s := range []string{"1 Queen's Road Central", "香港中環皇后大道中1號", "x", " a  b ", "\u3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := normalizeAddress(s)
		if err != nil {
			if cashless.ErrorCode(err) != EInvalidAddress {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		if again, err := normalizeAddress(got); err != nil || again != got {
			t.Fatalf("normalizeAddress(%q) = %q, not stable", s, got)
		}
		if utf8.RuneCountInString(got) > maxAddressRunes || strings.ContainsFunc(got, invisible) || strings.TrimSpace(got) != got {
			t.Fatalf("normalizeAddress(%q) = %q", s, got)
		}
	})
}
