package wallet

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
)

// Feed implements Service. It shows the viewer's own succeeded transfers,
// their friends' transfers whose effective visibility is friends or
// public, and the public transfers of anyone in their contacts
// (docs/WALLET.md, "Contacts and feed"). No item carries an amount, and
// the names of parties who are strangers to the viewer are masked.
func (w *Wallets) Feed(ctx context.Context, userID string, p cashless.Page) ([]*FeedItem, bool, error) {
	if err := checkPage(p, id.Transfer); err != nil {
		return nil, false, err
	}
	items, more, err := w.store.Feed(ctx, userID, p)
	if err != nil {
		return nil, false, fmt.Errorf("read feed: %w", err)
	}
	ids := make([]string, 0, 2*len(items))
	for _, it := range items {
		ids = append(ids, it.From.UserID, it.To.UserID)
	}
	ps, err := w.parties(ctx, userID, ids...)
	if err != nil {
		return nil, false, fmt.Errorf("read feed: %w", err)
	}
	for _, it := range items {
		it.From, it.To = ps[it.From.UserID], ps[it.To.UserID]
	}
	return items, more, nil
}

// FeedVisibility implements Service.
func (w *Wallets) FeedVisibility(ctx context.Context, userID string) (Visibility, error) {
	v, err := w.store.FeedVisibility(ctx, userID)
	if err != nil {
		return "", fmt.Errorf("read feed visibility: %w", err)
	}
	return v, nil
}

// SetFeedVisibility implements Service.
func (w *Wallets) SetFeedVisibility(ctx context.Context, userID string, v Visibility) error {
	switch v {
	case Private, Friends, Public:
	default:
		return &cashless.Error{Code: EInvalidVisibility, Message: "visibility must be private, friends or public.", Param: "visibility"}
	}
	if err := w.store.SetFeedVisibility(ctx, userID, v, w.now().UTC()); err != nil {
		return fmt.Errorf("set feed visibility: %w", err)
	}
	return nil
}
