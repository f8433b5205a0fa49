package identity

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	cashless "github.com/cashless-dev/cashless"
)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ada@example.com":           "ada@example.com",
		" Ada.Lovelace@Example.COM": "ada.lovelace@example.com",
		"a+tag@b.hk":                "a+tag@b.hk",
	} {
		got, err := NormalizeEmail(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got)
	}
	for _, in := range []string{"", "ada", "ada@", "@example.com", "Ada <ada@example.com>", "ada@example.com, bob@example.com",
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 190) + ".com", "ad\xffa@example.com"} {
		_, err := NormalizeEmail(in)
		require.Equal(t, EInvalidEmail, cashless.ErrorCode(err), in)
	}
}

func TestNormalizeUsername(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ada":                         "ada",
		"Ada.L_1":                     "ada.l_1",
		"a" + strings.Repeat("9", 29): "a" + strings.Repeat("9", 29),
		"ＡＤＡ":                         "ada", // fullwidth
		" Ａｄａ＿１\u3000":                "ada_1",
	} {
		got, err := NormalizeUsername(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got)
	}
	for _, in := range []string{"", "ab", "_ada", ".ada", "9ada", "ada lovelace", "adä", "a" + strings.Repeat("b", 30),
		"\u0430da",   // Cyrillic а, a lookalike of Latin a
		"ada\u200b",  // zero-width space
		"\u202eada",  // right-to-left override
		"ａｄ",         // two characters once folded
		"ＡＤＡ\uFF0D１", // fullwidth hyphen-minus folds to "-"
		strings.Repeat("ａ", 100),
	} {
		_, err := NormalizeUsername(in)
		require.Equal(t, EInvalidUsername, cashless.ErrorCode(err), "%q", in)
	}
}

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Ada 🚀":                  "Ada 🚀",
		"陳大文":                    "陳大文",
		"مريم العتيبي":           "مريم العتيبي",
		"Zoe\u0301":              "Zo\u00e9", // NFKC composes
		"  Chan   Tai\u3000Man ": "Chan Tai Man",
		"Ａｄａ\u3000Ｌｏｖｅｌａｃｅ":      "Ada Lovelace", // width and spaces
		"Ada\u00a0 Lovelace ":    "Ada Lovelace",
		"Ada ❤\uFE0F":            "Ada ❤", // presentation selector dropped
		"👍🏽 🇭🇰":                  "👍🏽 🇭🇰", // skin tone modifier and flag
		"ﬁ Ⅻ":                    "fi XII",
		strings.Repeat("文", 100): strings.Repeat("文", 100),
	} {
		got, err := NormalizeName(in)
		require.NoError(t, err, "%q", in)
		require.Equal(t, want, got, "%q", in)
	}
	// Control and invisible characters have their own message.
	hidden := []rune{0, '\t', '\n', 0x7f, 0x85, 0xad, 0x061c, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f,
		0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0x2800, 0xfeff, 0xe0001}
	for _, r := range hidden {
		_, err := NormalizeName("Ada" + string(r) + "Lovelace")
		e := requireInvalidName(t, err, "%U", r)
		require.Contains(t, e.Message, "invisible", "%U", r)
	}
	_, err := NormalizeName("👨\u200d👩\u200d👧")
	requireInvalidName(t, err, "emoji joined with ZWJ")

	for _, in := range []string{
		"", "   ", "\u3000", "\uFE0F", // nothing left
		"Ad\xffa",                  // not UTF-8
		"Ada\u3164x", "Ada\u034fx", // default-ignorable: Hangul filler, combining grapheme joiner
		"\u0378", "\ue000", // unassigned, private use
		strings.Repeat("文", 101),
		strings.Repeat("\ufdfa", 10), // 10 characters that NFKC makes 180
		strings.Repeat(" ", 2000) + "Ada",
	} {
		_, err := NormalizeName(in)
		requireInvalidName(t, err, "%q", in)
	}
}

func requireInvalidName(t *testing.T, err error, msgAndArgs ...any) *cashless.Error {
	t.Helper()
	require.Equal(t, EInvalidName, cashless.ErrorCode(err), msgAndArgs...)
	var e *cashless.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "name", e.Param)
	return e
}

func TestTruncateUTF8(t *testing.T) {
	t.Parallel()
	require.Equal(t, "abc", truncateUTF8("abc", 5))
	require.Equal(t, "ab", truncateUTF8("ab文", 4), "a character is never split")
	require.Equal(t, "a\uFFFDb", truncateUTF8("a\xffb", 10))
	s := truncateUTF8(strings.Repeat("😀", 100), 255)
	require.True(t, utf8.ValidString(s))
	require.Len(t, s, 252)
}

func FuzzValidateSignup(f *testing.F) {
	f.Add("+85291234567", "a@b.hk", "Ada", "ada", "password123")
	f.Fuzz(func(t *testing.T, phone, email, name, username, pw string) {
		got, err := validateSignup(SignupInput{Phone: phone, Email: email, Name: name, Username: username, Password: pw}, DefaultPhoneRegion)
		if err != nil {
			if cashless.ErrorCode(err) == cashless.EInternal {
				t.Fatalf("uncoded error %v", err)
			}
			return
		}
		if again, err := NormalizePhone(got.phone, "US"); err != nil || again != got.phone {
			t.Fatalf("phone %q not stable", got.phone)
		}
		if again, err := NormalizeName(got.name); err != nil || again != got.name {
			t.Fatalf("name %q not stable: %q, %v", got.name, again, err)
		}
		if n := utf8.RuneCountInString(got.name); n == 0 || n > maxNameRunes || strings.ContainsFunc(got.name, invisible) {
			t.Fatalf("name %q not refused", got.name)
		}
	})
}
