package ledgerhttp

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
)

// ServerOptions configure NewHandler.
type ServerOptions struct {
	// Token is the shared secret every request must present as
	// "Authorization: Bearer <Token>". An empty Token refuses every request:
	// the API is never open.
	Token string
	// Logger receives the causes of internal errors, which clients never
	// see; slog.Default() when nil.
	Logger *slog.Logger
}

type server struct {
	svc      ledger.Service
	log      *slog.Logger
	tokenSum [sha256.Size]byte
	hasToken bool
	mux      *http.ServeMux
}

// NewHandler serves svc as the ledger's internal HTTP API; routes.go lists
// the routes. Every response, errors included, is JSON.
func NewHandler(svc ledger.Service, opts ServerOptions) http.Handler {
	s := &server{
		svc:      svc,
		log:      opts.Logger,
		tokenSum: sha256.Sum256([]byte(opts.Token)),
		hasToken: opts.Token != "",
		mux:      http.NewServeMux(),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	for _, rt := range s.routes() {
		s.mux.HandleFunc(rt.method+" "+rt.path, rt.handler)
		s.mux.HandleFunc(rt.path, s.methodNotAllowed(rt.method))
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, cashless.Errorf(cashless.ENotFound, "There is no route %s.", r.URL.Path))
	})
	return s
}

// ServeHTTP authenticates every request, known route or not, before routing,
// so that an unauthenticated caller learns nothing about the API.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ledger"`)
		s.fail(w, r, cashless.Errorf(cashless.EUnauthenticated, "A valid bearer token is required."))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// authorized compares SHA-256 sums in constant time, so that neither the
// token's bytes nor its length leak through timing.
func (s *server) authorized(r *http.Request) bool {
	const scheme = "Bearer "
	h := r.Header.Get("Authorization")
	if !s.hasToken || len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return false
	}
	sum := sha256.Sum256([]byte(h[len(scheme):]))
	return subtle.ConstantTimeCompare(sum[:], s.tokenSum[:]) == 1
}

func (s *server) methodNotAllowed(method string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", method)
		s.fail(w, r, cashless.Errorf(MethodNotAllowed, "Use %s for %s.", method, r.URL.Path))
	}
}

// reply writes v with status 200, or the error of a failed call.
func (s *server) reply(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.write(w, r, http.StatusOK, v)
}

// fail writes err as a JSON error. A coded error keeps its code and message;
// anything else is logged here and reaches the client only as "internal".
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := cashless.ErrorCode(err)
	if code == cashless.EInternal {
		level := slog.LevelError
		if r.Context().Err() != nil {
			level = slog.LevelInfo // the caller went away; nothing is broken
		}
		s.log.Log(r.Context(), level, "ledger API call failed",
			"method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.write(w, r, statusOf(code), errorResponse{Error: errorBody{Code: code, Message: cashless.ErrorMessage(err)}})
}

func (s *server) write(w http.ResponseWriter, r *http.Request, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		s.log.WarnContext(r.Context(), "write ledger API response", "path", r.URL.Path, "err", err)
	}
}

// results turns the ledger's results into their wire form, logging the
// cause of any result that failed without a code.
func (s *server) results(r *http.Request, rs []ledger.Result) resultList {
	for i, res := range rs {
		if res.Err != nil && cashless.ErrorCode(res.Err) == cashless.EInternal {
			s.log.ErrorContext(r.Context(), "ledger API result failed",
				"path", r.URL.Path, "index", i, "err", res.Err)
		}
	}
	return resultList{Results: encodeResults(rs)}
}
