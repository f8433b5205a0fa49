package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

const sendBody = `{"to":{"username":"bob"},"amount":100,"currency":"HKD","message":"🍜"}`

func TestIdempotentReplay(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		tb := setupOn(t, url)
		first := tb.do(t, req{method: "POST", path: "/v1/transfers", key: "key-1", body: sendBody})
		require.Equal(t, 201, first.Code, first.Body.String())
		require.Empty(t, first.Header().Get("Idempotent-Replayed"))

		again := tb.do(t, req{method: "POST", path: "/v1/transfers", key: "key-1", body: sendBody})
		require.Equal(t, 201, again.Code)
		require.Equal(t, first.Body.String(), again.Body.String())
		require.Equal(t, "true", again.Header().Get("Idempotent-Replayed"))
		require.Equal(t, 1, tb.wallet.sends, "the replay did not run the call")

		// Same key, other body: refused. Same key, other user: theirs.
		w := tb.do(t, req{method: "POST", path: "/v1/transfers", key: "key-1", body: strings.Replace(sendBody, "100", "101", 1)})
		requireError(t, w, 409, "idempotency_key_reused", "")
		require.Equal(t, "conflict_error", errorOf(t, w).Type)
		w = tb.do(t, req{method: "POST", path: "/v1/transfers", key: "key-1", token: "tok-usr_bob", body: `{"to":{"username":"alice"},"amount":100,"currency":"HKD"}`})
		require.Equal(t, 201, w.Code)

		// Errors are stored and replayed too.
		bad := `{"to":{"username":"nobody"},"amount":100,"currency":"HKD"}`
		w = tb.do(t, req{method: "POST", path: "/v1/transfers", key: "key-2", body: bad})
		requireError(t, w, 404, "recipient_not_found", "")
		w = tb.do(t, req{method: "POST", path: "/v1/transfers", key: "key-2", body: bad})
		requireError(t, w, 404, "recipient_not_found", "")
		require.Equal(t, "true", w.Header().Get("Idempotent-Replayed"))
	})
}

func TestIdempotencyNotStored(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	// A server error is not final: the retry runs the call again.
	fail := `{"to":{"username":"bob"},"amount":100,"currency":"HKD","message":"fail"}`
	require.Equal(t, 500, tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k5", body: fail}).Code)
	w := tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k5", body: fail})
	require.Equal(t, 500, w.Code)
	require.Empty(t, w.Header().Get("Idempotent-Replayed"))

	// A step-up refusal is not final either: the retry adds the code.
	big := `{"to":{"username":"bob"},"amount":600000,"currency":"HKD"}`
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k6", body: big}), 403, "totp_required", "")
	w = tb.do(t, req{method: "POST", path: "/v1/transfers", key: "k6", body: `{"to":{"username":"bob"},"amount":600000,"currency":"HKD","totp_code":"123456"}`})
	require.Equal(t, 201, w.Code, w.Body.String())

	// Auth answers carry tokens: the key is checked but nothing is stored,
	// so a retried signup is a fresh call.
	signup := `{"phone":"+85255511111","name":"Dee","password":"long enough pw"}`
	require.Equal(t, 201, tb.do(t, req{method: "POST", path: "/v1/auth/signup", token: "-", key: "s1", body: signup}).Code)
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/auth/signup", token: "-", key: "s1", body: signup}), 409, "phone_taken", "")
	requireError(t, tb.do(t, req{method: "POST", path: "/v1/auth/signup", token: "-", key: "bad\tkey", body: signup}), 400, "invalid_idempotency_key", "")
}

// TestConcurrentSameKey fires one key many times at once: exactly one call
// runs; every other answer is 409 in use or the replay of the first.
func TestConcurrentSameKey(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		tb := setupOn(t, url)
		tb.wallet.block = make(chan struct{})
		const n = 12
		codes := make([]int, n)
		bodies := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := tb.do(t, req{method: "POST", path: "/v1/transfers", key: "same", body: sendBody})
				codes[i], bodies[i] = w.Code, w.Body.String()
			}()
		}
		// Let the first call finish only once the others have been turned away.
		require.Eventually(t, func() bool {
			return strings.Count(tb.logs.String(), `"status":409`) == n-1
		}, 10e9, 1e6)
		close(tb.wallet.block)
		wg.Wait()
		created := 0
		for i, c := range codes {
			switch c {
			case 201:
				created++
			case 409:
				require.Contains(t, bodies[i], "idempotency_key_in_use")
			default:
				t.Fatalf("unexpected %d: %s", c, bodies[i])
			}
		}
		require.Equal(t, 1, created)
		require.Equal(t, 1, tb.wallet.sends)
	})
}

// TestEveryCodeHasAClass reads every error code constant the identity and
// wallet packages declare (E... = "...") and checks errors.go classifies it,
// so a new code cannot ship without a status.
func TestEveryCodeHasAClass(t *testing.T) {
	t.Parallel()
	codes := map[string]string{}
	for _, dir := range []string{"../identity", "../wallet", "../money", "../idempotency", "../merchant", "../webhook"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
			require.NoError(t, err)
			for _, d := range file.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, name := range vs.Names {
						isCode := len(name.Name) > 1 && name.Name[0] == 'E' && name.Name[1] >= 'A' && name.Name[1] <= 'Z'
						if dir == "../money" {
							isCode = strings.HasSuffix(f, "errors.go")
						}
						if !isCode || i >= len(vs.Values) {
							continue
						}
						lit, ok := vs.Values[i].(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							continue
						}
						v, _ := strconv.Unquote(lit.Value)
						codes[dir+"."+name.Name] = v
					}
				}
			}
		}
	}
	require.Greater(t, len(codes), 40, "the code lists were read")
	for name, code := range codes {
		_, ok := errorClasses[code]
		require.True(t, ok, "%s (%q) has no entry in errorClasses", name, code)
	}
}
