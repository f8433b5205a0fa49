package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/internal/syncbuf"
	"github.com/cashless-dev/cashless/server"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// The end-to-end tests run the whole platform (ledger, identity, wallet and
// the public API) on free ports and drive it through the Go client only, on
// SQLite and, when CASHLESS_TEST_MYSQL is set, on MariaDB/MySQL.

// eachDialect runs fn as a parallel subtest per database the run covers.
func eachDialect(t *testing.T, fn func(t *testing.T, d sqldb.Dialect)) {
	t.Helper()
	for _, d := range sqldbtest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

// platform is a running Cashless platform and what a test needs of it.
type platform struct {
	srv  *server.Server
	base string // the public API's base URL
	cfg  server.Config
	logs *syncbuf.Buffer
	seq  atomic.Int64 // numbers the users a test signs up
}

// setupPlatform starts the platform on a fresh data directory and, for
// MySQL, fresh databases that are dropped when the test ends. The bank
// confirms after about a millisecond unless mutate says otherwise.
func setupPlatform(t *testing.T, d sqldb.Dialect, mutate ...func(*server.Config)) *platform {
	t.Helper()
	logs := &syncbuf.Buffer{}
	cfg := server.Config{
		Addr:         "127.0.0.1:0",
		InternalAddr: "127.0.0.1:0",
		DataDir:      t.TempDir(),
		Logger:       slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Consumer: server.ConsumerConfig{
			BankLatency:         time.Millisecond,
			FastPasswordHashing: true,
			UserRate:            -1,
			IPRate:              -1,
			SignupsPerHour:      -1, // every test user signs up from 127.0.0.1
		},
	}
	if d == sqldb.MySQL {
		cfg.DB = sqldbtest.URL(t, sqldb.MySQL)
		for _, name := range server.Services() {
			url, err := cfg.DatabaseURL(name)
			require.NoError(t, err)
			t.Cleanup(func() {
				if err := sqldb.DropMySQLDatabase(context.Background(), strings.TrimPrefix(url, "mysql:")); err != nil {
					t.Errorf("drop %s database: %v", name, err)
				}
			})
		}
	}
	for _, m := range mutate {
		m(&cfg)
	}
	p := &platform{cfg: cfg, logs: logs}
	p.start(t)
	return p
}

// start runs the platform on p.cfg.
func (p *platform) start(t *testing.T) {
	t.Helper()
	srv, err := server.New(context.Background(), p.cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	require.NoError(t, srv.Start())
	p.srv, p.base = srv, "http://"+srv.Addr()
}

// stop closes the platform, as an operator would.
func (p *platform) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.srv.Close(context.Background()))
}

// restart stops the platform and starts it again on the same data, with
// the configuration changed by mutate, if any. Users' clients must be
// moved to the new address with user.reconnect.
func (p *platform) restart(t *testing.T, mutate ...func(*server.Config)) {
	t.Helper()
	p.stop(t)
	for _, m := range mutate {
		m(&p.cfg)
	}
	p.start(t)
}

// user is a signed-up user and their client.
type user struct {
	c                                          *client.Client
	id, phone, email, name, username, password string
}

// reconnect points the user's client at the platform's current address,
// keeping its tokens.
func (u *user) reconnect(p *platform) {
	u.c = client.New(p.base, nil).WithTokens(u.c.Tokens())
}

// newUser signs up a user with a unique phone, email and username; name
// is the display name. Phones are +852 6xxx xxxx numbers, the seven x
// counting users, so that no two tests' users look alike in a scan.
func (p *platform) newUser(t *testing.T, name string) *user {
	t.Helper()
	n := p.seq.Add(1)
	u := &user{
		c:        client.New(p.base, nil),
		phone:    fmt.Sprintf("+8526%07d", 4100000+n),
		email:    fmt.Sprintf("user%d@example.com", n),
		name:     name,
		username: fmt.Sprintf("user%d", n),
		password: fmt.Sprintf("correct horse %d battery", n),
	}
	return p.signup(t, u)
}

// signup registers u as it is, then confirms the user's phone and email
// with the codes the platform sent, so that others find the user by them.
func (p *platform) signup(t *testing.T, u *user) *user {
	t.Helper()
	p.register(t, u)
	p.confirm(t, u)
	return u
}

// register signs u up and confirms nothing.
func (p *platform) register(t *testing.T, u *user) *user {
	t.Helper()
	auth, err := u.c.Signup(context.Background(), client.SignupParams{
		Phone: u.phone, Email: u.email, Name: u.name, Username: u.username, Password: u.password,
	})
	require.NoError(t, err)
	require.NotEmpty(t, auth.User.ID)
	u.id = auth.User.ID
	return u
}

// confirm confirms u's phone, and email when u has one, with the last
// codes sent to them.
func (p *platform) confirm(t *testing.T, u *user) {
	t.Helper()
	ctx := context.Background()
	v, err := u.c.Confirm(ctx, client.Phone, p.code(t, u.phone))
	require.NoError(t, err)
	require.Equal(t, "verified", v.Status)
	if u.email != "" {
		_, err = u.c.Confirm(ctx, client.Email, p.code(t, u.email))
		require.NoError(t, err)
	}
}

// sentMessage is a one-time code as the platform sent it: a line of the
// development outbox, or what a test's sender was given.
type sentMessage struct {
	To, Channel, Text, Code string
	Created                 time.Time
}

// messages returns every code the platform sent: what the test's sender
// got when the test set one (withSender), else the lines of the outbox
// file that serve writes by default.
func (p *platform) messages(t *testing.T) []sentMessage {
	t.Helper()
	if box, ok := p.cfg.Consumer.Sender.(*testSender); ok {
		return box.all()
	}
	b, err := os.ReadFile(filepath.Join(p.cfg.DataDir, server.OutboxFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	var out []sentMessage
	for line := range strings.Lines(string(b)) {
		var m sentMessage
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		out = append(out, m)
	}
	return out
}

// code returns the last code sent to to (a phone number in E.164 or an
// email address).
func (p *platform) code(t *testing.T, to string) string {
	t.Helper()
	var code string
	for _, m := range p.messages(t) {
		if m.To == to {
			code = m.Code
		}
	}
	require.NotEmpty(t, code, "no code was sent to %s", to)
	return code
}

// testSender keeps the codes it is given instead of sending them.
type testSender struct {
	mu   sync.Mutex
	msgs []sentMessage
}

func (s *testSender) Send(_ context.Context, m identity.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, sentMessage{To: m.To, Channel: m.Channel, Text: m.Text, Code: m.Code, Created: m.Created})
	return nil
}

func (s *testSender) all() []sentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// withSender makes the platform hand its codes to a testSender.
func withSender(cfg *server.Config) { cfg.Consumer.Sender = &testSender{} }

// keys numbers idempotency keys.
var keys atomic.Int64

// key returns a fresh idempotency key.
func key(what string) string { return fmt.Sprintf("%s-%d", what, keys.Add(1)) }

// topup tops u's HKD wallet up by amount and waits for the bank.
func topup(t *testing.T, u *user, amount int64) *client.Funding {
	t.Helper()
	f, err := u.c.Topup(context.Background(), key("topup"), client.TopupParams{Amount: amount, Currency: "HKD"})
	require.NoError(t, err)
	require.Equal(t, "topup", f.Object)
	f = waitFunding(t, u, f.ID, u.c.GetTopup)
	require.Equal(t, "succeeded", f.Status)
	return f
}

// waitFunding polls a top-up or withdrawal until the bank has settled it.
func waitFunding(t *testing.T, u *user, id string, get func(context.Context, string) (*client.Funding, error)) *client.Funding {
	t.Helper()
	var f *client.Funding
	require.Eventually(t, func() bool {
		var err error
		f, err = get(context.Background(), id)
		require.NoError(t, err)
		return f.Status != "pending"
	}, 15*time.Second, 5*time.Millisecond, "funding %s still pending", id)
	return f
}

// balance returns u's HKD wallet.
func balance(t *testing.T, u *user) client.Wallet {
	t.Helper()
	w, err := u.c.Wallet(context.Background(), "HKD")
	require.NoError(t, err)
	return *w
}

// requireAPIError asserts err is an API error with this status and code.
func requireAPIError(t *testing.T, err error, status int, code string) *client.Error {
	t.Helper()
	require.Error(t, err)
	var e *client.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, code, e.Code, "status %d: %s", e.Status, e.Message)
	require.Equal(t, status, e.Status, e.Code)
	return e
}

// apiError is an error answer as it travels.
type apiError struct {
	Error struct {
		Type    string `json:"type"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Param   string `json:"param"`
	} `json:"error"`
}

// requireErrorBody decodes an error answer and checks its status and code.
func requireErrorBody(t *testing.T, status int, body []byte, wantStatus int, wantCode string) apiError {
	t.Helper()
	var e apiError
	require.NoError(t, json.Unmarshal(body, &e), string(body))
	require.Equal(t, wantCode, e.Error.Code, "body %s", body)
	require.Equal(t, wantStatus, status, "body %s", body)
	require.NotEmpty(t, e.Error.Type)
	require.NotEmpty(t, e.Error.Message)
	return e
}

// jsonHeader is the header of a JSON request, with a fresh idempotency
// key when key is not empty.
func jsonHeader(key string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	if key != "" {
		h.Set("Idempotency-Key", key)
	}
	return h
}

// hkid returns a valid Hong Kong identity card number for letter and six
// digits: the check digit makes the weighted sum (9 down to 1; letters
// A=10…Z=35; the empty first place of a one-letter number 36) divisible
// by 11.
func hkid(letter byte, digits string) string {
	sum := 9*36 + 8*(int(letter-'A')+10)
	for i := range 6 {
		sum += (7 - i) * int(digits[i]-'0')
	}
	check := (11 - sum%11) % 11
	c := byte('0' + check)
	if check == 10 {
		c = 'A'
	}
	return fmt.Sprintf("%c%s(%c)", letter, digits, c)
}

// totpCode returns the TOTP code of secret for now shifted by steps of 30
// seconds. A code works once and only a later step after it, so tests that
// need several codes without waiting use increasing shifts (-1, 0, +1),
// all within the accepted skew.
func totpCode(t *testing.T, secret string, steps int) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, time.Now().Add(time.Duration(steps)*30*time.Second))
	require.NoError(t, err)
	return code
}
