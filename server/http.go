package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// readyTimeout bounds each database ping of /readyz.
const readyTimeout = 2 * time.Second

// publicHandler lists every route of the public listener. The public API
// under /v1/ gives requests their ids, logs and times them by route itself,
// so it is mounted beside the instrumented operational routes, not in them.
// /metrics is not among them: it has a listener of its own (metrics.go).
func (s *Server) publicHandler() http.Handler {
	ops := http.NewServeMux()
	ops.HandleFunc("GET /healthz", s.healthz)
	ops.HandleFunc("GET /readyz", s.readyz)
	mux := http.NewServeMux()
	mux.Handle("/", s.instrument(ops))
	for _, u := range s.units {
		if u.public != nil {
			mux.Handle("/v1/", u.public)
			// The hosted payment pages (GET /pay/{id}) are the API's too.
			mux.Handle("/pay/", u.public)
		}
	}
	return mux
}

// internalHandler serves each running service's internal API under
// /internal/<name>/. Each of those handlers checks the service credential.
func (s *Server) internalHandler() http.Handler {
	mux := http.NewServeMux()
	for _, u := range s.units {
		if u.internal != nil {
			mux.Handle("/internal/"+u.name+"/", u.internal)
		}
	}
	return s.instrument(mux)
}

// healthz answers 200 while the process runs.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when the server is started, not shutting down, and
// every service's database answers a ping; 503 otherwise. The body names
// the failing services, never the cause, which goes to the log.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable"})
		return
	}
	var failing []string
	for _, u := range s.units {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		err := u.db.Read.PingContext(ctx)
		cancel()
		if err != nil {
			s.log.Warn("database not ready", "service", u.name, "db", u.db.Name, "error", err)
			failing = append(failing, u.name)
		}
	}
	if len(failing) > 0 {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "failing": failing})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// instrument gives every request an id (the caller's X-Request-Id when it is
// sane, a new one otherwise), echoes it, records the request's duration and
// writes an access log line. Probes and scrapes log at debug level so that
// they do not drown the rest.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		elapsed := time.Since(start)

		// The mux sets r.Pattern to the route that matched; label by it,
		// never by the raw path, so that ids in paths do not multiply series.
		route := r.Pattern
		if _, path, ok := strings.Cut(route, " "); ok {
			route = path
		}
		if route == "" {
			route = "unmatched"
		}
		s.metrics.duration.WithLabelValues(route, methodLabel(r.Method), strconv.Itoa(rec.status)).Observe(elapsed.Seconds())

		level := slog.LevelInfo
		switch route {
		case "/healthz", "/readyz", "/metrics":
			level = slog.LevelDebug
		}
		s.log.LogAttrs(r.Context(), level, "http request",
			slog.String("request_id", id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", route),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("remote", r.RemoteAddr),
		)
	})
}

// methodLabel keeps the method label to the standard methods.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == ':'
		if !ok {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
