package identity

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	cashless "github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/vault"
)

// Identity implements Service on a Store, sealing personal data with a
// vault. It is safe for concurrent use and holds no state of its own, so
// any number of instances may share one database.
type Identity struct {
	store Store
	vault *vault.Vault
	opts  Options
	// dummyHash is checked against when a login names no user, so that an
	// unknown user costs the same hashing time as a wrong password.
	dummyHash string
}

var (
	_ Service = (*Identity)(nil)
	_ APIKeys = (*Identity)(nil)
)

// New returns the identity service on store and v. opts.TokenKey is
// required; other options default (see Options).
func New(store Store, v *vault.Vault, opts Options) (*Identity, error) {
	if store == nil || v == nil {
		return nil, errors.New("identity: New needs a store and a vault")
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	opts.TokenKey = append([]byte(nil), opts.TokenKey...)
	return &Identity{
		store:     store,
		vault:     v,
		opts:      opts,
		dummyHash: hashPassword("not the password of anyone", opts.Argon2),
	}, nil
}

func (s *Identity) now() time.Time { return s.opts.Now().UTC() }

// Signup implements Service.
func (s *Identity) Signup(ctx context.Context, in SignupInput) (*User, *Tokens, error) {
	f, err := validateSignup(in, s.opts.PhoneRegion)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	u := &UserRecord{
		ID:           id.New(id.User),
		PhoneIndex:   s.vault.BlindIndex("phone", f.phone),
		Username:     f.username,
		PasswordHash: hashPassword(in.Password, s.opts.Argon2),
		Created:      now,
	}
	if u.PhoneSealed, err = s.seal(ctx, u.ID, "phone", f.phone); err != nil {
		return nil, nil, err
	}
	if u.NameSealed, err = s.seal(ctx, u.ID, "name", f.name); err != nil {
		return nil, nil, err
	}
	if f.email != "" {
		u.EmailIndex = s.vault.BlindIndex("email", f.email)
		if u.EmailSealed, err = s.seal(ctx, u.ID, "email", f.email); err != nil {
			return nil, nil, err
		}
	}
	if err := s.refuseRepeat(ctx, u, in.Password); err != nil {
		return nil, nil, err
	}
	ses, tokens, err := s.newSession(ctx, u.ID, in.Client, now)
	if err != nil {
		return nil, nil, err
	}
	if err := s.store.CreateUser(ctx, u, ses); err != nil {
		return nil, nil, fmt.Errorf("sign up: %w", err)
	}
	user := &User{ID: u.ID, Phone: f.phone, Email: f.email, Name: f.name, Username: f.username, Created: now}
	s.sendAtSignup(ctx, user, u)
	return user, tokens, nil
}

// Login implements Service. An unknown user and a wrong password give the
// same error after the same hashing work. By a confirmed phone or email
// the login opens its holder; by one no one has confirmed, the first of
// its unconfirmed holders (at most UnconfirmedHolders) whose password
// matches, so that a user can log in before confirming and a squatter's
// account does not stand in the owner's way. Each account is throttled on
// its own: one that is locked is not tried. The failure that reaches a
// limit already answers ELoginLocked.
func (s *Identity) Login(ctx context.Context, in LoginInput) (*User, *Tokens, error) {
	key, keys, err := s.loginKeys(in)
	if err != nil {
		return nil, nil, err
	}
	candidates, err := s.loginCandidates(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	if len(candidates) > 0 {
		keys.accounts = nil
		for _, c := range candidates {
			keys.accounts = append(keys.accounts, "usr:"+c.ID)
		}
	}
	now := s.now()
	throttled, err := s.checkLocked(ctx, keys, now)
	if err != nil {
		return nil, nil, err
	}

	// The accounts still open to a try, and the keys a failure counts on.
	tried := throttleKeys{ip: keys.ip}
	var open []*UserRecord
	for i, c := range candidates {
		if throttled[keys.accounts[i]].LockedUntil.After(now) {
			continue
		}
		open = append(open, c)
		tried.accounts = append(tried.accounts, keys.accounts[i])
	}
	if len(candidates) == 0 {
		tried.accounts = keys.accounts
	}
	rec, err := s.matchPassword(open, in.Password)
	if err != nil {
		return nil, nil, err
	}
	if rec == nil {
		return nil, nil, s.recordFailure(ctx, tried, now,
			cashless.Errorf(EInvalidCredentials, "The phone number, email or password is not correct."))
	}
	account := throttleKeys{accounts: []string{"usr:" + rec.ID}, ip: keys.ip}
	if rec.TOTPEnabled {
		if in.TOTPCode == "" {
			return nil, nil, &cashless.Error{Code: ETOTPRequired, Param: "totp_code", Message: "A TOTP code is required."}
		}
		if err := s.spendTOTP(ctx, rec, in.TOTPCode, now, false); err != nil {
			if cashless.ErrorCode(err) == EInvalidTOTP {
				return nil, nil, s.recordFailure(ctx, account, now, err)
			}
			return nil, nil, err
		}
	}
	if _, ok := throttled[account.accounts[0]]; ok {
		if err := s.store.ResetThrottle(ctx, account.accounts[0]); err != nil {
			return nil, nil, fmt.Errorf("log in: %w", err)
		}
	}
	user, err := s.open(ctx, rec)
	if err != nil {
		return nil, nil, err
	}
	ses, tokens, err := s.newSession(ctx, rec.ID, in.Client, now)
	if err != nil {
		return nil, nil, err
	}
	if err := s.store.CreateSession(ctx, ses); err != nil {
		return nil, nil, fmt.Errorf("log in: %w", err)
	}
	return user, tokens, nil
}

// matchPassword returns the first of recs whose password is password, or
// nil. With no recs it hashes against a dummy hash, so that a login naming
// no one costs what a wrong password costs.
func (s *Identity) matchPassword(recs []*UserRecord, password string) (*UserRecord, error) {
	if len(recs) == 0 {
		if _, err := checkPasswordHash(password, s.dummyHash); err != nil {
			return nil, fmt.Errorf("log in: %w", err)
		}
		return nil, nil
	}
	for _, rec := range recs {
		ok, err := checkPasswordHash(password, rec.PasswordHash)
		if err != nil {
			return nil, fmt.Errorf("log in: %w", err)
		}
		if ok {
			return rec, nil
		}
	}
	return nil, nil
}

// loginKeys validates how a login names its user and returns the lookup
// key and the throttle keys of a login that names no account.
func (s *Identity) loginKeys(in LoginInput) (UserKey, throttleKeys, error) {
	var keys throttleKeys
	if (in.Phone == "") == (in.Email == "") {
		return UserKey{}, keys, &cashless.Error{Code: cashless.EInvalid, Param: "phone", Message: "Give either a phone number or an email address."}
	}
	key, err := s.userKey(Proxy{Phone: in.Phone, Email: in.Email})
	if err != nil {
		return key, keys, err
	}
	if key.PhoneIndex != nil {
		keys.accounts = []string{"phone:" + base64.RawURLEncoding.EncodeToString(key.PhoneIndex)}
	} else {
		keys.accounts = []string{"email:" + base64.RawURLEncoding.EncodeToString(key.EmailIndex)}
	}
	if in.Password == "" || len(in.Password) > maxPasswordBytes {
		return key, keys, &cashless.Error{Code: EInvalidCredentials, Param: "password", Message: "The phone number, email or password is not correct."}
	}
	if in.Client.IP != "" {
		keys.ip = "ip:" + base64.RawURLEncoding.EncodeToString(s.vault.BlindIndex("ip", in.Client.IP))
	}
	return key, keys, nil
}

// User implements Service.
func (s *Identity) User(ctx context.Context, userID string) (*User, error) {
	rec, err := s.store.User(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	return s.open(ctx, rec)
}

// Users implements Service.
func (s *Identity) Users(ctx context.Context, ids []string) (map[string]*User, error) {
	recs, err := s.store.Users(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	out := make(map[string]*User, len(recs))
	for userID, rec := range recs {
		if out[userID], err = s.open(ctx, rec); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindUser implements Service. Phone numbers, emails and usernames are
// normalized first, so "9123 4567" (in the default region Hong Kong),
// "+852 9123 4567" and "Ada@Example.com" are found. A phone or email that
// its holder has not confirmed finds no one, with the very error of a
// number no one has, so that its holder cannot be paid, asked for money or
// told apart from a stranger until they prove they hold it.
func (s *Identity) FindUser(ctx context.Context, p Proxy) (*User, error) {
	set := 0
	for _, v := range []string{p.Phone, p.Email, p.Username} {
		if v != "" {
			set++
		}
	}
	if set != 1 {
		return nil, &cashless.Error{Code: cashless.EInvalid, Param: "phone", Message: "Give exactly one of phone, email or username."}
	}
	key, err := s.userKey(p)
	if err != nil {
		return nil, err
	}
	rec, err := s.store.FindUser(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	if key.PhoneIndex != nil && !rec.PhoneVerified || key.EmailIndex != nil && !rec.EmailVerified {
		return nil, fmt.Errorf("find user: %w", cashless.Errorf(EUserNotFound, "No such user."))
	}
	return s.open(ctx, rec)
}

// open unseals a stored user.
func (s *Identity) open(ctx context.Context, rec *UserRecord) (*User, error) {
	u := &User{
		ID:            rec.ID,
		Username:      rec.Username,
		KYCTier:       rec.KYCTier,
		TOTPEnabled:   rec.TOTPEnabled,
		PhoneVerified: rec.PhoneVerified,
		EmailVerified: rec.EmailVerified,
		Created:       rec.Created,
	}
	var err error
	if u.Phone, err = s.unseal(ctx, rec.ID, "phone", rec.PhoneSealed); err != nil {
		return nil, err
	}
	if u.Name, err = s.unseal(ctx, rec.ID, "name", rec.NameSealed); err != nil {
		return nil, err
	}
	if rec.EmailSealed != nil {
		if u.Email, err = s.unseal(ctx, rec.ID, "email", rec.EmailSealed); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// seal encrypts a field of an object, bound to "<object id>/<field>" so
// that it cannot be moved to another row or column.
func (s *Identity) seal(ctx context.Context, objectID, field, value string) ([]byte, error) {
	b, err := s.vault.Seal(ctx, []byte(value), []byte(objectID+"/"+field))
	if err != nil {
		return nil, fmt.Errorf("seal %s: %w", field, err)
	}
	return b, nil
}

func (s *Identity) unseal(ctx context.Context, objectID, field string, sealed []byte) (string, error) {
	b, err := s.vault.Unseal(ctx, sealed, []byte(objectID+"/"+field))
	if err != nil {
		return "", fmt.Errorf("unseal %s: %w", field, err)
	}
	return string(b), nil
}

// userKey normalizes the one field of p that is set and turns it into the
// store's lookup key: the blind index of a phone or an email, or the
// username as it is stored.
func (s *Identity) userKey(p Proxy) (UserKey, error) {
	var key UserKey
	switch {
	case p.Phone != "":
		phone, err := NormalizePhone(p.Phone, s.opts.PhoneRegion)
		if err != nil {
			return key, err
		}
		key.PhoneIndex = s.vault.BlindIndex("phone", phone)
	case p.Email != "":
		email, err := NormalizeEmail(p.Email)
		if err != nil {
			return key, err
		}
		key.EmailIndex = s.vault.BlindIndex("email", email)
	default:
		username, err := NormalizeUsername(p.Username)
		if err != nil {
			return key, err
		}
		key.Username = username
	}
	return key, nil
}
