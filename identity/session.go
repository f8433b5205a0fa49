package identity

import (
	"context"
	"fmt"
	"time"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
)

// newSession makes a session of the user starting at now, with its first
// token pair. The caller stores the session.
func (s *Identity) newSession(ctx context.Context, userID string, c Client, now time.Time) (*SessionRecord, *Tokens, error) {
	ses := &SessionRecord{
		ID:        id.New(id.Session),
		UserID:    userID,
		Created:   now,
		LastUsed:  now,
		Expires:   now.Add(s.opts.RefreshTTL),
		UserAgent: truncateUTF8(c.UserAgent, maxUserAgentBytes),
	}
	if c.IP != "" {
		var err error
		if ses.IPSealed, err = s.seal(ctx, ses.ID, "ip", truncateUTF8(c.IP, maxIPBytes)); err != nil {
			return nil, nil, err
		}
	}
	var refresh string
	refresh, ses.RefreshHash = newRefresh(ses.ID)
	return ses, s.tokens(userID, ses.ID, refresh, now), nil
}

// tokens signs an access token for the session and pairs it with refresh.
func (s *Identity) tokens(userID, sessionID, refresh string, now time.Time) *Tokens {
	exp := now.Add(s.opts.AccessTTL).Unix()
	return &Tokens{
		AccessToken:   signAccess(s.opts.TokenKey, userID, sessionID, exp),
		RefreshToken:  refresh,
		AccessExpires: time.Unix(exp, 0).UTC(),
		SessionID:     sessionID,
	}
}

// Refresh implements Service. The session's expiry moves to RefreshTTL
// after now. Presenting a spent refresh token revokes the session, so a
// stolen token is good for at most one use, by the thief or the owner,
// after which both are logged out.
func (s *Identity) Refresh(ctx context.Context, refreshToken string) (*Tokens, error) {
	sessionID, err := parseRefresh(refreshToken)
	if err != nil {
		return nil, err
	}
	now := s.now()
	next, nextHash := newRefresh(sessionID)
	userID, err := s.store.RotateRefresh(ctx, Rotation{
		SessionID: sessionID,
		OldHash:   hashRefresh(refreshToken),
		NewHash:   nextHash,
		Now:       now,
		Expires:   now.Add(s.opts.RefreshTTL),
	})
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	return s.tokens(userID, sessionID, next, now), nil
}

// Authenticate implements Service: the signature and expiry are checked
// first, then that the session is live, so a revocation takes effect at
// once.
func (s *Identity) Authenticate(ctx context.Context, accessToken string) (Principal, error) {
	now := s.now()
	p, err := verifyAccess(s.opts.TokenKey, accessToken, now)
	if err != nil {
		return Principal{}, err
	}
	live, err := s.store.SessionLive(ctx, p.UserID, p.SessionID, now)
	if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	if !live {
		return Principal{}, errInvalidToken()
	}
	return p, nil
}

// Logout implements Service. Logging out of a session that has already
// ended succeeds.
func (s *Identity) Logout(ctx context.Context, p Principal) error {
	err := s.store.RevokeSession(ctx, p.UserID, p.SessionID, s.now())
	if err != nil && cashless.ErrorCode(err) != ESessionNotFound {
		return fmt.Errorf("log out: %w", err)
	}
	return nil
}

// Sessions implements Service.
func (s *Identity) Sessions(ctx context.Context, p Principal) ([]*Session, error) {
	recs, err := s.store.Sessions(ctx, p.UserID, s.now())
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	out := make([]*Session, 0, len(recs))
	for _, r := range recs {
		ses := &Session{
			ID:        r.ID,
			UserID:    r.UserID,
			Created:   r.Created,
			LastUsed:  r.LastUsed,
			Expires:   r.Expires,
			UserAgent: r.UserAgent,
			Current:   r.ID == p.SessionID,
		}
		if r.IPSealed != nil {
			if ses.IP, err = s.unseal(ctx, r.ID, "ip", r.IPSealed); err != nil {
				return nil, err
			}
		}
		out = append(out, ses)
	}
	return out, nil
}

// RevokeSession implements Service.
func (s *Identity) RevokeSession(ctx context.Context, userID, sessionID string) error {
	if err := s.store.RevokeSession(ctx, userID, sessionID, s.now()); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}
