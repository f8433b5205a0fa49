package wallet

import (
	"context"
	"time"

	"github.com/cashless-dev/cashless"
)

// SocialStore is the half of the wallet's storage that keeps contacts and
// feed settings and reads the feed (docs/WALLET.md, "Contacts and feed").
// Parties come back with only UserID set: names belong to the identity
// service and are never stored by the wallet.
type SocialStore interface {
	// AddContact stores c, unless c.UserID already has c.Contact.UserID as a
	// contact, and returns the stored contact. An existing contact keeps its
	// id and Created; its Source becomes "added" when c.Source is "added"
	// (a contact first made by a payment, then added by hand, counts as
	// added). Concurrent calls for one pair store one contact.
	AddContact(ctx context.Context, c *Contact) (*Contact, error)
	// AddPaymentContacts stores each contact unless its user already has
	// that contact, all in one transaction; existing contacts are left as
	// they are.
	AddPaymentContacts(ctx context.Context, cs ...*Contact) error
	// Contacts lists a user's contacts, newest first, with the page's
	// cursors being contact ids; the bool reports whether more follow in
	// the page's direction.
	Contacts(ctx context.Context, userID string, p cashless.Page) ([]*Contact, bool, error)
	// FeedVisibility returns the user's default visibility for the
	// transfers they receive: Private when never set.
	FeedVisibility(ctx context.Context, userID string) (Visibility, error)
	// SetFeedVisibility stores the user's default visibility; v is valid.
	SetFeedVisibility(ctx context.Context, userID string, v Visibility, now time.Time) error
	// Feed lists the succeeded transfers userID may see, newest first, with
	// the page's cursors being transfer ids. Each item's Visibility is the
	// effective one, and its parties carry only UserID.
	Feed(ctx context.Context, userID string, p cashless.Page) ([]*FeedItem, bool, error)
	// Acquainted reports which of userIDs may show viewerID their full
	// name (docs/WALLET.md, "Names"): those who have paid the viewer (a
	// succeeded transfer from them to the viewer), and those whom the
	// viewer added as a contact by hand and who added the viewer by hand
	// too. It answers for all of them with one indexed query, so a page of
	// parties costs one round trip; users it leaves out are strangers.
	Acquainted(ctx context.Context, viewerID string, userIDs []string) (map[string]bool, error)
}
