package api

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/wallet"
)

// The fakes stand in for the identity and wallet services, whose own
// packages test them; here they only let the HTTP layer be exercised. An
// access token is "tok-" and the user id.

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

type fakeIdentity struct {
	identity.Service // unimplemented methods panic
	mu               sync.Mutex
	users            map[string]*identity.User
	lockedFor        time.Duration // Login answers login_locked with this RetryAfter
	// sent holds "<user id>/<channel>" of each code sent.
	sent map[string]bool
}

func newFakeIdentity() *fakeIdentity {
	return &fakeIdentity{users: map[string]*identity.User{
		"usr_alice": {ID: "usr_alice", Phone: "+85291234567", Name: "Alice 陳 🐱", Username: "alice", KYCTier: 1, Created: t0},
		"usr_bob":   {ID: "usr_bob", Phone: "+85298765432", Name: "Bob", Username: "bob", Created: t0},
	}}
}

func (f *fakeIdentity) tokens(u *identity.User) *identity.Tokens {
	return &identity.Tokens{AccessToken: "tok-" + u.ID, RefreshToken: "ref-" + u.ID, AccessExpires: t0.Add(15 * time.Minute), SessionID: "ses_" + u.ID[4:]}
}

func (f *fakeIdentity) Signup(ctx context.Context, in identity.SignupInput) (*identity.User, *identity.Tokens, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.Phone == in.Phone {
			return nil, nil, cashless.Errorf(identity.EPhoneTaken, "That phone number is taken.")
		}
	}
	if len(in.Password) < 10 {
		return nil, nil, &cashless.Error{Code: identity.EWeakPassword, Param: "password", Message: "Too short."}
	}
	u := &identity.User{ID: "usr_" + strings.TrimPrefix(in.Phone, "+"), Phone: in.Phone, Email: in.Email, Name: in.Name, Username: in.Username, Created: t0}
	f.users[u.ID] = u
	return u, f.tokens(u), nil
}

func (f *fakeIdentity) Login(ctx context.Context, in identity.LoginInput) (*identity.User, *identity.Tokens, error) {
	if f.lockedFor > 0 {
		return nil, nil, &cashless.Error{Code: identity.ELoginLocked, Message: "Too many failed logins.", RetryAfter: f.lockedFor}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.Phone == in.Phone && in.Password == "correct horse" {
			if u.TOTPEnabled && in.TOTPCode == "" {
				return nil, nil, cashless.Errorf(identity.ETOTPRequired, "A TOTP code is required.")
			}
			return u, f.tokens(u), nil
		}
	}
	return nil, nil, cashless.Errorf(identity.EInvalidCredentials, "Wrong phone or password.")
}

func (f *fakeIdentity) Refresh(ctx context.Context, token string) (*identity.Tokens, error) {
	u, err := f.User(ctx, strings.TrimPrefix(token, "ref-"))
	if err != nil {
		return nil, cashless.Errorf(identity.EInvalidToken, "Bad refresh token.")
	}
	return f.tokens(u), nil
}

func (f *fakeIdentity) Authenticate(ctx context.Context, token string) (identity.Principal, error) {
	if token == "tok-broken" {
		return identity.Principal{}, errors.New("identity store down")
	}
	id, ok := strings.CutPrefix(token, "tok-")
	if _, err := f.User(ctx, id); !ok || err != nil {
		return identity.Principal{}, cashless.Errorf(identity.EInvalidToken, "The access token is invalid or expired.")
	}
	return identity.Principal{UserID: id, SessionID: "ses_" + id[4:]}, nil
}

func (f *fakeIdentity) Logout(ctx context.Context, p identity.Principal) error { return nil }

func (f *fakeIdentity) User(ctx context.Context, id string) (*identity.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u, ok := f.users[id]; ok {
		c := *u
		return &c, nil
	}
	return nil, cashless.Errorf(identity.EUserNotFound, "No such user.")
}

func (f *fakeIdentity) EnrolTOTP(ctx context.Context, userID string) (*identity.TOTPEnrolment, error) {
	return &identity.TOTPEnrolment{Secret: "JBSWY3DPEHPK3PXP", URL: "otpauth://totp/Cashless?secret=JBSWY3DPEHPK3PXP"}, nil
}

func (f *fakeIdentity) ConfirmTOTP(ctx context.Context, userID, code string) error {
	if code != "123456" {
		return cashless.Errorf(identity.EInvalidTOTP, "Wrong code.")
	}
	return nil
}

func (f *fakeIdentity) Sessions(ctx context.Context, p identity.Principal) ([]*identity.Session, error) {
	return []*identity.Session{{ID: p.SessionID, UserID: p.UserID, Created: t0, LastUsed: t0, Expires: t0.Add(time.Hour), Current: true}}, nil
}

func (f *fakeIdentity) RevokeSession(ctx context.Context, userID, id string) error {
	if id != "ses_"+userID[4:] {
		return cashless.Errorf(identity.ESessionNotFound, "No such session.")
	}
	return nil
}

// SendVerification sends nothing: the first call of a user and channel
// "sends" a code, the next ones are throttled for 42 seconds.
func (f *fakeIdentity) SendVerification(ctx context.Context, userID, channel string) (*identity.Verification, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[userID]
	switch {
	case channel == identity.ChannelEmail && u.Email == "":
		return nil, cashless.Errorf(identity.ENoEmail, "There is no email address to confirm.")
	case channel == identity.ChannelPhone && u.PhoneVerified:
		return nil, cashless.Errorf(identity.EAlreadyVerified, "The phone is already confirmed.")
	}
	if f.sent == nil {
		f.sent = map[string]bool{}
	}
	if f.sent[userID+"/"+channel] {
		return nil, &cashless.Error{Code: identity.EVerificationThrottled, Message: "A code was sent recently.", RetryAfter: 42 * time.Second}
	}
	f.sent[userID+"/"+channel] = true
	return &identity.Verification{Channel: channel, Status: identity.VerificationPending, Expires: t0.Add(10 * time.Minute)}, nil
}

// ConfirmVerification accepts "123456" for a code that was sent.
func (f *fakeIdentity) ConfirmVerification(ctx context.Context, userID, channel, code string) (*identity.Verification, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case !f.sent[userID+"/"+channel]:
		return nil, cashless.Errorf(identity.EVerificationNotPending, "No code is pending.")
	case code != "123456":
		return nil, &cashless.Error{Code: identity.EInvalidCode, Param: "code", Message: "The code is not correct."}
	}
	f.users[userID].PhoneVerified = true
	return &identity.Verification{Channel: channel, Status: identity.VerificationVerified}, nil
}

func (f *fakeIdentity) VerifyKYC(ctx context.Context, userID string, in identity.KYCInput) (*identity.KYCVerification, error) {
	return &identity.KYCVerification{ID: "kyc_1", UserID: userID, Tier: in.Tier, Status: "approved", Created: t0}, nil
}

// fakeWallet keeps transfers in memory and is idempotent on (user, key),
// as the real wallet is. It counts Sends so tests can see a replay did not
// run the call again.
type fakeWallet struct {
	wallet.Service // unimplemented methods panic
	mu             sync.Mutex
	ids            *fakeIdentity
	transfers      []*wallet.Transfer
	byKey          map[string]*wallet.Transfer
	sends          int
	block          chan struct{} // when set, Send waits on it
	lastPage       cashless.Page
}

func newFakeWallet(ids *fakeIdentity) *fakeWallet {
	return &fakeWallet{ids: ids, byKey: map[string]*wallet.Transfer{}}
}

func (f *fakeWallet) party(id string) wallet.Party {
	u, _ := f.ids.User(context.Background(), id)
	return wallet.Party{UserID: u.ID, Name: u.Name, Username: u.Username}
}

func (f *fakeWallet) Send(ctx context.Context, in wallet.SendInput) (*wallet.Transfer, error) {
	if in.Message == "panic" {
		panic("boom")
	}
	if in.Message == "fail" {
		return nil, errors.New("ledger unreachable")
	}
	if f.block != nil {
		<-f.block
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sends++
	if t, ok := f.byKey[in.UserID+"/"+in.IdempotencyKey]; ok {
		return t, nil
	}
	if in.Amount.Minor > 1_000_000 {
		return nil, cashless.Errorf(wallet.EInsufficientFunds, "Not enough money.")
	}
	if in.Amount.Minor > 500_000 && in.TOTPCode == "" {
		return nil, cashless.Errorf(identity.ETOTPRequired, "This amount needs a TOTP code.")
	}
	var to string
	f.ids.mu.Lock()
	defer f.ids.mu.Unlock()
	for id, u := range f.ids.users {
		if u.Username == in.To.Username || u.Phone == in.To.Phone && in.To.Phone != "" {
			to = id
		}
	}
	if to == "" {
		return nil, cashless.Errorf(wallet.ERecipientNotFound, "No such recipient.")
	}
	from, dest := f.ids.users[in.UserID], f.ids.users[to]
	t := &wallet.Transfer{ID: fmt.Sprintf("tr_%03d", len(f.transfers)),
		From:   wallet.Party{UserID: from.ID, Name: from.Name, Username: from.Username},
		To:     wallet.Party{UserID: dest.ID, Name: dest.Name, Username: dest.Username},
		Amount: in.Amount, Message: in.Message, Visibility: cmp(in.Visibility, wallet.Private), Status: wallet.StatusSucceeded, Created: t0}
	f.transfers = append(f.transfers, t)
	f.byKey[in.UserID+"/"+in.IdempotencyKey] = t
	return t, nil
}

func cmp[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (f *fakeWallet) Transfer(ctx context.Context, userID, id string) (*wallet.Transfer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.transfers {
		if t.ID == id && (t.From.UserID == userID || t.To.UserID == userID) {
			return t, nil
		}
	}
	return nil, cashless.Errorf(wallet.ETransferNotFound, "No such transfer.")
}

func (f *fakeWallet) Transfers(ctx context.Context, userID string, p cashless.Page) ([]*wallet.Transfer, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastPage = p
	var out []*wallet.Transfer
	for _, t := range f.transfers {
		if t.From.UserID == userID || t.To.UserID == userID {
			out = append(out, t)
		}
	}
	return out, false, nil
}

func (f *fakeWallet) Wallet(ctx context.Context, userID, currency string) (*wallet.Wallet, error) {
	if currency != "HKD" {
		return nil, cashless.Errorf(wallet.ECurrencyNotSupported, "No wallets in %s.", currency)
	}
	return &wallet.Wallet{UserID: userID, Currency: currency, AccountID: "acct_" + userID, Balance: 1000, Available: 900, Pending: 50, Created: t0}, nil
}

func (f *fakeWallet) Limits(ctx context.Context, userID, currency string) ([]wallet.LimitUsage, error) {
	a := func(n int64) money.Amount { return money.Amount{Minor: n, Currency: currency} }
	return []wallet.LimitUsage{
		{Period: "day", Cap: a(500_000), Used: a(1_000), Remaining: a(499_000), Resets: t0.Add(24 * time.Hour)},
		{Period: "month", Cap: a(2_000_000), Used: a(1_000), Remaining: a(1_999_000), Resets: t0.Add(30 * 24 * time.Hour)},
	}, nil
}

func (f *fakeWallet) Topup(ctx context.Context, in wallet.TopupInput) (*wallet.Funding, error) {
	return &wallet.Funding{ID: "tu_1", Kind: wallet.KindTopup, UserID: in.UserID, Amount: in.Amount, Status: wallet.StatusPending, Created: t0}, nil
}

func (f *fakeWallet) Withdraw(ctx context.Context, in wallet.WithdrawalInput) (*wallet.Funding, error) {
	return &wallet.Funding{ID: "wd_1", Kind: wallet.KindWithdrawal, UserID: in.UserID, Amount: in.Amount, Status: wallet.StatusPending,
		BankAccountLast4: in.BankAccount[len(in.BankAccount)-4:], Created: t0}, nil
}

func (f *fakeWallet) Funding(ctx context.Context, userID, id string) (*wallet.Funding, error) {
	if id == "tu_1" {
		return &wallet.Funding{ID: id, Kind: wallet.KindTopup, UserID: userID, Amount: money.Amount{Minor: 5, Currency: "HKD"}, Status: "succeeded", Created: t0, Completed: t0}, nil
	}
	return nil, cashless.Errorf(wallet.EFundingNotFound, "No such funding.")
}

func (f *fakeWallet) Fundings(ctx context.Context, userID, kind string, p cashless.Page) ([]*wallet.Funding, bool, error) {
	f.lastPage = p
	return nil, false, nil
}

func (f *fakeWallet) request(userID, payer string, amount money.Amount, msg string) *wallet.Request {
	return &wallet.Request{ID: "req_" + payer, Requester: f.party(userID), Payer: f.party(payer), Amount: amount, Message: msg,
		Status: wallet.RequestPending, Created: t0, Expires: t0.Add(7 * 24 * time.Hour)}
}

func (f *fakeWallet) RequestMoney(ctx context.Context, in wallet.RequestInput) ([]*wallet.Request, error) {
	var out []*wallet.Request
	for _, r := range in.From {
		amount := in.Amount
		if amount.IsZero() {
			amount = money.Amount{Minor: in.SplitTotal.Minor / int64(len(in.From)), Currency: in.SplitTotal.Currency}
		}
		out = append(out, f.request(in.UserID, "usr_"+r.Username, amount, in.Message))
	}
	return out, nil
}

func (f *fakeWallet) PayRequest(ctx context.Context, userID, id, totp, key string) (*wallet.Request, *wallet.Transfer, error) {
	r := f.request("usr_bob", userID, money.Amount{Minor: 100, Currency: "HKD"}, "")
	r.Status = wallet.RequestPaid
	return r, nil, nil
}

func (f *fakeWallet) DeclineRequest(ctx context.Context, userID, id string) (*wallet.Request, error) {
	return nil, cashless.Errorf(wallet.ERequestNotPending, "The request is no longer pending.")
}

func (f *fakeWallet) CancelRequest(ctx context.Context, userID, id string) (*wallet.Request, error) {
	r := f.request(userID, "usr_bob", money.Amount{Minor: 100, Currency: "HKD"}, "")
	r.Status = wallet.RequestCanceled
	return r, nil
}

func (f *fakeWallet) Request(ctx context.Context, userID, id string) (*wallet.Request, error) {
	return nil, cashless.Errorf(wallet.ERequestNotFound, "No such request.")
}

func (f *fakeWallet) Requests(ctx context.Context, userID string, p cashless.Page) ([]*wallet.Request, bool, error) {
	f.lastPage = p
	return []*wallet.Request{f.request(userID, "usr_bob", money.Amount{Minor: 100, Currency: "HKD"}, "")}, true, nil
}

func (f *fakeWallet) AddContact(ctx context.Context, userID string, who wallet.Recipient) (*wallet.Contact, error) {
	return &wallet.Contact{ID: "con_1", UserID: userID, Contact: f.party("usr_bob"), Source: "added", Created: t0}, nil
}

func (f *fakeWallet) Contacts(ctx context.Context, userID string, p cashless.Page) ([]*wallet.Contact, bool, error) {
	f.lastPage = p
	return nil, false, nil
}

func (f *fakeWallet) Feed(ctx context.Context, userID string, p cashless.Page) ([]*wallet.FeedItem, bool, error) {
	f.lastPage = p
	return []*wallet.FeedItem{{ID: "tr_1", From: f.party("usr_bob"), To: f.party(userID), Message: "🍜", Visibility: wallet.Friends, Created: t0}}, false, nil
}

func (f *fakeWallet) FeedVisibility(ctx context.Context, userID string) (wallet.Visibility, error) {
	return wallet.Private, nil
}

func (f *fakeWallet) SetFeedVisibility(ctx context.Context, userID string, v wallet.Visibility) error {
	return nil
}

func (f *fakeWallet) Activity(ctx context.Context, userID, currency string, p cashless.Page) ([]*wallet.Entry, bool, error) {
	f.lastPage = p
	return []*wallet.Entry{{ID: "tr_1", Type: "p2p_sent", Amount: -100, Currency: currency, Balance: 900, Created: t0}}, false, nil
}

func (f *fakeWallet) PayCode(ctx context.Context, userID string) (*wallet.PayCode, error) {
	return &wallet.PayCode{Payload: "000201010211"}, nil
}
