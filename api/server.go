package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cashless-dev/cashless/idempotency"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/wallet"
)

// Options configure the API server.
type Options struct {
	Identity    identity.Service
	Wallet      wallet.Service
	Idempotency idempotency.Store
	// Merchants serves the merchant routes; without it they answer 503
	// merchants_unavailable.
	Merchants merchant.Service
	// APIKeys checks merchant API keys; without it no key is accepted.
	APIKeys identity.APIKeys
	// Webhooks serves the webhook endpoint routes; without it they answer
	// 503 webhooks_unavailable.
	Webhooks Webhooks
	// Signatures, when set, verifies the signed requests of merchants that
	// require them (signed.go).
	Signatures RequestVerifier
	// Logger receives the access log and the causes of internal errors;
	// slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// RateLimit throttles callers; its zero value throttles no one.
	RateLimit RateLimit
	// Observe, when set, is told every request's route pattern, method,
	// status and duration (the server turns them into a latency histogram).
	Observe func(route, method string, status int, elapsed time.Duration)
	// BaseURL is the public address of the API, such as
	// "https://pay.example.com", for links like png_url. Empty gives
	// links relative to the host.
	BaseURL string
}

// Server is the public API. It is an http.Handler.
type Server struct {
	identity identity.Service
	wallet   wallet.Service
	idem     idempotency.Store
	// merchants and keys may be nil (Options).
	merchants  merchant.Service
	keys       identity.APIKeys
	signatures RequestVerifier
	webhooks   Webhooks
	log        *slog.Logger
	now        func() time.Time
	baseURL    string
	observe    func(route, method string, status int, elapsed time.Duration)
	userRate   *limiter
	ipRate     *limiter
	handler    http.Handler

	// lookupUser and lookupIP count people looked up, signupIP signups.
	lookupUser, lookupIP, signupIP *limiter
}

// New returns the API server over the services in opts.
func New(opts Options) (*Server, error) {
	if opts.Identity == nil || opts.Wallet == nil || opts.Idempotency == nil {
		return nil, errors.New("api: Identity, Wallet and Idempotency are required")
	}
	s := &Server{
		identity:   opts.Identity,
		wallet:     opts.Wallet,
		idem:       opts.Idempotency,
		merchants:  opts.Merchants,
		keys:       opts.APIKeys,
		signatures: opts.Signatures,
		webhooks:   opts.Webhooks,
		log:        opts.Logger,
		now:        opts.Now,
		baseURL:    strings.TrimSuffix(opts.BaseURL, "/"),
		observe:    opts.Observe,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.userRate = newLimiter(opts.RateLimit.UserRate, opts.RateLimit.UserBurst, s.now)
	s.ipRate = newLimiter(opts.RateLimit.IPRate, opts.RateLimit.IPBurst, s.now)
	s.lookupUser = perPeriod(opts.RateLimit.LookupsPerMinute, time.Minute, s.now)
	s.lookupIP = perPeriod(opts.RateLimit.IPLookupsPerMinute, time.Minute, s.now)
	s.signupIP = perPeriod(opts.RateLimit.SignupsPerHour, time.Hour, s.now)
	s.handler = s.requestID(s.accessLog(s.recoverPanic(s.limitBody(s.mux()))))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// mux routes every route of routes.go, and answers unknown paths with 404
// and known paths with another method with 405, both as JSON.
func (s *Server) mux() *http.ServeMux {
	mux := http.NewServeMux()
	methods := map[string][]string{}
	var paths []string
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.path, s.serve(rt))
		if methods[rt.path] == nil {
			paths = append(paths, rt.path)
		}
		methods[rt.path] = append(methods[rt.path], rt.method)
	}
	for _, p := range paths {
		allow := strings.Join(methods[p], ", ")
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			s.send(w, r, s.failure(r, errorf(EMethodNotAllowed, "Use %s for this path.", allow)))
		})
	}
	s.hostedRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.send(w, r, s.failure(r, errorf(ERouteNotFound, "There is no such route.")))
	})
	return mux
}
