package merchant

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
)

// Bounds of a payment request.
const (
	MinExpiry = 60 * time.Second
	MaxExpiry = 30 * 24 * time.Hour
)

// fingerprint is a digest of a call's input, kept beside its idempotency
// key so that the key used again for another call is refused.
func fingerprint(parts ...any) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%v\x00", p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// CreatePaymentRequest implements Service.
func (m *Merchants) CreatePaymentRequest(ctx context.Context, a Actor, in PaymentRequestInput) (*PaymentRequest, error) {
	if err := a.Require(PermCollect); err != nil {
		return nil, err
	}
	if in.Amount.Minor <= 0 {
		return nil, invalid(EInvalidAmount, "The amount must be positive.")
	}
	if !slices.Contains(m.opts.Currencies, in.Amount.Currency) {
		return nil, cashless.Errorf(ECurrencyNotSupported, "Payments in %q are not supported.", in.Amount.Currency)
	}
	expiry := m.opts.DefaultExpiry
	if in.ExpiresIn != 0 {
		expiry = time.Duration(in.ExpiresIn) * time.Second
		if expiry < MinExpiry || expiry > MaxExpiry {
			return nil, invalid(EInvalidExpiry, "expires_in must be between 60 seconds and 30 days.")
		}
	}
	if utf8.RuneCountInString(in.Description) > 200 {
		return nil, invalid(cashless.EInvalid, "The description must be at most 200 characters.")
	}
	if utf8.RuneCountInString(in.MerchantReference) > 64 {
		return nil, invalid(cashless.EInvalid, "The merchant reference must be at most 64 characters.")
	}
	if in.NotificationURL != "" {
		u, err := url.Parse(in.NotificationURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(in.NotificationURL) > 2048 {
			return nil, invalid(cashless.EInvalid, "The notification URL must be an https URL.")
		}
	}
	if len(in.IdempotencyKey) > 255 {
		return nil, invalid(cashless.EInvalid, "The idempotency key must be at most 255 characters.")
	}
	mc, err := m.store.Merchant(ctx, a.MerchantID)
	if err != nil {
		return nil, err
	}
	now := m.opts.Now().UTC()
	pr := &PaymentRequest{ID: id.New(id.PaymentRequest), MerchantID: mc.ID, Mode: a.Mode, Amount: in.Amount, Description: in.Description,
		MerchantReference: in.MerchantReference, NotificationURL: in.NotificationURL, Status: StatusPending,
		ExpiresAt: now.Add(expiry).Truncate(time.Microsecond), Created: now.Truncate(time.Microsecond)}
	if pr.QRPayload, err = QRPayload(mc, pr); err != nil {
		return nil, err
	}
	fp := fingerprint(in.Amount.Minor, in.Amount.Currency, in.Description, in.MerchantReference, in.ExpiresIn, in.NotificationURL)
	got, _, err := m.store.CreatePaymentRequest(ctx, pr, in.IdempotencyKey, fp)
	if err != nil {
		return nil, err
	}
	return m.live(got), nil
}

// live shows a pending request past its expiry as expired, before the
// sweep gets to it: it is never payable again.
func (m *Merchants) live(pr *PaymentRequest) *PaymentRequest {
	if pr.Status == StatusPending && !m.opts.Now().Before(pr.ExpiresAt) {
		cp := *pr
		cp.Status = StatusExpired
		return &cp
	}
	return pr
}

// request reads a request of the actor's merchant and mode.
func (m *Merchants) request(ctx context.Context, a Actor, id string) (*PaymentRequest, error) {
	pr, err := m.store.PaymentRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if pr.MerchantID != a.MerchantID || pr.Mode != a.Mode {
		return nil, cashless.Errorf(EPaymentRequestNotFound, "No such payment request: %s.", id)
	}
	return m.live(pr), nil
}

// PaymentRequest implements Service.
func (m *Merchants) PaymentRequest(ctx context.Context, a Actor, id string) (*PaymentRequest, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, err
	}
	return m.request(ctx, a, id)
}

// PaymentRequests implements Service.
func (m *Merchants) PaymentRequests(ctx context.Context, a Actor, p cashless.Page) ([]*PaymentRequest, bool, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, false, err
	}
	prs, more, err := m.store.PaymentRequests(ctx, a.MerchantID, a.Mode, p)
	for i := range prs {
		prs[i] = m.live(prs[i])
	}
	return prs, more, err
}

// CancelPaymentRequest implements Service.
func (m *Merchants) CancelPaymentRequest(ctx context.Context, a Actor, id string) (*PaymentRequest, error) {
	if err := a.Require(PermCollect); err != nil {
		return nil, err
	}
	pr, err := m.request(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if pr.Status != StatusPending {
		return nil, cashless.Errorf(EPaymentRequestNotPending, "The payment request is %s and can no longer be canceled.", pr.Status)
	}
	return m.store.CancelPaymentRequest(ctx, id, m.requestEvent(EventPaymentRequestCanceled))
}

// Checkout implements Service.
func (m *Merchants) Checkout(ctx context.Context, paymentRequestID string) (*Checkout, error) {
	pr, err := m.store.PaymentRequest(ctx, paymentRequestID)
	if err != nil {
		return nil, err
	}
	pr = m.live(pr)
	mc, err := m.store.Merchant(ctx, pr.MerchantID)
	if err != nil {
		return nil, err
	}
	return &Checkout{PaymentRequestID: pr.ID, MerchantName: mc.Name, MerchantCity: mc.City, Amount: pr.Amount, Description: pr.Description,
		Status: pr.Status, Mode: pr.Mode, QRPayload: pr.QRPayload, ExpiresAt: pr.ExpiresAt}, nil
}
