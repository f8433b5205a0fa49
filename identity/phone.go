package identity

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// DefaultPhoneRegion is the region whose national numbers are understood
// when Options.PhoneRegion is empty: Hong Kong, where "9123 4567" means
// +852 9123 4567.
const DefaultPhoneRegion = "HK"

// maxPhoneBytes bounds phone input before it is parsed. E.164 has at most
// 15 digits; the rest leaves room for spaces, dashes and brackets.
const maxPhoneBytes = 40

// NormalizePhone parses a phone number, in international form ("+852 9123
// 4567") or in the national form of region ("9123 4567" with "HK"), and
// returns it in E.164 ("+85291234567"), the one form that is stored and
// blind-indexed. Only numbers that libphonenumber's metadata calls valid
// mobile numbers are accepted (type MOBILE, or FIXED_LINE_OR_MOBILE where
// a region's plan does not tell the two apart, as in the US): the number
// must be able to receive the code that confirms it. Digits, spaces,
// dashes, dots and brackets are allowed, with one "+" before the digits;
// letters (vanity numbers, extensions) are not.
func NormalizePhone(s, region string) (string, error) {
	bad := invalid(EInvalidPhone, "phone", "The phone number is not a valid mobile number.")
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxPhoneBytes {
		return "", bad
	}
	digits, plus := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' && digits == 0 && plus == 0:
			plus++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return "", bad
		}
	}
	num, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsValidNumber(num) || num.GetExtension() != "" {
		return "", bad
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
		return phonenumbers.Format(num, phonenumbers.E164), nil
	}
	return "", bad
}

// knownRegion reports whether libphonenumber has a numbering plan for the
// upper-case ISO 3166-1 region code.
func knownRegion(region string) bool {
	return phonenumbers.GetSupportedRegions()[region]
}
