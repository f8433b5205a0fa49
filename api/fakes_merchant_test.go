package api

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/money"
)

// fakeMerchants stands in for the merchant service, which its own package
// tests: it keeps objects in maps, checks permissions with the real
// matrix (merchant.Actor.Require) and scopes every read to the actor's
// merchant and mode, which is what the HTTP layer relies on. Alice owns
// mch_alice; Bob is staff of no merchant until a test adds him.
type fakeMerchants struct {
	merchant.Service // unimplemented methods panic
	mu               sync.Mutex
	n                int
	merchants        map[string]*merchant.Merchant
	staff            map[string]map[string]merchant.Role // merchant → user → role
	requests         map[string]*merchant.PaymentRequest
	payments         map[string]*merchant.Payment
	refunds          map[string]*merchant.Refund
	payKeys          map[string]string // user/key → payment id
	payCalls         int
}

func newFakeMerchants() *fakeMerchants {
	return &fakeMerchants{
		merchants: map[string]*merchant.Merchant{"mch_alice": {ID: "mch_alice", Name: "Alice's Café", MCC: "5814", City: "Hong Kong", Country: "HK", TimeZone: "Asia/Hong_Kong", FeeBasisPoints: 120, SettlementCutoff: "23:00", Created: t0}},
		staff:     map[string]map[string]merchant.Role{"mch_alice": {"usr_alice": merchant.Owner}},
		requests:  map[string]*merchant.PaymentRequest{}, payments: map[string]*merchant.Payment{},
		refunds: map[string]*merchant.Refund{}, payKeys: map[string]string{},
	}
}

func (f *fakeMerchants) next(prefix string) string { f.n++; return fmt.Sprintf("%s_%d", prefix, f.n) }

func notFoundErr(code string) error { return cashless.Errorf(code, "No such object.") }

func (f *fakeMerchants) CreateMerchant(ctx context.Context, userID string, in merchant.MerchantInput) (*merchant.Merchant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := &merchant.Merchant{ID: f.next("mch"), Name: in.Name, MCC: "5999", City: "Hong Kong", Country: "HK", TimeZone: "Asia/Hong_Kong", FeeBasisPoints: 120, Created: t0}
	f.merchants[m.ID] = m
	f.staff[m.ID] = map[string]merchant.Role{userID: merchant.Owner}
	return m, nil
}

func (f *fakeMerchants) Memberships(ctx context.Context, userID string) ([]*merchant.Staff, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*merchant.Staff
	for m, st := range f.staff {
		if r, ok := st[userID]; ok {
			out = append(out, &merchant.Staff{MerchantID: m, UserID: userID, Role: r, Created: t0})
		}
	}
	return out, nil
}

func (f *fakeMerchants) Actor(ctx context.Context, userID, merchantID string, mode merchant.Mode) (merchant.Actor, error) {
	list, _ := f.Memberships(ctx, userID)
	switch {
	case len(list) == 0:
		return merchant.Actor{}, cashless.Errorf(merchant.ENotMerchantStaff, "You are staff of no merchant.")
	case merchantID == "" && len(list) > 1:
		return merchant.Actor{}, cashless.Errorf(merchant.EMerchantRequired, "Pick a merchant.")
	}
	for _, st := range list {
		if merchantID == "" || st.MerchantID == merchantID {
			return merchant.Actor{MerchantID: st.MerchantID, Mode: mode, UserID: userID, Role: st.Role}, nil
		}
	}
	return merchant.Actor{}, notFoundErr(merchant.EMerchantNotFound)
}

func (f *fakeMerchants) Merchant(ctx context.Context, a merchant.Actor) (*merchant.Merchant, error) {
	if err := a.Require(merchant.PermRead); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c := *f.merchants[a.MerchantID]
	return &c, nil
}

func (f *fakeMerchants) UpdateMerchant(ctx context.Context, a merchant.Actor, in merchant.MerchantUpdate) (*merchant.Merchant, error) {
	if err := a.Require(merchant.PermSettings); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	m := f.merchants[a.MerchantID]
	if in.Name != nil {
		m.Name = *in.Name
	}
	if in.CashierRefundLimit != nil {
		m.CashierRefundLimit = *in.CashierRefundLimit
	}
	c := *m
	return &c, nil
}

func (f *fakeMerchants) AddStaff(ctx context.Context, a merchant.Actor, userID string, role merchant.Role) (*merchant.Staff, error) {
	if err := a.Require(merchant.PermStaff); err != nil {
		return nil, err
	}
	if role == merchant.Owner || !merchant.ValidRole(role) {
		return nil, cashless.Errorf(merchant.EInvalidRole, "No such role.")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.staff[a.MerchantID][userID]; ok {
		return nil, cashless.Errorf(merchant.EStaffExists, "Already staff.")
	}
	f.staff[a.MerchantID][userID] = role
	return &merchant.Staff{MerchantID: a.MerchantID, UserID: userID, Role: role, Created: t0}, nil
}

func (f *fakeMerchants) Staff(ctx context.Context, a merchant.Actor) ([]*merchant.Staff, error) {
	if err := a.Require(merchant.PermRead); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*merchant.Staff
	for u, r := range f.staff[a.MerchantID] {
		out = append(out, &merchant.Staff{MerchantID: a.MerchantID, UserID: u, Role: r, Created: t0})
	}
	return out, nil
}

func (f *fakeMerchants) CreatePaymentRequest(ctx context.Context, a merchant.Actor, in merchant.PaymentRequestInput) (*merchant.PaymentRequest, error) {
	if err := a.Require(merchant.PermCollect); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	pr := &merchant.PaymentRequest{ID: f.next("pr"), MerchantID: a.MerchantID, Mode: a.Mode, Amount: in.Amount, Description: in.Description,
		Status: merchant.StatusPending, QRPayload: "000201010212", ExpiresAt: t0.Add(600e9), Created: t0}
	f.requests[pr.ID] = pr
	c := *pr
	return &c, nil
}

// request finds a request of the actor's merchant and mode.
func (f *fakeMerchants) request(a merchant.Actor, id string) (*merchant.PaymentRequest, error) {
	pr, ok := f.requests[id]
	if !ok || pr.MerchantID != a.MerchantID || pr.Mode != a.Mode {
		return nil, notFoundErr(merchant.EPaymentRequestNotFound)
	}
	return pr, nil
}

func (f *fakeMerchants) PaymentRequest(ctx context.Context, a merchant.Actor, id string) (*merchant.PaymentRequest, error) {
	if err := a.Require(merchant.PermRead); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	pr, err := f.request(a, id)
	if err != nil {
		return nil, err
	}
	c := *pr
	return &c, nil
}

func (f *fakeMerchants) PaymentRequests(ctx context.Context, a merchant.Actor, p cashless.Page) ([]*merchant.PaymentRequest, bool, error) {
	if err := a.Require(merchant.PermRead); err != nil {
		return nil, false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*merchant.PaymentRequest
	for _, pr := range f.requests {
		if pr.MerchantID == a.MerchantID && pr.Mode == a.Mode {
			out = append(out, pr)
		}
	}
	return out, false, nil
}

func (f *fakeMerchants) CancelPaymentRequest(ctx context.Context, a merchant.Actor, id string) (*merchant.PaymentRequest, error) {
	if err := a.Require(merchant.PermCollect); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	pr, err := f.request(a, id)
	if err != nil {
		return nil, err
	}
	if pr.Status != merchant.StatusPending {
		return nil, cashless.Errorf(merchant.EPaymentRequestNotPending, "Not pending.")
	}
	pr.Status = merchant.StatusCanceled
	c := *pr
	return &c, nil
}

func (f *fakeMerchants) Checkout(ctx context.Context, id string) (*merchant.Checkout, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pr, ok := f.requests[id]
	if !ok {
		return nil, notFoundErr(merchant.EPaymentRequestNotFound)
	}
	m := f.merchants[pr.MerchantID]
	return &merchant.Checkout{PaymentRequestID: pr.ID, MerchantName: m.Name, MerchantCity: m.City, Amount: pr.Amount,
		Description: pr.Description, Status: pr.Status, Mode: pr.Mode, QRPayload: pr.QRPayload, ExpiresAt: pr.ExpiresAt}, nil
}

func (f *fakeMerchants) Pay(ctx context.Context, in merchant.PayInput) (*merchant.PayResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.payCalls++
	if id, ok := f.payKeys[in.UserID+"/"+in.IdempotencyKey]; ok {
		c := *f.payments[id]
		return &merchant.PayResult{Payment: &c, Replayed: true}, nil
	}
	pr, ok := f.requests[in.PaymentRequestID]
	if !ok {
		return nil, notFoundErr(merchant.EPaymentRequestNotFound)
	}
	if pr.Status != merchant.StatusPending {
		return nil, cashless.Errorf(merchant.EPaymentRequestNotPayable, "Not payable.")
	}
	fee := merchant.Fee(pr.Amount.Minor, f.merchants[pr.MerchantID].FeeBasisPoints)
	p := &merchant.Payment{ID: f.next("pay"), MerchantID: pr.MerchantID, Mode: pr.Mode, PaymentRequestID: pr.ID, Amount: pr.Amount,
		Fee: fee, Net: pr.Amount.Minor - fee, Status: merchant.StatusSucceeded, Customer: "cus_" + strings.TrimPrefix(in.UserID, "usr_"),
		PayerID: in.UserID, Created: t0}
	f.payments[p.ID] = p
	f.payKeys[in.UserID+"/"+in.IdempotencyKey] = p.ID
	pr.Status, pr.PaymentID = merchant.StatusSucceeded, p.ID
	c := *p
	return &merchant.PayResult{Payment: &c}, nil
}

func (f *fakeMerchants) Payment(ctx context.Context, a merchant.Actor, id string) (*merchant.Payment, error) {
	if err := a.Require(merchant.PermRead); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.payments[id]
	if !ok || p.MerchantID != a.MerchantID || p.Mode != a.Mode {
		return nil, notFoundErr(merchant.EPaymentNotFound)
	}
	c := *p
	return &c, nil
}

func (f *fakeMerchants) Refund(ctx context.Context, a merchant.Actor, in merchant.RefundInput) (*merchant.Refund, error) {
	if err := a.Require(merchant.PermRefund); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.payments[in.PaymentID]
	if !ok || p.MerchantID != a.MerchantID || p.Mode != a.Mode {
		return nil, notFoundErr(merchant.EPaymentNotFound)
	}
	amount := in.Amount
	if amount == 0 {
		amount = p.Amount.Minor - p.RefundedAmount
	}
	if amount > p.Amount.Minor-p.RefundedAmount {
		return nil, cashless.Errorf(merchant.ERefundExceedsPayment, "Too much.")
	}
	p.RefundedAmount += amount
	r := &merchant.Refund{ID: f.next("re"), MerchantID: a.MerchantID, Mode: a.Mode, PaymentID: p.ID,
		Amount: money.Amount{Minor: amount, Currency: p.Amount.Currency}, Status: merchant.StatusSucceeded, Created: t0}
	f.refunds[r.ID] = r
	return r, nil
}

func (f *fakeMerchants) Balances(ctx context.Context, a merchant.Actor) ([]merchant.Balance, error) {
	if err := a.Require(merchant.PermRead); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var b merchant.Balance
	b.Currency = "HKD"
	for _, p := range f.payments {
		if p.MerchantID == a.MerchantID && p.Mode == a.Mode {
			b.Available += p.Net - p.RefundedAmount
		}
	}
	return []merchant.Balance{b}, nil
}

// fakeKeys stands in for identity's API keys: a secret is "sk_<mode>_"
// and the key id.
type fakeKeys struct {
	mu   sync.Mutex
	n    int
	keys map[string]*identity.APIKey
}

func newFakeKeys() *fakeKeys { return &fakeKeys{keys: map[string]*identity.APIKey{}} }

func (f *fakeKeys) CreateAPIKey(ctx context.Context, in identity.NewAPIKey) (*identity.APIKey, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	k := &identity.APIKey{ID: fmt.Sprintf("key_%d", f.n), MerchantID: in.MerchantID, Mode: in.Mode, Scopes: in.Scopes, CreatedBy: in.CreatedBy, Created: t0}
	secret := "sk_" + in.Mode + "_" + k.ID
	k.Prefix = secret[:len("sk_"+in.Mode+"_")+2]
	f.keys[k.ID] = k
	return k, secret, nil
}

func (f *fakeKeys) AuthenticateKey(ctx context.Context, secret string) (identity.KeyPrincipal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := strings.Index(secret, "key_")
	if i < 0 {
		return identity.KeyPrincipal{}, cashless.Errorf(identity.EInvalidAPIKey, "Invalid API key.")
	}
	k, ok := f.keys[secret[i:]]
	if !ok || !k.Revoked.IsZero() || secret != "sk_"+k.Mode+"_"+k.ID {
		return identity.KeyPrincipal{}, cashless.Errorf(identity.EInvalidAPIKey, "Invalid API key.")
	}
	return identity.KeyPrincipal{KeyID: k.ID, MerchantID: k.MerchantID, Mode: k.Mode, Scopes: k.Scopes}, nil
}

func (f *fakeKeys) APIKeys(ctx context.Context, merchantID string) ([]*identity.APIKey, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*identity.APIKey
	for _, k := range f.keys {
		if k.MerchantID == merchantID {
			out = append(out, k)
		}
	}
	return out, nil
}

func (f *fakeKeys) RevokeAPIKey(ctx context.Context, merchantID, keyID string) (*identity.APIKey, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, ok := f.keys[keyID]
	if !ok || k.MerchantID != merchantID {
		return nil, cashless.Errorf(identity.EAPIKeyNotFound, "No such key.")
	}
	k.Revoked = t0
	return k, nil
}

func (f *fakeIdentity) FindUser(ctx context.Context, p identity.Proxy) (*identity.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if (p.Phone != "" && u.Phone == p.Phone) || (p.Email != "" && u.Email == p.Email) || (p.Username != "" && u.Username == p.Username) {
			c := *u
			return &c, nil
		}
	}
	return nil, cashless.Errorf(identity.EUserNotFound, "No such user.")
}
