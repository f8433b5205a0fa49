package identity

import (
	"context"
	"fmt"
	"strings"
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

const (
	maxIDNumberLen = 32
	maxAddressLen  = 500 // characters
)

// VerifyKYC implements Service with a simulated verification: tier 1
// needs a Hong Kong identity card number whose check digit is valid, tier
// 2 also a residential address. Every verification is recorded with the ID
// number and address sealed. A refusal is not an error: it returns the
// verification with Status KYCRejected and a Reason, and the tier stays.
// Errors are for requests that cannot be verified at all: EInvalidTier for
// a tier other than 1 or 2 or not above the user's, cashless.EInvalid for a
// missing or oversized field.
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
	if !utf8.ValidString(in.Address) || utf8.RuneCountInString(in.Address) > maxAddressLen {
		return nil, &cashless.Error{Code: cashless.EInvalid, Param: "address", Message: "The address must be at most 500 characters."}
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
	case in.Tier == 2 && strings.TrimSpace(in.Address) == "":
		k.Status, k.Reason = KYCRejected, KYCReasonAddress
	}
	if k.IDNumberSealed, err = s.seal(ctx, k.ID, "id_number", idNumber); err != nil {
		return nil, err
	}
	if in.Address != "" {
		if k.AddressSealed, err = s.seal(ctx, k.ID, "address", in.Address); err != nil {
			return nil, err
		}
	}
	if err := s.store.RecordKYC(ctx, k); err != nil {
		return nil, fmt.Errorf("verify KYC: %w", err)
	}
	return &KYCVerification{ID: k.ID, UserID: userID, Tier: k.Tier, Status: k.Status, Reason: k.Reason, Created: k.Created}, nil
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
