package wallet_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/wallet"
)

// Who may see a transfer: the sender's choice × the recipient's default ×
// the viewer's relation to the parties (docs/WALLET.md, "Contacts and
// feed").
func TestFeedVisibilityMatrix(t *testing.T) {
	visibilities := []wallet.Visibility{wallet.Private, wallet.Friends, wallet.Public}
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		for _, sent := range visibilities {
			for _, received := range visibilities {
				name := fmt.Sprintf("sent %s, received %s", sent, received)
				sender, recipient := tb.user("Sender"), tb.user("Recipient")
				if received != wallet.Private || sent == wallet.Friends {
					// Private is also the default: leave it unset sometimes.
					tb.setVisibility(t, recipient, received)
				}
				tid := tb.transfer(t, sender, recipient, sent, wallet.StatusSucceeded)
				require.NoError(t, tb.w.AddPaymentContacts(tb.ctx, sender.ID, recipient.ID))

				friendOfSender, friendOfRecipient := tb.user("FriendOfSender"), tb.user("FriendOfRecipient")
				tb.befriend(t, friendOfSender, sender)
				require.NoError(t, tb.w.AddPaymentContacts(tb.ctx, recipient.ID, friendOfRecipient.ID))
				followerOfSender, followerOfRecipient := tb.user("FollowerOfSender"), tb.user("FollowerOfRecipient")
				tb.add(t, followerOfSender, sender)
				tb.add(t, followerOfRecipient, recipient)
				followedBySender := tb.user("FollowedBySender") // the sender added them, not the other way
				tb.add(t, sender, followedBySender)
				friendOfFriend := tb.user("FriendOfFriend")
				tb.befriend(t, friendOfFriend, friendOfSender)
				stranger := tb.user("Stranger")

				effective := min(slices.Index(visibilities, sent), slices.Index(visibilities, received))
				party, friends, public := true, effective >= 1, effective >= 2
				for _, v := range []struct {
					viewer *identity.User
					sees   bool
				}{
					{sender, party},
					{recipient, party},
					{friendOfSender, friends},
					{friendOfRecipient, friends},
					{followerOfSender, public},
					{followerOfRecipient, public},
					{followedBySender, false},
					{friendOfFriend, false},
					{stranger, false},
				} {
					items := tb.feed(t, v.viewer)
					if !v.sees {
						require.Empty(t, items, "%s: %s", name, v.viewer.Name)
						continue
					}
					require.Equal(t, []*wallet.FeedItem{{
						ID:         tid,
						From:       wallet.Party{UserID: sender.ID, Name: "Sender", Username: sender.Username},
						To:         wallet.Party{UserID: recipient.ID, Name: "Recipient", Username: recipient.Username},
						Message:    "for " + tid,
						Visibility: visibilities[effective],
						Created:    socialT0,
					}}, items, "%s: %s", name, v.viewer.Name)
				}
			}
		}
	})
}

// A feed item has no field that could carry an amount: only names,
// ids, the message, the visibility and the time.
func TestFeedItemHasNoAmount(t *testing.T) {
	t.Parallel()
	allowed := []reflect.Type{reflect.TypeFor[string](), reflect.TypeFor[wallet.Visibility](), reflect.TypeFor[wallet.Party](), reflect.TypeFor[time.Time]()}
	for _, typ := range []reflect.Type{reflect.TypeFor[wallet.FeedItem](), reflect.TypeFor[wallet.Party]()} {
		for i := range typ.NumField() {
			f := typ.Field(i)
			require.Contains(t, allowed, f.Type, "%s.%s", typ.Name(), f.Name)
			require.NotContains(t, strings.ToLower(f.Name), "amount")
		}
	}
}

// Only succeeded transfers show, even to their parties.
func TestFeedOnlySucceeded(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		ann, bob, cat := tb.user("Ann"), tb.user("Bob"), tb.user("Cat")
		tb.setVisibility(t, bob, wallet.Public)
		tb.befriend(t, ann, bob)
		tb.befriend(t, bob, cat)
		tb.transfer(t, ann, bob, wallet.Public, wallet.StatusFailed)
		tb.transfer(t, ann, bob, wallet.Public, wallet.StatusProcessing)
		ok := tb.transfer(t, ann, bob, wallet.Public, wallet.StatusSucceeded)
		tb.transfer(t, bob, ann, wallet.Public, wallet.StatusFailed)

		for _, u := range []*identity.User{ann, bob, cat} {
			require.Equal(t, []string{ok}, feedIDs(tb.feed(t, u)), u.Name)
		}
	})
}

// The feed pages newest first in both directions, with each transfer
// once even when several of the viewer's contacts took part in it.
func TestFeedPagination(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		me, ann, bob, cat, dan := tb.user("Me"), tb.user("Ann"), tb.user("Bob"), tb.user("Cat"), tb.user("Dan")
		for _, u := range []*identity.User{me, ann, bob, cat, dan} {
			tb.setVisibility(t, u, wallet.Public)
		}
		tb.befriend(t, me, ann)
		tb.befriend(t, me, bob)
		tb.add(t, me, cat) // followed only
		var want []string  // newest first
		for i := range 20 {
			var visible string
			switch i % 5 {
			case 0:
				visible = tb.transfer(t, me, ann, wallet.Private, wallet.StatusSucceeded)
			case 1:
				visible = tb.transfer(t, ann, bob, wallet.Friends, wallet.StatusSucceeded) // two friends
			case 2:
				visible = tb.transfer(t, cat, dan, wallet.Public, wallet.StatusSucceeded)
			case 3:
				visible = tb.transfer(t, dan, bob, wallet.Public, wallet.StatusSucceeded)
			case 4:
				visible = tb.transfer(t, cat, ann, wallet.Friends, wallet.StatusSucceeded)
			}
			want = slices.Insert(want, 0, visible)
			tb.transfer(t, cat, dan, wallet.Friends, wallet.StatusSucceeded) // Cat is no friend
			tb.transfer(t, ann, bob, wallet.Private, wallet.StatusSucceeded)
		}
		page := func(p cashless.Page) ([]string, bool) {
			t.Helper()
			items, more, err := tb.w.Feed(tb.ctx, me.ID, p)
			require.NoError(t, err)
			return feedIDs(items), more
		}

		var got []string
		p := cashless.Page{Limit: 6}
		for {
			ids, more := page(p)
			got = append(got, ids...)
			if !more {
				break
			}
			p.StartingAfter = ids[len(ids)-1]
		}
		require.Equal(t, want, got)

		ids, more := page(cashless.Page{})
		require.Equal(t, want[:cashless.DefaultPageLimit], ids)
		require.True(t, more)

		var back []string
		p = cashless.Page{Limit: 7, EndingBefore: want[len(want)-1]}
		for {
			ids, more := page(p)
			back = append(ids, back...)
			if !more {
				break
			}
			p.EndingBefore = ids[0]
		}
		require.Equal(t, want[:len(want)-1], back)

		ids, more = page(cashless.Page{StartingAfter: want[len(want)-1]})
		require.Empty(t, ids)
		require.False(t, more)

		for _, bad := range []cashless.Page{
			{StartingAfter: want[1], EndingBefore: want[0]},
			{StartingAfter: "con_" + want[0][3:]},
			{Limit: -1},
		} {
			_, _, err := tb.w.Feed(tb.ctx, me.ID, bad)
			require.Equal(t, cashless.EInvalid, cashless.ErrorCode(err), "%+v", bad)
		}
	})
}

// A viewer with hundreds of contacts gets one merged, complete feed.
func TestFeedManyContacts(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		me, shop := tb.user("Me"), tb.user("Shop")
		tb.setVisibility(t, shop, wallet.Friends)
		var contacts []*wallet.Contact
		var friends []*identity.User
		for i := range 260 {
			f := tb.user(fmt.Sprintf("Friend%03d", i))
			friends = append(friends, f)
			contacts = append(contacts,
				&wallet.Contact{ID: id.New(id.Contact), UserID: me.ID, Contact: wallet.Party{UserID: f.ID}, Source: wallet.SourcePayment, Created: socialT0},
				&wallet.Contact{ID: id.New(id.Contact), UserID: f.ID, Contact: wallet.Party{UserID: me.ID}, Source: wallet.SourcePayment, Created: socialT0})
		}
		require.NoError(t, tb.store.AddPaymentContacts(tb.ctx, contacts...))

		var want []string
		for _, f := range slices.Backward(friends) { // the last friends' transfers are the oldest
			want = slices.Insert(want, 0, tb.transfer(t, f, shop, wallet.Friends, wallet.StatusSucceeded))
		}
		var got []string
		p := cashless.Page{Limit: cashless.MaxPageLimit}
		for {
			items, more, err := tb.w.Feed(tb.ctx, me.ID, p)
			require.NoError(t, err)
			got = append(got, feedIDs(items)...)
			if !more {
				break
			}
			p.StartingAfter = items[len(items)-1].ID
		}
		require.Equal(t, want, got)
	})
}
