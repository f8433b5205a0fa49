package api

import "time"

// Amount is an amount of money in the currency's minor unit (HKD 12.34 is
// 1234). Decoding accepts only an integer literal above zero that fits in
// an int64.
type Amount int64

// Currency is an upper-case ISO 4217 code such as "HKD".
type Currency string

// ErrorBody describes a failed call.
type ErrorBody struct {
	// Type is the family: invalid_request_error, authentication_error,
	// permission_error, not_found_error, conflict_error, rate_limit_error,
	// risk_error or api_error.
	Type string `json:"type"`
	// Code is the stable, machine-readable reason.
	Code string `json:"code"`
	// Message is for people; it never holds personal data or secrets.
	Message string `json:"message"`
	// Param names the request field or header at fault, if any.
	Param string `json:"param,omitempty"`
}

// ErrorResponse is the body of every error answer.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

// List is one page of a list, newest first.
type List[T any] struct {
	Object  string `json:"object"` // "list"
	Data    []T    `json:"data"`
	HasMore bool   `json:"has_more"`
}

// newList returns a list of data, never with a null data array.
func newList[T any](data []T, hasMore bool) List[T] {
	if data == nil {
		data = []T{}
	}
	return List[T]{Object: "list", Data: data, HasMore: hasMore}
}

// Party is one side of a transfer or request as others see it.
type Party struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Username string `json:"username"`
}

// Deleted answers the deletion of an object.
type Deleted struct {
	Object  string `json:"object"`
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// utc puts a time in UTC, the only zone the API speaks.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}
