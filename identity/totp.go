package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"

	cashless "github.com/cashless-dev/cashless"
)

// TOTP parameters: what every authenticator app supports.
const (
	totpPeriod = 30 // seconds
	totpSkew   = 1  // steps accepted either side of now
	totpDigits = otp.DigitsSix
)

// EnrolTOTP implements Service. The secret is stored sealed and pending
// until ConfirmTOTP; restarting an enrolment replaces it.
func (s *Identity) EnrolTOTP(ctx context.Context, userID string) (*TOTPEnrolment, error) {
	rec, err := s.store.User(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("enrol TOTP: %w", err)
	}
	if rec.TOTPEnabled {
		return nil, cashless.Errorf(ETOTPAlreadyEnabled, "TOTP is already enabled.")
	}
	account := rec.Username
	if account == "" {
		account = rec.ID
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      s.opts.TOTPIssuer,
		AccountName: account,
		Period:      totpPeriod,
		Digits:      totpDigits,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return nil, fmt.Errorf("enrol TOTP: %w", err)
	}
	sealed, err := s.seal(ctx, userID, "totp", key.Secret())
	if err != nil {
		return nil, err
	}
	if err := s.store.SetTOTPSecret(ctx, userID, sealed); err != nil {
		return nil, fmt.Errorf("enrol TOTP: %w", err)
	}
	return &TOTPEnrolment{Secret: key.Secret(), URL: key.URL()}, nil
}

// ConfirmTOTP implements Service: ETOTPNotEnrolled without a pending
// enrolment, ETOTPAlreadyEnabled once confirmed, EInvalidTOTP for a wrong
// code.
func (s *Identity) ConfirmTOTP(ctx context.Context, userID, code string) error {
	rec, err := s.store.User(ctx, userID)
	if err != nil {
		return fmt.Errorf("confirm TOTP: %w", err)
	}
	switch {
	case rec.TOTPEnabled:
		return cashless.Errorf(ETOTPAlreadyEnabled, "TOTP is already enabled.")
	case rec.TOTPSecret == nil:
		return cashless.Errorf(ETOTPNotEnrolled, "Start a TOTP enrolment first.")
	case code == "":
		return &cashless.Error{Code: ETOTPRequired, Param: "totp_code", Message: "A TOTP code is required."}
	}
	return s.spendTOTP(ctx, rec, code, s.now(), true)
}

// VerifyTOTP implements Service.
func (s *Identity) VerifyTOTP(ctx context.Context, userID, code string) error {
	rec, err := s.store.User(ctx, userID)
	if err != nil {
		return fmt.Errorf("verify TOTP: %w", err)
	}
	if !rec.TOTPEnabled {
		return nil
	}
	if code == "" {
		return &cashless.Error{Code: ETOTPRequired, Param: "totp_code", Message: "A TOTP code is required."}
	}
	return s.spendTOTP(ctx, rec, code, s.now(), false)
}

// spendTOTP checks code against the user's secret at now and records its
// time step, refusing a step not after the last one spent: a code works
// once, and an older code stops working once a newer one was used.
// enable confirms a pending enrolment.
func (s *Identity) spendTOTP(ctx context.Context, rec *UserRecord, code string, now time.Time, enable bool) error {
	secret, err := s.unseal(ctx, rec.ID, "totp", rec.TOTPSecret)
	if err != nil {
		return err
	}
	step, ok := matchTOTP(secret, code, now)
	if !ok || step <= rec.TOTPLastStep {
		return errInvalidTOTP()
	}
	if err := s.store.UseTOTPStep(ctx, rec.ID, rec.TOTPSecret, step, enable); err != nil {
		return fmt.Errorf("spend TOTP code: %w", err)
	}
	return nil
}

func errInvalidTOTP() *cashless.Error {
	return &cashless.Error{Code: EInvalidTOTP, Param: "totp_code", Message: "The TOTP code is wrong, expired or already used."}
}

// matchTOTP returns the time step whose code is code, trying now's step
// and totpSkew steps either side, each compared in constant time.
func matchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	if len(code) != totpDigits.Length() {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	opts := hotp.ValidateOpts{Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		if current+d < 0 {
			continue
		}
		valid, err := hotp.ValidateCustom(code, uint64(current+d), secret, opts)
		if err == nil && valid {
			return current + d, true
		}
	}
	return 0, false
}
