package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cashless-dev/cashless/api"
	"github.com/cashless-dev/cashless/sqldb"
)

// tokenFile is the name, in the data directory, of the generated service
// credential.
const tokenFile = "service-token"

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.InternalAddr == "" {
		c.InternalAddr = DefaultInternalAddr
	}
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// rateLimit returns the public API's rate limits: api.DefaultRateLimit
// with each limit the configuration sets (non-zero) in its place, a
// negative one turning that limit off.
func (c ConsumerConfig) rateLimit() api.RateLimit {
	limits := api.DefaultRateLimit()
	if r := c.UserRate; r != 0 {
		limits.UserRate, limits.UserBurst = max(r, 0), max(int(2*r), 1)
	}
	if r := c.IPRate; r != 0 {
		limits.IPRate, limits.IPBurst = max(r, 0), max(int(6*r), 1)
	}
	for _, l := range []struct {
		set   int
		limit *int
	}{
		{c.LookupsPerMinute, &limits.LookupsPerMinute},
		{c.IPLookupsPerMinute, &limits.IPLookupsPerMinute},
		{c.SignupsPerHour, &limits.SignupsPerHour},
	} {
		if l.set != 0 {
			*l.limit = max(l.set, 0)
		}
	}
	return limits
}

// DatabaseURL returns the database URL of one service: its entry in
// ServiceDB as it is, or else its own database derived from DB (or from
// "sqlite:<DataDir>/" when DB is empty) by sqldb.ForService.
func (c Config) DatabaseURL(service string) (string, error) {
	if _, ok := lookup(service); !ok {
		return "", unknownService(service)
	}
	if url := c.ServiceDB[service]; url != "" {
		if _, _, err := sqldb.ParseURL(url); err != nil {
			return "", fmt.Errorf("%s database: %w", service, err)
		}
		return url, nil
	}
	base := c.DB
	if base == "" {
		dir := c.DataDir
		if dir == "" {
			dir = DefaultDataDir
		}
		base = "sqlite:" + strings.TrimSuffix(dir, "/") + "/"
	}
	return sqldb.ForService(base, service)
}

// selected returns the services to run, in registry order (the order they
// start in).
func (c Config) selected() ([]service, error) {
	for name := range c.ServiceDB {
		if _, ok := lookup(name); !ok {
			return nil, unknownService(name)
		}
	}
	if len(c.Services) == 0 {
		return services, nil
	}
	for _, name := range c.Services {
		if _, ok := lookup(name); !ok {
			return nil, unknownService(name)
		}
	}
	var out []service
	for _, svc := range services {
		if slices.Contains(c.Services, svc.name) {
			out = append(out, svc)
		}
	}
	return out, nil
}

func unknownService(name string) error {
	return fmt.Errorf("unknown service %q (known: %s)", name, strings.Join(Services(), ", "))
}

// serviceToken returns the internal APIs' credential: ServiceToken, or the
// one kept in the data directory, created there on first use with mode 0600.
// The token itself is never logged.
func (c Config) serviceToken(log *slog.Logger) (string, error) {
	if c.ServiceToken != "" {
		return c.ServiceToken, nil
	}
	path := filepath.Join(c.DataDir, tokenFile)
	if token, err := readToken(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return token, err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return "", fmt.Errorf("create data directory: %w", err)
	}
	token := rand.Text() + rand.Text() // 256 bits
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readToken(path) // another process created it first
	}
	if err != nil {
		return "", fmt.Errorf("create service token: %w", err)
	}
	_, err = f.WriteString(token + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", fmt.Errorf("write service token: %w", err)
	}
	log.Info("created the service token for the internal APIs", "path", path)
	return token, nil
}

func readToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read service token: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("service token file %s is empty", path)
	}
	return token, nil
}
