package identity

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/secure/precis"

	cashless "github.com/cashless-dev/cashless"
)

// Input limits.
const (
	maxEmailLen       = 254
	maxNameRunes      = 100
	maxNameBytes      = 1024 // before enforcement, so huge input is refused unread
	minPasswordRunes  = 10
	maxPasswordBytes  = 1024
	minUsernameLen    = 3
	maxUsernameLen    = 30
	maxUsernameBytes  = 256 // before enforcement
	maxUserAgentBytes = 255
	maxIPBytes        = 100
)

// invalid returns a validation error naming the field at fault. Messages
// never repeat the value: it may be personal data or a secret.
func invalid(code, param, msg string) *cashless.Error {
	return &cashless.Error{Code: code, Message: msg, Param: param}
}

// NormalizeEmail checks a bare email address and returns it trimmed and
// lower-cased, the one form its blind index is computed from.
func NormalizeEmail(s string) (string, error) {
	bad := invalid(EInvalidEmail, "email", "The email address is not valid.")
	if !utf8.ValidString(s) {
		return "", bad
	}
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > maxEmailLen {
		return "", bad
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", bad
	}
	return s, nil
}

// NormalizeUsername checks a username and returns its one stored form.
// It applies the PRECIS UsernameCaseMapped profile (RFC 8265: width folded,
// lower-cased, NFC), so fullwidth "ＡＤＡ" is "ada", then requires 3 to 30 of
// a-z, 0-9, "_" and ".", starting with a letter. The ASCII rule is what
// keeps lookalikes from other scripts (a Cyrillic "а" for a Latin "a") out
// of the public handles people pay.
func NormalizeUsername(s string) (string, error) {
	bad := invalid(EInvalidUsername, "username", "The username must be 3 to 30 letters, digits, '_' or '.', starting with a letter.")
	if len(s) > maxUsernameBytes {
		return "", bad
	}
	s, err := precis.UsernameCaseMapped.String(strings.TrimSpace(s))
	ok := err == nil && len(s) >= minUsernameLen && len(s) <= maxUsernameLen && s[0] >= 'a' && s[0] <= 'z'
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.'
	}
	if !ok {
		return "", bad
	}
	return s, nil
}

// NormalizeName checks a display name and returns the form to store and
// show: the PRECIS Nickname profile (RFC 8266) applied, which makes every
// space an ASCII space, trims and collapses them, and applies NFKC (so
// fullwidth and other compatibility forms become plain ones). Any script
// and emoji are welcome; what could make one name pass for another is not:
// control and format characters (Unicode Cc and Cf: direction overrides and
// isolates, zero-width spaces and joiners, the byte order mark) and the
// blank U+2800 are refused with their own message, and PRECIS refuses the
// other invisible (default-ignorable) and unassigned characters. Emoji
// presentation selectors (U+FE0E, U+FE0F) are dropped first, so "❤️" from a
// phone keyboard is accepted as "❤". The result has 1 to 100 characters.
func NormalizeName(s string) (string, error) {
	length := invalid(EInvalidName, "name", "The name must be 1 to 100 characters.")
	if !utf8.ValidString(s) || len(s) > maxNameBytes {
		return "", length
	}
	if strings.ContainsFunc(s, invisible) {
		return "", invalid(EInvalidName, "name",
			"The name must not contain control or invisible characters, such as direction overrides or zero-width spaces.")
	}
	s = strings.Map(dropPresentationSelector, s)
	if strings.TrimFunc(s, unicode.IsSpace) == "" {
		return "", length
	}
	out, err := precis.Nickname.String(s)
	if err != nil {
		return "", invalid(EInvalidName, "name", "The name contains a character that is not allowed (invisible or unassigned).")
	}
	if utf8.RuneCountInString(out) > maxNameRunes {
		return "", length
	}
	return out, nil
}

// invisible reports a rune that changes how the text around it shows, or
// shows nothing, and so can disguise a name or an address: Unicode Cc
// (controls) and Cf (bidi controls U+202A–U+202E, U+2066–U+2069, U+200E,
// U+200F, zero-width U+200B–U+200D, U+2060, U+FEFF, the soft hyphen, tags
// …), and the braille blank U+2800, a symbol that draws nothing.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf) || r == '\u2800'
}

// dropPresentationSelector removes the variation selectors that only ask
// for text or emoji presentation of the character before them.
func dropPresentationSelector(r rune) rune {
	if r == '\uFE0E' || r == '\uFE0F' {
		return -1
	}
	return r
}

// checkPassword accepts at least 10 characters and at most 1024 bytes.
func checkPassword(s string) error {
	if utf8.RuneCountInString(s) < minPasswordRunes || len(s) > maxPasswordBytes {
		return invalid(EWeakPassword, "password", "The password must be at least 10 characters (and at most 1024 bytes).")
	}
	return nil
}

// signupFields is a validated, normalized signup.
type signupFields struct {
	phone, email, name, username string
}

func validateSignup(in SignupInput, region string) (signupFields, error) {
	var f signupFields
	var err error
	if f.phone, err = NormalizePhone(in.Phone, region); err != nil {
		return f, err
	}
	if in.Email != "" {
		if f.email, err = NormalizeEmail(in.Email); err != nil {
			return f, err
		}
	}
	if f.name, err = NormalizeName(in.Name); err != nil {
		return f, err
	}
	if in.Username != "" {
		if f.username, err = NormalizeUsername(in.Username); err != nil {
			return f, err
		}
	}
	return f, checkPassword(in.Password)
}

// truncateUTF8 makes s valid UTF-8 and cuts it to at most n bytes without
// splitting a character.
func truncateUTF8(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
