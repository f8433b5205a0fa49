package identity

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/internal/importcheck"
)

// TestImports keeps the domain free of drivers and HTTP.
func TestImports(t *testing.T) {
	t.Parallel()
	importcheck.Forbid(t, 8, "database/sql", "net/http", "github.com/go-sql-driver", "modernc.org/sqlite",
		"github.com/cashless-dev/cashless/sqldb")
}

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h := hashPassword("correct horse battery", CheapArgon2)
	require.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$"), h)
	ok, err := checkPasswordHash("correct horse battery", h)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = checkPasswordHash("correct horse batterY", h)
	require.NoError(t, err)
	require.False(t, ok)
	require.NotEqual(t, h, hashPassword("correct horse battery", CheapArgon2), "salted")

	// Hashes keep their own parameters.
	strong := hashPassword("pw", Argon2Params{Time: 2, Memory: 128, Threads: 2, SaltLen: 8, KeyLen: 16})
	ok, err = checkPasswordHash("pw", strong)
	require.NoError(t, err)
	require.True(t, ok)

	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=18$m=64,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=0,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaA", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$"} {
		_, err := checkPasswordHash("pw", bad)
		require.ErrorIs(t, err, errBadHash, bad)
	}
}

func TestLockoutDurations(t *testing.T) {
	t.Parallel()
	o := DefaultThrottle
	for level, want := range map[int]time.Duration{1: 1, 2: 2, 3: 4, 6: 32, 7: 60, 8: 60, 1000: 60} {
		require.Equal(t, want*time.Minute, o.lockout(level), "level %d", level)
	}
}

func TestAccessToken(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Unix(1_800_000_000, 0)
	tok := signAccess(key, "usr_a", "ses_b", now.Unix()+60)
	p, err := verifyAccess(key, tok, now)
	require.NoError(t, err)
	require.Equal(t, Principal{UserID: "usr_a", SessionID: "ses_b"}, p)
	_, err = verifyAccess(key, tok, now.Add(time.Minute))
	require.Error(t, err, "expired at exp")

	forge := func(payload string) string {
		head := accessPrefix + b64url.EncodeToString([]byte(payload))
		return head + "." + b64url.EncodeToString(accessMAC(key, head))
	}
	for _, payload := range []string{"2|usr_a|ses_b|1800000060", "1|ses_b|usr_a|1800000060", "1|usr_a|ses_b", "1|usr_a|ses_b|soon", "1|usr_a|ses_b|1800000060|x"} {
		_, err := verifyAccess(key, forge(payload), now)
		require.Error(t, err, payload)
	}
}

func FuzzVerifyAccess(f *testing.F) {
	key := []byte("0123456789abcdef0123456789abcdef")
	f.Add(signAccess(key, "usr_a", "ses_b", 1_800_000_060))
	f.Add("at_.")
	f.Fuzz(func(t *testing.T, token string) {
		if _, err := verifyAccess(key, token, time.Unix(1_800_000_000, 0)); err == nil && token != signAccess(key, "usr_a", "ses_b", 1_800_000_060) {
			t.Fatalf("accepted a token it did not sign: %q", token)
		}
	})
}

func FuzzParseRefresh(f *testing.F) {
	tok, _ := newRefresh("ses_b")
	f.Add(tok)
	f.Add("rt_ses_b.")
	f.Fuzz(func(t *testing.T, token string) {
		sessionID, err := parseRefresh(token)
		if err == nil && !strings.HasPrefix(token, "rt_"+sessionID+".") {
			t.Fatalf("session %q not from %q", sessionID, token)
		}
	})
}
