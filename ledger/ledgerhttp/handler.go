package ledgerhttp

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
)

func (s *server) createAccounts(w http.ResponseWriter, r *http.Request) {
	var req accountList
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.svc.CreateAccounts(r.Context(), req.Accounts)
	s.reply(w, r, s.results(r, res), err)
}

func (s *server) createTransfers(w http.ResponseWriter, r *http.Request) {
	var req transferList
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.svc.CreateTransfers(r.Context(), req.Transfers)
	s.reply(w, r, s.results(r, res), err)
}

func (s *server) lookupAccounts(w http.ResponseWriter, r *http.Request) {
	var req idList
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	accounts, err := s.svc.LookupAccounts(r.Context(), req.IDs)
	s.reply(w, r, accountList{Accounts: accounts}, err)
}

func (s *server) lookupTransfers(w http.ResponseWriter, r *http.Request) {
	var req idList
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	transfers, err := s.svc.LookupTransfers(r.Context(), req.IDs)
	s.reply(w, r, transferList{Transfers: transfers}, err)
}

func (s *server) balanceAt(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "at")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var at time.Time
	if v := q.Get("at"); v != "" {
		if at, err = time.Parse(time.RFC3339Nano, v); err != nil {
			s.fail(w, r, cashless.Errorf(cashless.EInvalid, "Parameter at must be an RFC 3339 time, not %q.", v))
			return
		}
	}
	b, err := s.svc.BalanceAt(r.Context(), r.PathValue("id"), at)
	s.reply(w, r, b, err)
}

func (s *server) history(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "limit", "starting_after", "ending_before")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := ledger.HistoryFilter{
		AccountID:     r.PathValue("id"),
		StartingAfter: q.Get("starting_after"),
		EndingBefore:  q.Get("ending_before"),
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil {
			s.fail(w, r, cashless.Errorf(cashless.EInvalid, "Parameter limit must be an integer, not %q.", v))
			return
		}
	}
	page, err := s.svc.History(r.Context(), f)
	s.reply(w, r, page, err)
}

// decode reads one JSON value from the body into v, bounded in size and
// strict about fields, then checks that it holds at most MaxItems items.
// Its errors are coded.
func decode(w http.ResponseWriter, r *http.Request, v interface{ count() (int, string) }) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("data after the JSON value")
	}
	if err != nil {
		return decodeError(err)
	}
	if n, noun := v.count(); n > MaxItems {
		return cashless.Errorf(ledger.TooManyEvents, "at most %d %s per call", MaxItems, noun)
	}
	return nil
}

func decodeError(err error) error {
	var tooLarge *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooLarge):
		return cashless.Errorf(RequestTooLarge, "The request body exceeds %d bytes.", tooLarge.Limit)
	case errors.As(err, &typeErr):
		return cashless.Errorf(cashless.EInvalid, "Field %q cannot be a JSON %s.", typeErr.Field, typeErr.Value)
	case errors.Is(err, io.EOF):
		return cashless.Errorf(InvalidJSON, "The request body is empty.")
	}
	// encoding/json has no error type for an unknown field.
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return cashless.Errorf(UnknownParameter, "Unknown field %s.", field)
	}
	return cashless.Errorf(InvalidJSON, "The request body is not valid JSON: %v.", err)
}

// query returns the request's query parameters, refusing any not allowed.
func query(r *http.Request, allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, cashless.Errorf(cashless.EInvalid, "The query string is malformed.")
	}
	for k := range q {
		if !slices.Contains(allowed, k) {
			return nil, cashless.Errorf(UnknownParameter, "Unknown parameter %q.", k)
		}
	}
	return q, nil
}
