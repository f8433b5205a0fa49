package identity

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	cashless "github.com/cashless-dev/cashless"
)

// Input limits.
const (
	maxEmailLen       = 254
	maxNameRunes      = 100
	minPasswordRunes  = 10
	maxPasswordBytes  = 1024
	minUsernameLen    = 3
	maxUsernameLen    = 30
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

// NormalizeUsername checks a username (3 to 30 of a-z, 0-9, "_" and ".",
// starting with a letter) and returns it lower-cased.
func NormalizeUsername(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	ok := len(s) >= minUsernameLen && len(s) <= maxUsernameLen && s[0] >= 'a' && s[0] <= 'z'
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.'
	}
	if !ok {
		return "", invalid(EInvalidUsername, "username", "The username must be 3 to 30 letters, digits, '_' or '.', starting with a letter.")
	}
	return s, nil
}

// checkName accepts 1 to 100 characters of valid UTF-8, kept exactly as
// given (any script, emoji included), but not only spaces and without
// control characters.
func checkName(s string) error {
	if !utf8.ValidString(s) || strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > maxNameRunes ||
		strings.ContainsFunc(s, unicode.IsControl) {
		return invalid(EInvalidName, "name", "The name must be 1 to 100 characters.")
	}
	return nil
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
	if err = checkName(in.Name); err != nil {
		return f, err
	}
	f.name = in.Name
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
