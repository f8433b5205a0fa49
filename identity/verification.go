package identity

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"time"

	cashless "github.com/cashless-dev/cashless"
)

// A phone number or email address is reachable (FindUser finds its user,
// so others can pay or ask money of it) only once its holder has typed in
// a six-digit code sent to it. Without this, anyone could sign up with
// someone else's number and receive the money meant for them.

// Channels: the two ways to reach a user that need confirming.
const (
	ChannelPhone = "phone"
	ChannelEmail = "email"
)

// Statuses of a Verification.
const (
	VerificationPending  = "pending"
	VerificationVerified = "verified"
)

// Error codes of phone and email verification.
const (
	// EInvalidCode: the one-time code is not the one sent; tries may be
	// left (the message says how many).
	EInvalidCode = "invalid_verification_code"
	// EVerificationNotPending: no code is waiting to be confirmed: none
	// was sent, it expired, or its tries are used up. Ask for a new one.
	EVerificationNotPending = "verification_not_pending"
	// EAlreadyVerified: the phone or email is already confirmed.
	EAlreadyVerified = "already_verified"
	// ENoEmail: the user has no email address to confirm.
	ENoEmail = "email_not_set"
	// EVerificationThrottled: codes were sent too recently or too often;
	// the error's RetryAfter says when the next may go.
	EVerificationThrottled = "verification_throttled"
)

// codeDigits is the length of a one-time code.
const codeDigits = 6

// Sender delivers one-time codes to phones and email addresses. It is
// declared here, by its user; package message implements it.
type Sender interface {
	// Send delivers m, or hands it to the channel's provider, before it
	// returns. Its errors must not repeat m's contents: they are logged.
	Send(ctx context.Context, m Message) error
}

// SenderFunc lets a function serve as a Sender.
type SenderFunc func(ctx context.Context, m Message) error

// Send implements Sender.
func (f SenderFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }

// Message is a one-time code on its way to a phone or an email address.
type Message struct {
	// To is the E.164 phone number or the email address.
	To string
	// Channel is ChannelPhone or ChannelEmail.
	Channel string
	// Text is what the person reads; it contains Code.
	Text string
	// Code is the six-digit code, for senders that format their own text.
	Code    string
	Created time.Time
}

// Verification is where the confirmation of a phone or email stands.
type Verification struct {
	Channel string
	Status  string // VerificationPending or VerificationVerified
	// Expires is when the pending code stops working; zero once verified.
	Expires time.Time
}

// VerificationOptions bound one-time codes. A code lives CodeTTL and
// allows MaxTries tries; per user and channel, codes go out at most once
// per MinInterval and PerWindow times per Window.
type VerificationOptions struct {
	CodeTTL     time.Duration // 10 minutes
	MaxTries    int           // 5
	MinInterval time.Duration // 60 seconds
	PerWindow   int           // 5
	Window      time.Duration // 1 hour
}

// DefaultVerification holds the default bounds of one-time codes.
var DefaultVerification = VerificationOptions{
	CodeTTL:     10 * time.Minute,
	MaxTries:    5,
	MinInterval: time.Minute,
	PerWindow:   5,
	Window:      time.Hour,
}

func (o VerificationOptions) withDefaults() VerificationOptions {
	d := DefaultVerification
	if o.CodeTTL <= 0 {
		o.CodeTTL = d.CodeTTL
	}
	if o.MaxTries <= 0 {
		o.MaxTries = d.MaxTries
	}
	if o.MinInterval <= 0 {
		o.MinInterval = d.MinInterval
	}
	if o.PerWindow <= 0 {
		o.PerWindow = d.PerWindow
	}
	if o.Window <= 0 {
		o.Window = d.Window
	}
	return o
}

// SendVerification implements Service.
func (s *Identity) SendVerification(ctx context.Context, userID, channel string) (*Verification, error) {
	if err := checkChannel(channel); err != nil {
		return nil, err
	}
	rec, err := s.store.User(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("send verification code: %w", err)
	}
	if released(rec, channel) {
		return nil, releasedErr(channel)
	}
	u, err := s.open(ctx, rec)
	if err != nil {
		return nil, err
	}
	if channel == ChannelPhone {
		return s.sendCode(ctx, u.ID, channel, u.Phone, rec.PhoneIndex)
	}
	return s.sendCode(ctx, u.ID, channel, u.Email, rec.EmailIndex)
}

// sendAtSignup sends the first codes of a new user. The user exists
// whatever happens here, so a failure is logged, not returned: the user
// can ask for a code again.
func (s *Identity) sendAtSignup(ctx context.Context, u *User, rec *UserRecord) {
	send := func(channel, to string, index []byte) {
		if to == "" {
			return
		}
		if _, err := s.sendCode(ctx, u.ID, channel, to, index); err != nil {
			s.opts.Logger.LogAttrs(ctx, slog.LevelWarn, "could not send the verification code at signup",
				slog.String("user_id", u.ID), slog.String("channel", channel), slog.String("error", err.Error()))
		}
	}
	send(ChannelPhone, u.Phone, rec.PhoneIndex)
	send(ChannelEmail, u.Email, rec.EmailIndex)
}

// sendCode records a new code for the channel, replacing any pending one,
// and sends it to to, whose blind index is index. The code is recorded
// before it is sent, so a send that fails still counts against the limits
// and a crash in between leaves no code in the field that is not stored.
func (s *Identity) sendCode(ctx context.Context, userID, channel, to string, index []byte) (*Verification, error) {
	if to == "" {
		return nil, cashless.Errorf(ENoEmail, "There is no email address to confirm.")
	}
	o := s.opts.Verification
	now := s.now()
	code, err := newCode()
	if err != nil {
		return nil, err
	}
	hash := s.codeHash(userID, channel, index, code)
	var wait time.Duration
	var verified bool
	err = s.store.UpdateVerification(ctx, userID, channel, func(v *VerificationRecord) bool {
		wait, verified = 0, v.verifiedFor(index)
		if verified {
			return false
		}
		if wait = o.sendWait(v, now); wait > 0 {
			return false
		}
		o.countSend(v, now)
		v.ValueIndex, v.CodeHash, v.Tries, v.Expires = index, hash, 0, now.Add(o.CodeTTL)
		return true
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("record verification code: %w", err)
	case verified:
		return nil, alreadyVerified(channel)
	case wait > 0:
		return nil, &cashless.Error{Code: EVerificationThrottled, RetryAfter: wholeSeconds(wait),
			Message: "A code was sent recently. Try again later."}
	}
	m := Message{To: to, Channel: channel, Code: code, Created: now, Text: fmt.Sprintf(
		"Your Cashless code is %s. It expires in %d minutes. Never share it: Cashless never asks for it.",
		code, int(o.CodeTTL/time.Minute))}
	if err := s.opts.Sender.Send(ctx, m); err != nil {
		return nil, fmt.Errorf("send verification code: %w", err)
	}
	return &Verification{Channel: channel, Status: VerificationPending, Expires: now.Add(o.CodeTTL)}, nil
}

// ConfirmVerification implements Service. Every try is counted before the
// code is compared, in the same transaction, so no number of concurrent
// guesses gets more than MaxTries comparisons of one code. The right code
// makes the user the value's one holder in that transaction too, dropping
// every other account's unconfirmed claim on it; it fails with EPhoneTaken
// or EEmailTaken when another account confirmed the value first, and for
// good once this user's claim was dropped.
func (s *Identity) ConfirmVerification(ctx context.Context, userID, channel, code string) (*Verification, error) {
	if err := checkChannel(channel); err != nil {
		return nil, err
	}
	code = strings.TrimSpace(code)
	if !isCode(code) {
		return nil, &cashless.Error{Code: EInvalidCode, Param: "code", Message: "The code is six digits."}
	}
	rec, err := s.store.User(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("confirm verification code: %w", err)
	}
	index := rec.PhoneIndex
	if channel == ChannelEmail {
		if index = rec.EmailIndex; index == nil {
			return nil, cashless.Errorf(ENoEmail, "There is no email address to confirm.")
		}
	}
	if released(rec, channel) {
		return nil, releasedErr(channel)
	}
	hash := s.codeHash(userID, channel, index, code)
	o := s.opts.Verification
	now := s.now()
	var out confirmation
	var left int
	err = s.store.UpdateVerification(ctx, userID, channel, func(v *VerificationRecord) bool {
		out, left = o.confirm(v, index, hash, now)
		return out == confirmed || out == wrongCode
	})
	if err != nil {
		return nil, fmt.Errorf("confirm verification code: %w", err)
	}
	switch out {
	case alreadyConfirmed:
		return nil, alreadyVerified(channel)
	case notPending:
		return nil, cashless.Errorf(EVerificationNotPending, "No code is pending: it expired, its tries are used up, or none was sent. Ask for a new one.")
	case wrongCode:
		msg := fmt.Sprintf("The code is not correct. %d tries are left.", left)
		if left == 0 {
			msg = "The code is not correct, and no tries are left. Ask for a new one."
		}
		return nil, &cashless.Error{Code: EInvalidCode, Param: "code", Message: msg}
	}
	return &Verification{Channel: channel, Status: VerificationVerified}, nil
}

// confirmation is the outcome of one try of a code.
type confirmation int

const (
	confirmed confirmation = iota
	wrongCode
	notPending
	alreadyConfirmed
)

// confirm tries the code whose keyed hash is hash against v at now, for
// the value whose blind index is index, and changes v as the try does. It
// returns the outcome and, for a wrong code, the tries left.
func (o VerificationOptions) confirm(v *VerificationRecord, index, hash []byte, now time.Time) (confirmation, int) {
	if v.verifiedFor(index) {
		return alreadyConfirmed, 0
	}
	if v.CodeHash == nil || !bytes.Equal(v.ValueIndex, index) || !now.Before(v.Expires) || v.Tries >= o.MaxTries {
		return notPending, 0
	}
	v.Tries++
	if hmac.Equal(hash, v.CodeHash) {
		v.CodeHash, v.Tries, v.Expires, v.Verified = nil, 0, time.Time{}, now
		return confirmed, 0
	}
	left := o.MaxTries - v.Tries
	if left == 0 {
		v.CodeHash = nil // nothing left to guess at
	}
	return wrongCode, left
}

// sendWait returns how long to wait before the next code may go to v's
// channel at now: zero when it may go now.
func (o VerificationOptions) sendWait(v *VerificationRecord, now time.Time) time.Duration {
	var wait time.Duration
	if next := v.LastSent.Add(o.MinInterval); now.Before(next) {
		wait = next.Sub(now)
	}
	if end := v.WindowStart.Add(o.Window); now.Before(end) && v.Sends >= o.PerWindow {
		wait = max(wait, end.Sub(now))
	}
	return wait
}

// countSend records a code sent at now.
func (o VerificationOptions) countSend(v *VerificationRecord, now time.Time) {
	if !now.Before(v.WindowStart.Add(o.Window)) {
		v.Sends, v.WindowStart = 0, now
	}
	v.Sends++
	v.LastSent = now
}

// released reports whether the user's claim on the channel's value was
// dropped because another account confirmed it.
func released(rec *UserRecord, channel string) bool {
	if channel == ChannelEmail {
		return rec.EmailReleased
	}
	return rec.PhoneReleased
}

// verifiedFor reports whether v confirmed the value whose blind index is
// index.
func (v *VerificationRecord) verifiedFor(index []byte) bool {
	return !v.Verified.IsZero() && bytes.Equal(v.ValueIndex, index)
}

// codeHash is what is stored of a code: an HMAC under the vault's index
// key, bound to the user, the channel and the value the code went to. A
// plain hash of six digits would fall to a million guesses; this one
// cannot be checked without the key, which the database does not hold.
func (s *Identity) codeHash(userID, channel string, index []byte, code string) []byte {
	return s.vault.BlindIndex("verification code",
		userID+"/"+channel+"/"+base64.RawURLEncoding.EncodeToString(index)+"/"+code)
}

// newCode returns six uniformly random digits.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("make verification code: %w", err)
	}
	return fmt.Sprintf("%0*d", codeDigits, n.Int64()), nil
}

// isCode reports whether s has the form of a code: six ASCII digits.
func isCode(s string) bool {
	if len(s) != codeDigits {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func checkChannel(channel string) error {
	if channel != ChannelPhone && channel != ChannelEmail {
		return &cashless.Error{Code: cashless.EInvalid, Param: "channel", Message: "The channel is phone or email."}
	}
	return nil
}

func alreadyVerified(channel string) error {
	return cashless.Errorf(EAlreadyVerified, "The %s is already confirmed.", channel)
}

// wholeSeconds rounds d up to whole seconds, as Retry-After counts them.
func wholeSeconds(d time.Duration) time.Duration {
	return (d + time.Second - 1).Truncate(time.Second)
}
