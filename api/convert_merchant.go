package api

import (
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/merchant"
)

// The to* functions turn merchant objects into their wire form, all times
// in UTC.

func toMerchant(m *merchant.Merchant) Merchant {
	return Merchant{Object: "merchant", ID: m.ID, Name: m.Name, MCC: m.MCC, City: m.City, Country: m.Country,
		TimeZone: m.TimeZone, FeeBasisPoints: m.FeeBasisPoints, CashierRefundLimit: m.CashierRefundLimit,
		SettlementCutoff: m.SettlementCutoff, BankAccountLast4: m.BankAccountLast4, Created: utc(m.Created)}
}

func toStaff(st *merchant.Staff) Staff {
	return Staff{Object: "staff", Merchant: st.MerchantID, User: st.UserID, Role: string(st.Role), Created: utc(st.Created)}
}

func toAPIKey(k *identity.APIKey, secret string) APIKey {
	scopes := k.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return APIKey{Object: "api_key", ID: k.ID, Livemode: k.Mode == string(merchant.Live), Scopes: scopes, Prefix: k.Prefix,
		Secret: secret, Created: utc(k.Created), LastUsed: utc(k.LastUsed), Revoked: utc(k.Revoked)}
}

func (s *Server) toPaymentRequest(p *merchant.PaymentRequest) PaymentRequest {
	return PaymentRequest{Object: "payment_request", ID: p.ID, Livemode: livemode(p.Mode), Amount: p.Amount.Minor,
		Currency: p.Amount.Currency, Description: p.Description, MerchantReference: p.MerchantReference,
		NotificationURL: p.NotificationURL, Status: p.Status, QRPayload: p.QRPayload, WebURL: s.webURL(p.ID),
		Payment: p.PaymentID, ExpiresAt: utc(p.ExpiresAt), Created: utc(p.Created)}
}

func toCheckout(co *merchant.Checkout) Checkout {
	return Checkout{Object: "checkout", PaymentRequest: co.PaymentRequestID, Livemode: livemode(co.Mode),
		MerchantName: co.MerchantName, MerchantCity: co.MerchantCity, Amount: co.Amount.Minor,
		Currency: co.Amount.Currency, Description: co.Description, Status: co.Status, QRPayload: co.QRPayload,
		ExpiresAt: utc(co.ExpiresAt)}
}

func toPayment(p *merchant.Payment) Payment {
	return Payment{Object: "payment", ID: p.ID, Livemode: livemode(p.Mode), PaymentRequest: p.PaymentRequestID,
		Amount: p.Amount.Minor, Currency: p.Amount.Currency, Fee: p.Fee, Net: p.Net, Status: p.Status,
		FailureCode: p.FailureCode, RefundedAmount: p.RefundedAmount, Customer: p.Customer, Created: utc(p.Created)}
}

func toRefund(r *merchant.Refund) Refund {
	return Refund{Object: "refund", ID: r.ID, Livemode: livemode(r.Mode), Payment: r.PaymentID, Amount: r.Amount.Minor,
		Currency: r.Amount.Currency, Reason: r.Reason, Status: r.Status, FailureCode: r.FailureCode, Created: utc(r.Created)}
}

func toBalance(mode merchant.Mode, bs []merchant.Balance) Balance {
	b := Balance{Object: "balance", Livemode: livemode(mode), Available: []MoneyAmount{}, Pending: []MoneyAmount{}}
	for _, x := range bs {
		b.Available = append(b.Available, MoneyAmount{Amount: x.Available, Currency: x.Currency})
		b.Pending = append(b.Pending, MoneyAmount{Amount: x.Pending, Currency: x.Currency})
	}
	return b
}

func toPayout(p *merchant.Payout) Payout {
	return Payout{Object: "payout", ID: p.ID, Livemode: livemode(p.Mode), Amount: p.Amount.Minor, Currency: p.Amount.Currency,
		Status: p.Status, FailureCode: p.FailureCode, Automatic: p.Automatic, BankAccountLast4: p.BankAccountLast4,
		Completed: utc(p.Completed), Created: utc(p.Created)}
}

func toEvent(e *merchant.Event) Event {
	data := e.Data
	if len(data) == 0 {
		data = []byte("{}")
	}
	return Event{Object: "event", ID: e.ID, Livemode: livemode(e.Mode), Type: e.Type, Data: data, Created: utc(e.Created)}
}
