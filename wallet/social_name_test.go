package wallet_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/wallet"
)

func TestMaskName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"Carol Chan":            "Carol C.",
		"Carol de la Cruz":      "Carol C.",
		"Jean-Luc Picard":       "Jean-Luc P.",
		"carol chan":            "carol c.",
		"  Carol   Chan  ":      "Carol C.",
		"Carol Chan 🚀":          "Carol C.",
		"Ada 🚀":                 "Ada",
		"Ada":                   "Ada",
		"🦄 Ada Lovelace":        "🦄 L.",
		"Ann Chan 陳安 🦄":         "Ann 陳.",
		"Dan O'Brien":           "Dan O.",
		"Dan (Danny)":           "Dan D.",
		"Zoe\u0301 E\u0301mile": "Zoe\u0301 E\u0301.", // decomposed accents stay with their letter
		"مريم العتيبي":          "مريم ا.",
		"陳大文":                   "陳**",
		"王明":                    "王**", // the mask does not tell the length
		"陳 大文":                  "陳**",
		"陳大文 David":             "陳**",
		"김민준":                   "김**",
		"やまだ たろう":               "や**",
		"":                      "",
		"   ":                   "",
	} {
		require.Equal(t, want, wallet.MaskName(name), "%q", name)
	}
}

// countingStore counts the acquaintance queries the service makes.
type countingStore struct {
	wallet.Store
	queries atomic.Int64
}

func (s *countingStore) Acquainted(ctx context.Context, viewerID string, userIDs []string) (map[string]bool, error) {
	s.queries.Add(1)
	return s.Store.Acquainted(ctx, viewerID, userIDs)
}

// A stranger who adds someone by phone sees a masked name; so does
// someone the person added back only through a payment; a hand-made
// contact both ways shows the full name, to these two only.
func TestContactNamesMasked(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		carol, dan, eve := tb.user("Carol Chan"), tb.user("Dan Wong"), tb.user("Eve Ho")
		carol.Phone = "+85291234567"

		c, err := tb.w.AddContact(tb.ctx, dan.ID, wallet.Recipient{Phone: carol.Phone})
		require.NoError(t, err)
		require.Equal(t, wallet.Party{UserID: carol.ID, Name: "Carol C.", Username: carol.Username}, c.Contact, "the username stays public")
		require.Equal(t, []string{"Carol C."}, contactNames(t, tb, dan))

		// Contacts the wallet made after a payment do not count.
		require.NoError(t, tb.w.AddPaymentContacts(tb.ctx, carol.ID, dan.ID))
		require.Equal(t, []string{"Carol C."}, contactNames(t, tb, dan))
		require.Equal(t, []string{"Dan W."}, contactNames(t, tb, carol))

		tb.add(t, carol, dan)
		require.Equal(t, []string{"Carol Chan"}, contactNames(t, tb, dan))
		require.Equal(t, []string{"Dan Wong"}, contactNames(t, tb, carol))
		again := tb.add(t, dan, carol)
		require.Equal(t, "Carol Chan", again.Contact.Name)

		// The rule is per pair: Eve is still a stranger to Carol.
		tb.add(t, eve, carol)
		require.Equal(t, []string{"Carol C."}, contactNames(t, tb, eve))
	})
}

// Parties in the feed are masked per viewer: a friend's name shows, the
// stranger they paid shows masked, and the stranger sees their own name.
func TestFeedNamesMasked(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		ann, bob, carol := tb.user("Ann Lee"), tb.user("Bob Tan"), tb.user("Carol Chan")
		tb.befriend(t, ann, bob)
		tb.setVisibility(t, carol, wallet.Public)
		tid := tb.transfer(t, bob, carol, wallet.Public, wallet.StatusSucceeded)

		names := func(viewer string) [2]string {
			t.Helper()
			items, _, err := tb.w.Feed(tb.ctx, viewer, cashless.Page{})
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, tid, items[0].ID)
			return [2]string{items[0].From.Name, items[0].To.Name}
		}
		require.Equal(t, [2]string{"Bob Tan", "Carol C."}, names(ann.ID))
		require.Equal(t, [2]string{"Bob Tan", "Carol C."}, names(bob.ID), "paying Carol does not show her name to Bob")
		require.Equal(t, [2]string{"Bob Tan", "Carol Chan"}, names(carol.ID), "Bob paid Carol")
	})
}

// One acquaintance query serves a whole page, however many parties it
// shows; a page of one-word names needs none.
func TestNameMaskingQueriesOncePerPage(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		store := &countingStore{Store: tb.store}
		w := wallet.NewSocialWallets(store, tb.dir, func() time.Time { return socialT0 })
		ann, solo := tb.user("Ann Lee"), tb.user("Solo")
		tb.setVisibility(t, solo, wallet.Public)
		for _, name := range []string{"Bob Tan", "Carol Chan", "Dan Wong", "Eve Ho"} {
			u := tb.user(name)
			tb.add(t, ann, u)
			tb.transfer(t, u, solo, wallet.Public, wallet.StatusSucceeded)
		}

		start := store.queries.Load()
		cs, _, err := w.Contacts(tb.ctx, ann.ID, cashless.Page{})
		require.NoError(t, err)
		require.Len(t, cs, 4)
		require.Equal(t, start+1, store.queries.Load())
		items, _, err := w.Feed(tb.ctx, ann.ID, cashless.Page{})
		require.NoError(t, err)
		require.Len(t, items, 4)
		require.Equal(t, start+2, store.queries.Load())

		other := tb.user("Other")
		tb.transfer(t, solo, other, wallet.Private, wallet.StatusSucceeded)
		items, _, err = w.Feed(tb.ctx, solo.ID, cashless.Page{})
		require.NoError(t, err)
		require.Len(t, items, 5)
		require.Equal(t, start+3, store.queries.Load(), "one query for the four payers on Solo's page")
		for _, it := range items[1:] {
			require.Contains(t, it.From.Name, " ", "they paid Solo: full names")
		}
		items, _, err = w.Feed(tb.ctx, other.ID, cashless.Page{})
		require.NoError(t, err)
		require.Len(t, items, 1)
		require.Equal(t, start+3, store.queries.Load(), "one-word names need no query")
	})
}

// contactNames lists the names on the viewer's contacts, newest first.
func contactNames(t *testing.T, tb *socialBundle, viewer *identity.User) []string {
	t.Helper()
	cs, _, err := tb.w.Contacts(tb.ctx, viewer.ID, cashless.Page{})
	require.NoError(t, err)
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Contact.Name
	}
	return names
}
