// Package cashless holds what every Cashless service shares: the coded error
// type that carries a stable code from the domain to the API.
package cashless

import (
	"errors"
	"fmt"
	"time"
)

// Codes shared by every service. Services add their own codes as string
// constants next to the code that returns them.
const (
	// EInternal is any failure that is not the caller's fault. Its message is
	// never shown to users.
	EInternal = "internal"
	// EInvalid is malformed or unacceptable input.
	EInvalid = "invalid_request"
	// ENotFound is a resource that does not exist or that the caller may not see.
	ENotFound = "not_found"
	// EUnauthenticated is a missing or bad credential.
	EUnauthenticated = "unauthenticated"
	// EUnavailable is a service that is shutting down or not yet ready.
	EUnavailable = "unavailable"
)

// Error is an error with a stable, machine-readable code and a message that
// is safe to show to the caller. Anything that is not an *Error is internal.
type Error struct {
	Code    string
	Message string
	// Param names the request field at fault, when there is one.
	Param string
	// RetryAfter tells a throttled or locked-out caller when to try again;
	// zero when it does not apply.
	RetryAfter time.Duration
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for a nil
// error and EInternal for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-safe message of err: the message of its
// *Error, or a generic text for internal errors, whose details stay in logs.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}
