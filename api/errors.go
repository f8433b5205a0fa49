package api

import (
	"errors"
	"net/http"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/idempotency"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/wallet"
	"github.com/cashless-dev/cashless/webhook"
)

// Error codes of the API layer itself.
const (
	// EUnknownParameter: a body field or query parameter the call does not know.
	EUnknownParameter = "unknown_parameter"
	// EDuplicateParameter: a body object names the same field twice.
	EDuplicateParameter = "duplicate_parameter"
	// EParameterMissing: a required field is absent or null.
	EParameterMissing = "parameter_missing"
	// EInvalidJSON: the body is empty, not JSON, or has data after the value.
	EInvalidJSON = "invalid_json"
	// EBodyTooLarge: the body is over MaxBodyBytes.
	EBodyTooLarge = "body_too_large"
	// EInvalidContentType: a body that is not application/json.
	EInvalidContentType = "invalid_content_type"
	// EInvalidCurrency: not an upper-case ISO 4217 code.
	EInvalidCurrency = "invalid_currency"
	// EInvalidLimit: a page limit outside 1–100.
	EInvalidLimit = "invalid_limit"
	// EMissingToken: no bearer token on a call that needs one.
	EMissingToken = "missing_token"
	// ERateLimited: too many calls; Retry-After says when to come back.
	ERateLimited = "rate_limited"
	// ERouteNotFound: no route has this path.
	ERouteNotFound = "route_not_found"
	// EMethodNotAllowed: the path exists, but not with this method.
	EMethodNotAllowed = "method_not_allowed"
)

// Error types of API.md, the "type" of every error body.
const (
	typeInvalidRequest = "invalid_request_error"
	typeAuthentication = "authentication_error"
	typePermission     = "permission_error"
	typeNotFound       = "not_found_error"
	typeConflict       = "conflict_error"
	typeRateLimit      = "rate_limit_error"
	typeRisk           = "risk_error"
	typeAPI            = "api_error"
)

// errorClass is the HTTP status and error type of a code.
type errorClass struct {
	status int
	typ    string
}

var (
	badRequest   = errorClass{http.StatusBadRequest, typeInvalidRequest}
	unauthorized = errorClass{http.StatusUnauthorized, typeAuthentication}
	forbidden    = errorClass{http.StatusForbidden, typePermission}
	notFound     = errorClass{http.StatusNotFound, typeNotFound}
	conflict     = errorClass{http.StatusConflict, typeConflict}
	unprocessed  = errorClass{http.StatusUnprocessableEntity, typeInvalidRequest}
	tooMany      = errorClass{http.StatusTooManyRequests, typeRateLimit}
	internal     = errorClass{http.StatusInternalServerError, typeAPI}
)

// errorClasses maps every code any service returns to its status and type.
// A coded error whose code is missing here answers 400; an uncoded one 500.
var errorClasses = map[string]errorClass{
	// Shared codes.
	cashless.EInternal:        internal,
	cashless.EInvalid:         badRequest,
	cashless.ENotFound:        notFound,
	cashless.EUnauthenticated: unauthorized,
	cashless.EUnavailable:     {http.StatusServiceUnavailable, typeAPI},

	// The API's own.
	EUnknownParameter:   badRequest,
	EDuplicateParameter: badRequest,
	EParameterMissing:   badRequest,
	EInvalidJSON:        badRequest,
	EBodyTooLarge:       {http.StatusRequestEntityTooLarge, typeInvalidRequest},
	EInvalidContentType: {http.StatusUnsupportedMediaType, typeInvalidRequest},
	EInvalidCurrency:    badRequest,
	EInvalidLimit:       badRequest,
	EMissingToken:       unauthorized,
	ERateLimited:        tooMany,
	ERouteNotFound:      notFound,
	EMethodNotAllowed:   {http.StatusMethodNotAllowed, typeInvalidRequest},

	// Idempotency.
	idempotency.EKeyRequired: badRequest,
	idempotency.EInvalidKey:  badRequest,
	idempotency.EKeyReused:   conflict,
	idempotency.EKeyInUse:    conflict,

	// Money.
	money.UnknownCurrency:  badRequest,
	money.InvalidAmount:    badRequest,
	money.TooManyDecimals:  badRequest,
	money.AmountOverflow:   badRequest,
	money.CurrencyMismatch: badRequest,

	// Identity.
	identity.EPhoneTaken:         conflict,
	identity.EEmailTaken:         conflict,
	identity.EUsernameTaken:      conflict,
	identity.EInvalidPhone:       badRequest,
	identity.EInvalidEmail:       badRequest,
	identity.EInvalidUsername:    badRequest,
	identity.EInvalidName:        badRequest,
	identity.EWeakPassword:       badRequest,
	identity.EInvalidCredentials: unauthorized,
	identity.ELoginLocked:        tooMany,
	identity.ETOTPRequired:       forbidden, // a step-up on a money call; 401 on login
	identity.EInvalidTOTP:        forbidden,
	identity.ETOTPAlreadyEnabled: conflict,
	identity.ETOTPNotEnrolled:    conflict,
	identity.EInvalidToken:       unauthorized,
	identity.EUserNotFound:       notFound,
	identity.ESessionNotFound:    notFound,
	identity.EInvalidTier:        badRequest,
	identity.EKYCRejected:        {http.StatusUnprocessableEntity, typeRisk},

	// Identity documents and addresses of KYC requests.
	identity.EInvalidAddress:      badRequest,
	identity.EDocumentAlreadyUsed: conflict, // the document verified another user
	identity.EDocumentMismatch:    conflict, // the user was verified with another document
	// Identity: phone and email verification.
	identity.EInvalidCode:            badRequest,
	identity.EVerificationNotPending: conflict,
	identity.EAlreadyVerified:        conflict,
	identity.ENoEmail:                conflict,
	identity.EVerificationThrottled:  tooMany,

	// Wallet.
	wallet.ERecipientNotFound:    notFound,
	wallet.ESelfTransfer:         badRequest,
	wallet.EInsufficientFunds:    unprocessed,
	wallet.ELimitExceeded:        unprocessed,
	wallet.ECurrencyNotSupported: badRequest,
	wallet.EInvalidVisibility:    badRequest,
	wallet.EMessageTooLong:       badRequest,
	wallet.ETransferNotFound:     notFound,
	wallet.ERequestNotFound:      notFound,
	wallet.EFundingNotFound:      notFound,
	wallet.ERequestNotPending:    conflict,
	wallet.ERequestAlreadyPaid:   conflict,
	// wallet.EIdempotencyKeyReused is idempotency.EKeyReused.

	wallet.EInvalidBankAccount: badRequest,
	wallet.EBankDeclined:       unprocessed,
	wallet.EBankFailed:         unprocessed, // a funding's failure code
	wallet.EInvalidPayCode:     badRequest,
	// wallet.EInvalidAmount is money.InvalidAmount ("invalid_amount").

	// API keys and merchant authentication.
	identity.EInvalidAPIKey:  unauthorized, // malformed, unknown or revoked: 401 at once
	identity.EAPIKeyNotFound: notFound,
	identity.EInvalidKeyMode: badRequest,
	identity.EInvalidScope:   badRequest,
	EAPIKeyNotAllowed:        forbidden,
	EStaffOnly:               forbidden,
	EMerchantsUnavailable:    {http.StatusServiceUnavailable, typeAPI},
	ESignatureRequired:       unauthorized,
	EInvalidSignature:        unauthorized,

	// Merchants. Another merchant's object, or one of the other mode, is
	// not found, exactly as one that does not exist.
	merchant.EMerchantNotFound:    notFound,
	merchant.EMerchantRequired:    badRequest, // pick one with Cashless-Merchant
	merchant.ENotMerchantStaff:    forbidden,
	merchant.EPermissionDenied:    forbidden,
	merchant.ERefundLimitExceeded: forbidden,
	merchant.EInvalidRole:         badRequest,
	merchant.EStaffExists:         conflict,
	merchant.EStaffNotFound:       notFound,
	merchant.EInvalidMCC:          badRequest,
	merchant.EInvalidTimeZone:     badRequest,
	// merchant.EInvalidBankAccount is wallet.EInvalidBankAccount.
	merchant.EInvalidExpiry:          badRequest,
	merchant.EPaymentRequestNotFound: notFound,
	merchant.EPaymentNotFound:        notFound,
	merchant.ERefundNotFound:         notFound,
	merchant.EPayoutNotFound:         notFound,
	merchant.EEventNotFound:          notFound,
	merchant.EModeMismatch:           notFound,

	merchant.EPaymentRequestNotPayable: conflict,
	merchant.EPaymentRequestNotPending: conflict,
	merchant.EPaymentNotRefundable:     conflict,
	merchant.ERefundExceedsPayment:     conflict,
	// The merchant's balance cannot cover a refund or payout now: 409,
	// a conflict with the account's state that later payments may cure,
	// unlike a payer's insufficient_funds (422), which is a decline.
	merchant.EInsufficientBalance: conflict,
	merchant.ENoSettlementAccount: conflict,
	// merchant.EInvalidAmount, ECurrencyNotSupported and
	// EIdempotencyKeyReused share the codes of money, wallet and
	// idempotency above.
	EPaymentBlocked: {http.StatusUnprocessableEntity, typeRisk},

	// Webhooks.
	webhook.EInvalidURL:       badRequest,
	webhook.EURLNotAllowed:    badRequest, // a live endpoint at a private, loopback or link-local address
	webhook.EInvalidEventType: badRequest,
	webhook.EEndpointNotFound: notFound,
	webhook.EDeliveryNotFound: notFound,
	webhook.EDeliveryBusy:     conflict,
	webhook.ESecretRotated:    conflict, // two rotations raced; the loser is refused
	// Receivers' codes (webhook.Verify); the API itself never answers
	// them, but a code must not ship without a status.
	webhook.EInvalidSecret:       badRequest,
	webhook.EInvalidSignature:    badRequest,
	webhook.ETimestampOutOfRange: badRequest,
	EWebhooksUnavailable:         {http.StatusServiceUnavailable, typeAPI},
}

// EPaymentBlocked is the code the merchant service gives a payment the
// risk scorer (merchant.Risk) blocked: 422 risk_error.
const EPaymentBlocked = "payment_blocked"

// classOf returns the status and type an error answers with.
func classOf(err error) errorClass {
	var se *statusError
	if errors.As(err, &se) {
		return se.class
	}
	if c, ok := errorClasses[cashless.ErrorCode(err)]; ok {
		return c
	}
	return badRequest // a coded error nobody classified: still the caller's
}

// statusError overrides the class of the error it wraps, for the few codes
// whose status depends on the call (a missing TOTP code is 403 on a money
// call but 401 on login).
type statusError struct {
	err   error
	class errorClass
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// asAuthentication makes TOTP failures authentication errors (401), as
// they are on login.
func asAuthentication(err error) error {
	switch cashless.ErrorCode(err) {
	case identity.ETOTPRequired, identity.EInvalidTOTP:
		return &statusError{err: err, class: unauthorized}
	}
	return err
}

// errParam is a coded error that names the field at fault.
func errParam(code, param, msg string) error {
	return &cashless.Error{Code: code, Param: param, Message: msg}
}
