package wallet

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
)

// Contact sources.
const (
	// SourceAdded is a contact the user added by hand.
	SourceAdded = "added"
	// SourcePayment is a contact made by a payment between the two users.
	SourcePayment = "payment"
)

// AddContact implements Service. Adding someone again returns the existing
// contact; adding someone who is already a contact through a payment turns
// that contact into an added one, keeping its id. The contact's name is
// masked until the two are acquainted (docs/WALLET.md, "Names"), so adding
// a phone number does not tell whose it is.
func (w *Wallets) AddContact(ctx context.Context, userID string, who Recipient) (*Contact, error) {
	u, err := w.resolve(ctx, who)
	if err != nil {
		return nil, err
	}
	if u.ID == userID {
		return nil, &cashless.Error{Code: ESelfTransfer, Message: "You cannot add yourself as a contact.", Param: "to"}
	}
	c, err := w.store.AddContact(ctx, &Contact{
		ID:      id.New(id.Contact),
		UserID:  userID,
		Contact: Party{UserID: u.ID},
		Source:  SourceAdded,
		Created: w.now().UTC(),
	})
	if err != nil {
		return nil, fmt.Errorf("add contact: %w", err)
	}
	ps := map[string]Party{u.ID: {UserID: u.ID, Name: u.Name, Username: u.Username}}
	if err := w.maskNames(ctx, userID, ps); err != nil {
		return nil, fmt.Errorf("add contact: %w", err)
	}
	c.Contact = ps[u.ID]
	return c, nil
}

// Contacts implements Service. Names are masked as in AddContact.
func (w *Wallets) Contacts(ctx context.Context, userID string, p cashless.Page) ([]*Contact, bool, error) {
	if err := checkPage(p, id.Contact); err != nil {
		return nil, false, err
	}
	cs, more, err := w.store.Contacts(ctx, userID, p)
	if err != nil {
		return nil, false, fmt.Errorf("list contacts: %w", err)
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.Contact.UserID
	}
	ps, err := w.parties(ctx, userID, ids...)
	if err != nil {
		return nil, false, fmt.Errorf("list contacts: %w", err)
	}
	for _, c := range cs {
		c.Contact = ps[c.Contact.UserID]
	}
	return cs, more, nil
}

// addPaymentContacts makes users a and b each other's contacts after a
// payment between them succeeded. Existing contacts stay as they are, so
// calling it again, or for several payments at once, changes nothing.
func (w *Wallets) addPaymentContacts(ctx context.Context, a, b string) error {
	cs := w.paymentContacts(a, b)
	if len(cs) == 0 {
		return nil
	}
	if err := w.store.AddPaymentContacts(ctx, cs...); err != nil {
		return fmt.Errorf("add payment contacts: %w", err)
	}
	return nil
}

// paymentContacts are the contacts a payment between a and b gives: each
// becomes the other's. None when a is b.
func (w *Wallets) paymentContacts(a, b string) []*Contact {
	if a == b {
		return nil
	}
	now := w.now().UTC()
	return []*Contact{
		{ID: id.New(id.Contact), UserID: a, Contact: Party{UserID: b}, Source: SourcePayment, Created: now},
		{ID: id.New(id.Contact), UserID: b, Contact: Party{UserID: a}, Source: SourcePayment, Created: now},
	}
}
