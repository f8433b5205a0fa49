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
	for in, want := range map[string]string{"ada": "ada", "Ada.L_1": "ada.l_1", "a" + strings.Repeat("9", 29): "a" + strings.Repeat("9", 29)} {
		got, err := NormalizeUsername(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got)
	}
	for _, in := range []string{"", "ab", "_ada", ".ada", "9ada", "ada lovelace", "adä", "a" + strings.Repeat("b", 30)} {
		_, err := NormalizeUsername(in)
		require.Equal(t, EInvalidUsername, cashless.ErrorCode(err), in)
	}
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
		if got.name != name || !utf8.ValidString(got.name) {
			t.Fatalf("name changed")
		}
	})
}
