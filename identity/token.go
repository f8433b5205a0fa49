package identity

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
)

// Token prefixes, so a token pasted in the wrong place is recognised.
const (
	accessPrefix  = "at_"
	refreshPrefix = "rt_"
	// accessVersion is the first field of an access token's payload.
	accessVersion = "1"
	// refreshSecretLen is the random part of a refresh token, in bytes.
	refreshSecretLen = 32
)

var b64url = base64.RawURLEncoding

func errInvalidToken() *cashless.Error {
	return cashless.Errorf(EInvalidToken, "The token is invalid, expired or revoked.")
}

// signAccess returns an access token for the user's session, valid until
// exp (whole seconds):
//
//	"at_" + base64url("1|<user id>|<session id>|<exp unix s>") + "." + base64url(HMAC-SHA256)
//
// The MAC covers everything before the dot.
func signAccess(key []byte, userID, sessionID string, exp int64) string {
	payload := accessVersion + "|" + userID + "|" + sessionID + "|" + strconv.FormatInt(exp, 10)
	head := accessPrefix + b64url.EncodeToString([]byte(payload))
	return head + "." + b64url.EncodeToString(accessMAC(key, head))
}

func accessMAC(key []byte, head string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(head))
	return m.Sum(nil)
}

// verifyAccess checks an access token's MAC (in constant time) and expiry
// at now and returns whom it speaks for. It does not look at the session.
func verifyAccess(key []byte, token string, now time.Time) (Principal, error) {
	head, mac64, ok := strings.Cut(token, ".")
	if !ok || !strings.HasPrefix(head, accessPrefix) {
		return Principal{}, errInvalidToken()
	}
	mac, err := b64url.DecodeString(mac64)
	if err != nil || !hmac.Equal(mac, accessMAC(key, head)) {
		return Principal{}, errInvalidToken()
	}
	payload, err := b64url.DecodeString(head[len(accessPrefix):])
	if err != nil {
		return Principal{}, errInvalidToken()
	}
	f := strings.Split(string(payload), "|")
	if len(f) != 4 || f[0] != accessVersion || !id.HasPrefix(f[1], id.User) || !id.HasPrefix(f[2], id.Session) {
		return Principal{}, errInvalidToken()
	}
	exp, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil || now.Unix() >= exp {
		return Principal{}, errInvalidToken()
	}
	return Principal{UserID: f[1], SessionID: f[2]}, nil
}

// newRefresh returns a new refresh token of a session and the SHA-256 that
// is stored in its place: "rt_" + session id + "." + base64url(32 random
// bytes).
func newRefresh(sessionID string) (token string, hash []byte) {
	secret := make([]byte, refreshSecretLen)
	rand.Read(secret)
	token = refreshPrefix + sessionID + "." + b64url.EncodeToString(secret)
	return token, hashRefresh(token)
}

func hashRefresh(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// parseRefresh returns the session id of a well-formed refresh token.
func parseRefresh(token string) (sessionID string, err error) {
	rest, ok := strings.CutPrefix(token, refreshPrefix)
	if !ok {
		return "", errInvalidToken()
	}
	sessionID, secret, ok := strings.Cut(rest, ".")
	if !ok || !id.HasPrefix(sessionID, id.Session) || len(sessionID) > 64 {
		return "", errInvalidToken()
	}
	if b, err := b64url.DecodeString(secret); err != nil || len(b) != refreshSecretLen {
		return "", errInvalidToken()
	}
	return sessionID, nil
}
