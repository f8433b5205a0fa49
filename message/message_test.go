package message_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/message"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 123_456_000, time.UTC)

func msg(to, code string) identity.Message {
	return identity.Message{To: to, Channel: identity.ChannelPhone, Text: "Your Cashless code is " + code + ".", Code: code, Created: t0}
}

// line is a message as it travels, decoded without the package's types.
type line struct {
	To, Channel, Text, Code string
	Created                 time.Time
}

func TestFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "outbox", "messages.jsonl")
	f, err := message.OpenFile(path)
	require.NoError(t, err)
	require.Equal(t, path, f.Path())
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			require.NoError(t, f.Send(context.Background(), msg("+85291234567", "1234"+string(rune('0'+i/10))+string(rune('0'+i%10)))))
		})
	}
	wg.Wait()
	require.NoError(t, f.Close())

	// Reopening appends.
	f, err = message.OpenFile(path)
	require.NoError(t, err)
	require.NoError(t, f.Send(context.Background(), identity.Message{To: "ada@example.com", Channel: identity.ChannelEmail,
		Text: "Your code is 000042.", Code: "000042", Created: t0.In(time.FixedZone("HKT", 8*3600))}))
	require.NoError(t, f.Close())

	file, err := os.Open(path)
	require.NoError(t, err)
	defer file.Close()
	var lines []line
	codes := map[string]bool{}
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		var raw map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &raw), sc.Text())
		require.Len(t, raw, 5, "to, channel, text, code, created: %s", sc.Text())
		var l line
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l))
		lines = append(lines, l)
		codes[l.Code] = true
	}
	require.NoError(t, sc.Err())
	require.Len(t, lines, 51)
	require.Len(t, codes, 51, "every line whole")
	require.Equal(t, line{To: "+85291234567", Channel: "phone", Text: "Your Cashless code is " + lines[0].Code + ".", Code: lines[0].Code, Created: t0}, lines[0])
	require.Equal(t, line{To: "ada@example.com", Channel: "email", Text: "Your code is 000042.", Code: "000042", Created: t0}, lines[50])
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(b), `"created":"2026-03-04T05:06:07.123456Z"`, "in UTC")

	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	st, err = os.Stat(filepath.Dir(path))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm())
}

func TestHTTPS(t *testing.T) {
	t.Parallel()
	type got struct {
		method, path, contentType, auth string
		body                            line
		fields                          int
	}
	var mu sync.Mutex
	var posts []got
	status := http.StatusAccepted
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		var g got
		g.method, g.path, g.contentType, g.auth = r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("Authorization")
		require.NoError(t, json.Unmarshal(b, &g.body))
		var raw map[string]any
		require.NoError(t, json.Unmarshal(b, &raw))
		g.fields = len(raw)
		mu.Lock()
		posts = append(posts, g)
		s := status
		mu.Unlock()
		w.WriteHeader(s)
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()

	h, err := message.NewHTTPS(message.HTTPSOptions{URL: srv.URL + "/v1/messages", Token: "s3cret", Client: srv.Client()})
	require.NoError(t, err)
	require.NoError(t, h.Send(ctx, msg("+85291234567", "123456")))
	require.Equal(t, []got{{method: "POST", path: "/v1/messages", contentType: "application/json", auth: "Bearer s3cret", fields: 5,
		body: line{To: "+85291234567", Channel: "phone", Text: "Your Cashless code is 123456.", Code: "123456", Created: t0}}}, posts)

	// Without a token, no Authorization header.
	h, err = message.NewHTTPS(message.HTTPSOptions{URL: srv.URL, Client: srv.Client()})
	require.NoError(t, err)
	require.NoError(t, h.Send(ctx, msg("+85291234567", "654321")))
	require.Empty(t, posts[1].auth)

	// A refusal is an error that repeats nothing of the message.
	for _, s := range []int{http.StatusInternalServerError, http.StatusUnauthorized, http.StatusFound} {
		mu.Lock()
		status = s
		mu.Unlock()
		err = h.Send(ctx, msg("+85291234567", "777777"))
		require.ErrorContains(t, err, fmt.Sprintf("the endpoint answered %d", s), "a redirect is not followed either")
		require.NotContains(t, err.Error(), "777777")
		require.NotContains(t, err.Error(), "91234567")
	}

	// The server's certificate must be trusted: the default client does not know the test CA.
	h, err = message.NewHTTPS(message.HTTPSOptions{URL: srv.URL})
	require.NoError(t, err)
	err = h.Send(ctx, msg("+85291234567", "888888"))
	require.ErrorContains(t, err, "certificate")
	require.NotContains(t, err.Error(), srv.URL, "the endpoint's URL, which may hold a key, is not repeated")

	for _, bad := range []string{"", "http://example.com/messages", "example.com", "https://", "ftp://example.com"} {
		_, err := message.NewHTTPS(message.HTTPSOptions{URL: bad})
		require.Error(t, err, bad)
	}
}
