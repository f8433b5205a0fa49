package merchant

import (
	"encoding/json"

	"github.com/cashless-dev/cashless/id"
	"time"
)

// paymentJSON, refundJSON and paymentRequestJSON are the public API's
// shapes of the objects, which event data carries.
type paymentJSON struct {
	Object         string `json:"object"`
	ID             string `json:"id"`
	Amount         int64  `json:"amount"`
	Currency       string `json:"currency"`
	Fee            int64  `json:"fee"`
	Net            int64  `json:"net"`
	Status         string `json:"status"`
	FailureCode    string `json:"failure_code,omitempty"`
	RefundedAmount int64  `json:"refunded_amount"`
	Customer       string `json:"customer"`
	PaymentRequest string `json:"payment_request"`
	Livemode       bool   `json:"livemode"`
	Created        string `json:"created"`
}

type refundJSON struct {
	Object      string `json:"object"`
	ID          string `json:"id"`
	Payment     string `json:"payment"`
	Amount      int64  `json:"amount"`
	Currency    string `json:"currency"`
	Reason      string `json:"reason"`
	Status      string `json:"status"`
	FailureCode string `json:"failure_code,omitempty"`
	Livemode    bool   `json:"livemode"`
	Created     string `json:"created"`
}

type paymentRequestJSON struct {
	Object            string `json:"object"`
	ID                string `json:"id"`
	Amount            int64  `json:"amount"`
	Currency          string `json:"currency"`
	Description       string `json:"description"`
	MerchantReference string `json:"merchant_reference"`
	Status            string `json:"status"`
	QRPayload         string `json:"qr_payload"`
	ExpiresAt         string `json:"expires_at"`
	Payment           string `json:"payment,omitempty"`
	Livemode          bool   `json:"livemode"`
	Created           string `json:"created"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// PaymentJSON is a payment in the public API's shape, for event data and
// for the API to render the same fields.
func PaymentJSON(p *Payment) any {
	return paymentJSON{Object: "payment", ID: p.ID, Amount: p.Amount.Minor, Currency: p.Amount.Currency, Fee: p.Fee, Net: p.Amount.Minor - p.Fee,
		Status: p.Status, FailureCode: p.FailureCode, RefundedAmount: p.RefundedAmount, Customer: p.Customer,
		PaymentRequest: p.PaymentRequestID, Livemode: p.Mode == Live, Created: rfc3339(p.Created)}
}

// RefundJSON is a refund in the public API's shape.
func RefundJSON(r *Refund) any {
	return refundJSON{Object: "refund", ID: r.ID, Payment: r.PaymentID, Amount: r.Amount.Minor, Currency: r.Amount.Currency,
		Reason: r.Reason, Status: r.Status, FailureCode: r.FailureCode, Livemode: r.Mode == Live, Created: rfc3339(r.Created)}
}

// PaymentRequestJSON is a payment request in the public API's shape.
func PaymentRequestJSON(pr *PaymentRequest) any {
	return paymentRequestJSON{Object: "payment_request", ID: pr.ID, Amount: pr.Amount.Minor, Currency: pr.Amount.Currency,
		Description: pr.Description, MerchantReference: pr.MerchantReference, Status: pr.Status, QRPayload: pr.QRPayload,
		ExpiresAt: rfc3339(pr.ExpiresAt), Payment: pr.PaymentID, Livemode: pr.Mode == Live, Created: rfc3339(pr.Created)}
}

// event makes an event of a merchant about obj (already in API shape).
func (m *Merchants) event(merchantID string, mode Mode, typ string, obj any) Event {
	data, _ := json.Marshal(obj) // plain structs of strings and numbers
	return Event{ID: id.New(id.Event), MerchantID: merchantID, Mode: mode, Type: typ, Data: data, Created: m.opts.Now().UTC()}
}

func (m *Merchants) requestEvent(typ string) func(*PaymentRequest) Event {
	return func(pr *PaymentRequest) Event { return m.event(pr.MerchantID, pr.Mode, typ, PaymentRequestJSON(pr)) }
}

func (m *Merchants) paymentEvent() func(*Payment) Event {
	return func(p *Payment) Event {
		typ := EventPaymentSucceeded
		if p.Status == StatusFailed {
			typ = EventPaymentFailed
		}
		return m.event(p.MerchantID, p.Mode, typ, PaymentJSON(p))
	}
}

func (m *Merchants) refundEvent() func(*Refund) Event {
	return func(r *Refund) Event {
		typ := EventRefundSucceeded
		if r.Status == StatusFailed {
			typ = EventRefundFailed
		}
		return m.event(r.MerchantID, r.Mode, typ, RefundJSON(r))
	}
}
