package identity

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
)

// KYC verification outcomes (KYCVerification.Status).
const (
	KYCApproved = "approved"
	KYCRejected = "rejected"
)

// Reasons of a rejected verification (KYCVerification.Reason).
const (
	// KYCReasonIDNumber: the ID number is not a Hong Kong identity card
	// number with a valid check digit.
	KYCReasonIDNumber = "invalid_id_number"
	// KYCReasonAddress: tier 2 was asked for without an address.
	KYCReasonAddress = "address_required"
)

// Error codes of KYC verification, beside the shared ones of identity.go.
const (
	// EInvalidAddress: an address that is not a plausible residential
	// address (see normalizeAddress).
	EInvalidAddress = "invalid_address"
	// EDocumentAlreadyUsed: the identity document already verified another
	// user; one document verifies one person.
	EDocumentAlreadyUsed = "document_already_used"
	// EDocumentMismatch: the user was verified with another identity
	// document; one person has one document.
	EDocumentMismatch = "document_mismatch"
)

// documentIndexKind is the blind-index kind of an identity document's
// keyed hash: the HMAC of its normalized number under the vault's index key.
const documentIndexKind = "hkid"

// Limits of a KYC request.
const (
	maxIDNumberLen     = 32
	minAddressWidth    = 10 // a wide (CJK) character counts twice
	maxAddressRunes    = 200
	minAddressDistinct = 3 // different letters or digits
)

// VerifyKYC implements Service with a simulated verification: tier 1
// needs a Hong Kong identity card number whose check digit is valid, tier
// 2 also a residential address. Every verification is recorded with the ID
// number and address sealed. A refusal of the documents is not an error: it
// returns the verification with Status KYCRejected and a Reason, and the
// tier stays. Errors are for requests that cannot be verified at all:
// EInvalidTier for a tier other than 1 or 2 or not above the user's,
// cashless.EInvalid for a missing or oversized ID number, EInvalidAddress
// for an implausible address; and for a document that may not verify this
// user: EDocumentAlreadyUsed when it verified another user,
// EDocumentMismatch when this user was verified with another one. Those
// two are recorded as rejected verifications and left for review.
func (s *Identity) VerifyKYC(ctx context.Context, userID string, in KYCInput) (*KYCVerification, error) {
	rec, err := s.store.User(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("verify KYC: %w", err)
	}
	if in.Tier != 1 && in.Tier != 2 || in.Tier <= rec.KYCTier {
		return nil, &cashless.Error{Code: EInvalidTier, Param: "tier", Message: "The tier must be 1 or 2 and above the current one."}
	}
	if strings.TrimSpace(in.IDNumber) == "" || len(in.IDNumber) > maxIDNumberLen {
		return nil, &cashless.Error{Code: cashless.EInvalid, Param: "id_number", Message: "An identity card number is required."}
	}
	address, err := normalizeAddress(in.Address)
	if err != nil {
		return nil, err
	}
	k := &KYCRecord{
		ID:      id.New(id.KYCVerification),
		UserID:  userID,
		Tier:    in.Tier,
		Status:  KYCApproved,
		Created: s.now(),
	}
	idNumber, valid := NormalizeHKID(in.IDNumber)
	switch {
	case !valid:
		idNumber = in.IDNumber // kept as given, sealed, for review
		k.Status, k.Reason = KYCRejected, KYCReasonIDNumber
	case in.Tier == 2 && address == "":
		k.Status, k.Reason = KYCRejected, KYCReasonAddress
	}
	if k.IDNumberSealed, err = s.seal(ctx, k.ID, "id_number", idNumber); err != nil {
		return nil, err
	}
	if address != "" {
		if k.AddressSealed, err = s.seal(ctx, k.ID, "address", address); err != nil {
			return nil, err
		}
	}
	if k.Status == KYCApproved {
		err = s.store.ApproveKYC(ctx, k, s.vault.BlindIndex(documentIndexKind, idNumber))
	} else {
		err = s.store.RecordKYC(ctx, k)
	}
	if err != nil {
		return nil, fmt.Errorf("verify KYC: %w", err)
	}
	return &KYCVerification{ID: k.ID, UserID: userID, Tier: k.Tier, Status: k.Status, Reason: k.Reason, Created: k.Created}, nil
}

// normalizeAddress checks that a residential address is plausible and
// returns it trimmed, each run of spaces made one space; a blank address is
// "" and no error (the caller decides whether one is needed). A plausible
// address is one line of at most 200 characters without control or
// invisible characters, at least 10 wide, where a Chinese, Japanese or
// Korean character counts twice (these scripts say in one character what
// others say in several); it has at least two words, at least one letter,
// and at least three different letters or digits, which refuses "x",
// "xxxxxxxxxx" and "1234567890". A word is a run of letters and digits, and
// each Han, Hiragana or Katakana character is a word of its own, since those
// scripts put no spaces between words.
func normalizeAddress(s string) (string, error) {
	bad := &cashless.Error{Code: EInvalidAddress, Param: "address",
		Message: "The address must be one line of 10 to 200 characters, with at least two words and some letters."}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, invisible) {
		return "", bad
	}
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", nil
	}
	if utf8.RuneCountInString(s) > maxAddressRunes {
		return "", bad
	}
	width, words, letter, inWord := 0, 0, false, false
	distinct := map[rune]bool{}
	for _, r := range s {
		unspaced := unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
		width++
		if unspaced || unicode.Is(unicode.Hangul, r) {
			width++
		}
		alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		if alnum {
			distinct[unicode.ToLower(r)] = true
			letter = letter || unicode.IsLetter(r)
		}
		switch {
		case unspaced:
			words++
			inWord = false
		case alnum && !inWord:
			words++
			inWord = true
		case !alnum:
			inWord = false
		}
	}
	if width < minAddressWidth || words < 2 || !letter || len(distinct) < minAddressDistinct {
		return "", bad
	}
	return s, nil
}

// NormalizeHKID checks a Hong Kong identity card number: one or two
// letters, six digits and a check digit (0-9 or A), with the check digit in
// brackets or not, spaces and case ignored. It returns the number as
// "A123456(3)" and whether it is valid.
//
// The check digit makes the weighted sum of all characters divisible by
// 11: weights 9 down to 1 (the check digit weighs 1); letters count A=10 …
// Z=35, a missing first letter (one-letter numbers) counts 36, and a check
// digit A counts 10.
func NormalizeHKID(s string) (string, bool) {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if strings.HasSuffix(s, ")") {
		n := len(s)
		if n < 3 || s[n-3] != '(' {
			return "", false
		}
		s = s[:n-3] + s[n-2:n-1]
	}
	if len(s) == 8 {
		s = " " + s
	}
	if len(s) != 9 {
		return "", false
	}
	sum := 0
	for i := range 9 {
		c := s[i]
		var v int
		switch {
		case i == 0 && c == ' ':
			v = 36
		case i < 2 && c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		case i >= 2 && i < 8 && c >= '0' && c <= '9':
			v = int(c - '0')
		case i == 8 && c >= '0' && c <= '9':
			v = int(c - '0')
		case i == 8 && c == 'A':
			v = 10
		default:
			return "", false
		}
		sum += v * (9 - i)
	}
	if sum%11 != 0 {
		return "", false
	}
	s = strings.TrimPrefix(s, " ")
	return s[:len(s)-1] + "(" + s[len(s)-1:] + ")", true
}
