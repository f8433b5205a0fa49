package client

import (
	"context"
	"net/http"
)

// SignupParams are a new user's details.
type SignupParams struct {
	Phone    string `json:"phone"`
	Email    string `json:"email,omitempty"`
	Name     string `json:"name"`
	Username string `json:"username,omitempty"`
	Password string `json:"password"`
}

// Signup registers a user and keeps their tokens.
func (c *Client) Signup(ctx context.Context, p SignupParams) (*Auth, error) {
	var out Auth
	if err := c.do(ctx, call{method: http.MethodPost, path: "/v1/auth/signup", body: p, out: &out}); err != nil {
		return nil, err
	}
	c.setTokens(out.AccessToken, out.RefreshToken)
	return &out, nil
}

// LoginParams identify the user by phone or email.
type LoginParams struct {
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	Password string `json:"password"`
	TOTPCode string `json:"totp_code,omitempty"`
}

// Login signs in and keeps the tokens.
func (c *Client) Login(ctx context.Context, p LoginParams) (*Auth, error) {
	var out Auth
	if err := c.do(ctx, call{method: http.MethodPost, path: "/v1/auth/login", body: p, out: &out}); err != nil {
		return nil, err
	}
	c.setTokens(out.AccessToken, out.RefreshToken)
	return &out, nil
}

// RefreshTokens exchanges the refresh token for a new pair and keeps it.
func (c *Client) RefreshTokens(ctx context.Context) error {
	_, refresh := c.Tokens()
	var out TokenPair
	if err := c.finish(ctx, call{method: http.MethodPost, path: "/v1/auth/refresh",
		body: map[string]string{"refresh_token": refresh}, out: &out}); err != nil {
		return err
	}
	c.setTokens(out.AccessToken, out.RefreshToken)
	return nil
}

// Refresh exchanges a given refresh token, without touching the client's
// own tokens; tests use it to replay old refresh tokens.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*TokenPair, error) {
	var out TokenPair
	if err := c.finish(ctx, call{method: http.MethodPost, path: "/v1/auth/refresh",
		body: map[string]string{"refresh_token": refreshToken}, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Logout ends the current session.
func (c *Client) Logout(ctx context.Context) error {
	return c.finish(ctx, call{method: http.MethodPost, path: "/v1/auth/logout", auth: true})
}

// Me returns the signed-in user with their tier and limits.
func (c *Client) Me(ctx context.Context) (*User, error) {
	var out User
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/me", auth: true, out: &out})
	return &out, err
}

// KYCParams ask for a tier upgrade.
type KYCParams struct {
	Tier     int    `json:"tier"`
	IDNumber string `json:"id_number"`
	Address  string `json:"address,omitempty"`
}

// VerifyKYC asks for a tier upgrade through the (simulated) verification.
func (c *Client) VerifyKYC(ctx context.Context, p KYCParams) (*KYCVerification, error) {
	var out KYCVerification
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/me/kyc", body: p, auth: true, out: &out})
	return &out, err
}

// EnrolTOTP starts a TOTP enrolment.
func (c *Client) EnrolTOTP(ctx context.Context) (*TOTPEnrolment, error) {
	var out TOTPEnrolment
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/me/totp", auth: true, out: &out})
	return &out, err
}

// ConfirmTOTP enables TOTP with a first code.
func (c *Client) ConfirmTOTP(ctx context.Context, code string) error {
	return c.do(ctx, call{method: http.MethodPost, path: "/v1/me/totp/confirm", body: map[string]string{"code": code}, auth: true})
}

// The channels a one-time code confirms, for SendCode and Confirm.
const (
	Phone = "phone"
	Email = "email"
)

// SendCode asks for a new one-time code to the user's phone or email
// (channel Phone or Email). Signup already sends one to each; a new one
// replaces it. Too many answer 429 verification_throttled with a
// RetryAfter.
func (c *Client) SendCode(ctx context.Context, channel string) (*Verification, error) {
	var out Verification
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/me/" + channel + "/verification", auth: true, out: &out})
	return &out, err
}

// Confirm confirms the user's phone or email with the code sent to it;
// from then on others find the user by it.
func (c *Client) Confirm(ctx context.Context, channel, code string) (*Verification, error) {
	var out Verification
	err := c.do(ctx, call{method: http.MethodPost, path: "/v1/me/" + channel + "/verify", body: map[string]string{"code": code}, auth: true, out: &out})
	return &out, err
}

// Sessions lists the user's live sessions.
func (c *Client) Sessions(ctx context.Context) (*List[Session], error) {
	var out List[Session]
	err := c.do(ctx, call{method: http.MethodGet, path: "/v1/sessions", auth: true, out: &out})
	return &out, err
}

// RevokeSession ends one of the user's sessions.
func (c *Client) RevokeSession(ctx context.Context, id string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: "/v1/sessions/" + id, auth: true})
}
