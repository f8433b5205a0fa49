package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/cashless-dev/cashless"
)

const jsonType = "application/json"

// response is an answer ready to send, kept as bytes so that idempotency
// can store exactly what was sent.
type response struct {
	status      int
	body        []byte
	contentType string
	header      http.Header // extra headers, if any
}

func (r *response) setHeader(k, v string) {
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Set(k, v)
}

// raw is a handler value sent as it is, not as JSON (the PayCode PNG, the
// OpenAPI document).
type raw struct {
	contentType string
	body        []byte
}

// withHeader is a handler value sent with extra response headers, such
// as Idempotent-Replayed on a payment a service replayed.
type withHeader struct {
	value  any
	header http.Header
}

// render runs a handler and encodes its outcome.
func (s *Server) render(c *call, h handlerFunc) response {
	status, v, err := h(c)
	if err != nil {
		return s.failure(c.r, err)
	}
	if wh, ok := v.(withHeader); ok {
		res := s.render(c, func(*call) (int, any, error) { return status, wh.value, nil })
		for k, vs := range wh.header {
			for _, x := range vs {
				res.setHeader(k, x)
			}
		}
		return res
	}
	if b, ok := v.(raw); ok {
		return response{status: status, body: b.body, contentType: b.contentType}
	}
	body, err := encode(v)
	if err != nil {
		return s.failure(c.r, fmt.Errorf("encode response: %w", err))
	}
	return response{status: status, body: body, contentType: jsonType}
}

// encode writes v as JSON without escaping <, > and &, so that names and
// messages come back as they were sent.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// failure turns an error into its response. An internal error is logged
// here, with the request id, and reaches the client only as a generic
// api_error.
func (s *Server) failure(r *http.Request, err error) response {
	class := classOf(err)
	code := cashless.ErrorCode(err)
	if code == cashless.EInternal {
		level := slog.LevelError
		if r.Context().Err() != nil {
			level = slog.LevelInfo // the client went away; nothing is broken
		}
		s.log.Log(r.Context(), level, "api call failed",
			"request_id", requestIDOf(r.Context()), "method", r.Method, "route", r.Pattern, "err", err)
		class = internal
	}
	eb := ErrorBody{Type: class.typ, Code: code, Message: cashless.ErrorMessage(err)}
	var ce *cashless.Error
	var wait int
	if errors.As(err, &ce) {
		eb.Param = ce.Param
		if ce.RetryAfter > 0 {
			wait = retryAfter(ce.RetryAfter)
		}
	}
	body, _ := encode(ErrorResponse{Error: eb})
	res := response{status: class.status, body: body, contentType: jsonType}
	if wait == 0 && class.status == http.StatusTooManyRequests {
		wait = 1
	}
	if wait > 0 {
		res.setHeader("Retry-After", strconv.Itoa(wait))
	}
	return res
}

// send writes a response.
func (s *Server) send(w http.ResponseWriter, r *http.Request, res response) {
	h := w.Header()
	for k, vs := range res.header {
		h[k] = vs
	}
	h.Set("Content-Type", res.contentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(res.status)
	if _, err := w.Write(res.body); err != nil {
		s.log.DebugContext(r.Context(), "write api response", "request_id", requestIDOf(r.Context()), "err", err)
	}
}

// errorf returns a coded error.
func errorf(code, format string, args ...any) error {
	return cashless.Errorf(code, format, args...)
}

// params returns the query parameters, refusing any the call does not take.
func (c *call) params(allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		return nil, errorf(cashless.EInvalid, "The query string is malformed.")
	}
	for k, vs := range q {
		if !slices.Contains(allowed, k) {
			return nil, errParam(EUnknownParameter, clip(k), fmt.Sprintf("Unknown parameter %q.", clip(k)))
		}
		if len(vs) > 1 {
			return nil, errParam(cashless.EInvalid, k, fmt.Sprintf("Parameter %s is given more than once.", k))
		}
	}
	return q, nil
}

// page reads limit, starting_after and ending_before, plus any other
// parameters the call takes.
func (c *call) page(extra ...string) (cashless.Page, url.Values, error) {
	q, err := c.params(append(extra, "limit", "starting_after", "ending_before")...)
	if err != nil {
		return cashless.Page{}, nil, err
	}
	p := cashless.Page{Limit: cashless.DefaultPageLimit, StartingAfter: q.Get("starting_after"), EndingBefore: q.Get("ending_before")}
	if v := q.Get("limit"); q.Has("limit") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > cashless.MaxPageLimit {
			return cashless.Page{}, nil, errParam(EInvalidLimit, "limit", "Parameter limit must be a whole number from 1 to 100.")
		}
		p.Limit = n
	}
	if p.StartingAfter != "" && p.EndingBefore != "" {
		return cashless.Page{}, nil, errParam(cashless.EInvalid, "ending_before", "Use starting_after or ending_before, not both.")
	}
	return p, q, nil
}

// currency reads the optional currency parameter, HKD by default.
func currencyParam(q url.Values) (string, error) {
	if !q.Has("currency") {
		return "HKD", nil
	}
	cur := q.Get("currency")
	if err := checkCurrency(cur); err != nil {
		return "", err
	}
	return cur, nil
}
