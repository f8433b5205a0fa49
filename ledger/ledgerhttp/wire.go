package ledgerhttp

import (
	"net/http"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
)

// Codes of requests the API refuses before they reach the ledger.
const (
	// InvalidJSON is a request body that is not one well-formed JSON value.
	InvalidJSON = "invalid_json"
	// UnknownParameter is a body field or query parameter the API does not know.
	UnknownParameter = "unknown_parameter"
	// RequestTooLarge is a request body over MaxBodyBytes.
	RequestTooLarge = "request_too_large"
	// MethodNotAllowed is a known path asked with the wrong method.
	MethodNotAllowed = "method_not_allowed"
)

// Limits on one request.
const (
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes = 8 << 20
	// MaxItems bounds the accounts, transfers or ids of one call, like the
	// engine's largest batch; more fail the call with ledger.TooManyEvents.
	MaxItems = 8190
)

// The bodies of requests and responses. Lists of accounts and transfers are
// the ledger's own types; only Result needs a wire form, because its Err is
// an interface.
type (
	accountList struct {
		Accounts []ledger.Account `json:"accounts"`
	}
	transferList struct {
		Transfers []ledger.Transfer `json:"transfers"`
	}
	idList struct {
		IDs []string `json:"ids"`
	}
	resultList struct {
		Results []result `json:"results"`
	}

	result struct {
		Timestamp time.Time  `json:"timestamp,omitzero"`
		Replayed  bool       `json:"replayed"`
		Error     *errorBody `json:"error,omitempty"`
	}

	errorResponse struct {
		Error errorBody `json:"error"`
	}
	errorBody struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
)

// count returns the number of items in a request and their name, for a
// TooManyEvents message worded like the engine's.
func (l *accountList) count() (int, string)  { return len(l.Accounts), "accounts" }
func (l *transferList) count() (int, string) { return len(l.Transfers), "transfers" }
func (l *idList) count() (int, string)       { return len(l.IDs), "ids" }

// statusOf maps the code of a failed call to its HTTP status. It is the one
// place that does; the client needs only the code, which travels in the body.
func statusOf(code string) int {
	switch code {
	case cashless.EUnauthenticated:
		return http.StatusUnauthorized
	case ledger.AccountNotFound, cashless.ENotFound:
		return http.StatusNotFound
	case MethodNotAllowed:
		return http.StatusMethodNotAllowed
	case RequestTooLarge:
		return http.StatusRequestEntityTooLarge
	case ledger.EngineClosed, cashless.EUnavailable:
		return http.StatusServiceUnavailable
	case cashless.EInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// codeOf is the reverse of statusOf for responses without a JSON error body
// (from a proxy, say): the most likely code for the status.
func codeOf(status int) string {
	switch status {
	case http.StatusBadRequest:
		return cashless.EInvalid
	case http.StatusUnauthorized, http.StatusForbidden:
		return cashless.EUnauthenticated
	case http.StatusNotFound:
		return cashless.ENotFound
	case http.StatusMethodNotAllowed:
		return MethodNotAllowed
	case http.StatusRequestEntityTooLarge:
		return RequestTooLarge
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return cashless.EUnavailable
	}
	return cashless.EInternal
}

// encodeResults turns the ledger's results into their wire form. A nil
// slice stays nil (JSON null) so that the client returns exactly what the
// engine did.
func encodeResults(rs []ledger.Result) []result {
	if rs == nil {
		return nil
	}
	out := make([]result, len(rs))
	for i, r := range rs {
		out[i] = result{Timestamp: r.Timestamp, Replayed: r.Replayed}
		if r.Err != nil {
			out[i].Error = &errorBody{Code: cashless.ErrorCode(r.Err), Message: cashless.ErrorMessage(r.Err)}
		}
	}
	return out
}

// decodeResults is the client's inverse of encodeResults.
func decodeResults(rs []result) []ledger.Result {
	if rs == nil {
		return nil
	}
	out := make([]ledger.Result, len(rs))
	for i, r := range rs {
		out[i] = ledger.Result{Timestamp: r.Timestamp, Replayed: r.Replayed}
		if r.Error != nil {
			out[i].Err = &cashless.Error{Code: r.Error.Code, Message: r.Error.Message}
		}
	}
	return out
}
