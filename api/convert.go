package api

import (
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/wallet"
)

// This file turns service objects into their wire form.

func toUser(u *identity.User) User {
	return User{Object: "user", ID: u.ID, Name: u.Name, Username: u.Username, Phone: u.Phone, Email: u.Email,
		KYCTier: u.KYCTier, TOTPEnabled: u.TOTPEnabled, PhoneVerified: u.PhoneVerified, EmailVerified: u.EmailVerified,
		Created: utc(u.Created)}
}

func toParty(p wallet.Party) Party {
	return Party{ID: p.UserID, Name: p.Name, Username: p.Username}
}

func toTransfer(me string, t *wallet.Transfer) Transfer {
	dir := "sent"
	if t.To.UserID == me && t.From.UserID != me {
		dir = "received"
	}
	return Transfer{Object: "transfer", ID: t.ID, Direction: dir, From: toParty(t.From), To: toParty(t.To),
		Amount: t.Amount.Minor, Currency: t.Amount.Currency, Message: t.Message, Visibility: string(t.Visibility),
		Status: t.Status, FailureCode: t.FailureCode, Request: t.RequestID, Created: utc(t.Created)}
}

func toRequest(me string, r *wallet.Request) Request {
	dir := "outgoing"
	if r.Payer.UserID == me {
		dir = "incoming"
	}
	return Request{Object: "request", ID: r.ID, Direction: dir, Requester: toParty(r.Requester), Payer: toParty(r.Payer),
		Amount: r.Amount.Minor, Currency: r.Amount.Currency, Message: r.Message, Status: r.Status,
		Split: r.SplitID, Transfer: r.TransferID, Expires: utc(r.Expires), Created: utc(r.Created)}
}

func toFunding(f *wallet.Funding) Funding {
	return Funding{Object: f.Kind, ID: f.ID, Amount: f.Amount.Minor, Currency: f.Amount.Currency, Status: f.Status,
		FailureCode: f.FailureCode, BankAccountLast4: f.BankAccountLast4, Completed: utc(f.Completed), Created: utc(f.Created)}
}

func toWallet(w *wallet.Wallet) Wallet {
	return Wallet{Object: "wallet", ID: w.AccountID, Currency: w.Currency, Balance: w.Balance,
		Available: w.Available, Pending: w.Pending, Created: utc(w.Created)}
}

func toContact(c *wallet.Contact) Contact {
	return Contact{Object: "contact", ID: c.ID, Contact: toParty(c.Contact), Source: c.Source, Created: utc(c.Created)}
}

func toFeedItem(f *wallet.FeedItem) FeedItem {
	return FeedItem{Object: "feed_item", ID: f.ID, From: toParty(f.From), To: toParty(f.To), Message: f.Message,
		Visibility: string(f.Visibility), Created: utc(f.Created)}
}

func toEntry(e *wallet.Entry) ActivityEntry {
	return ActivityEntry{Object: "activity_entry", ID: e.ID, Type: e.Type, Amount: e.Amount, Currency: e.Currency,
		Balance: e.Balance, Pending: e.Pending, Description: e.Description, Created: utc(e.Created)}
}

func toSession(x *identity.Session) Session {
	return Session{Object: "session", ID: x.ID, Current: x.Current, IP: x.IP, UserAgent: x.UserAgent,
		LastUsed: utc(x.LastUsed), Expires: utc(x.Expires), Created: utc(x.Created)}
}

// mapAll converts a slice.
func mapAll[T, W any](xs []T, f func(T) W) []W {
	out := make([]W, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}
