package wallet_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/wallet"
)

func TestAddContact(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		ann, bob := tb.user("Ann"), tb.user("Bob")
		bob.Phone = "+85291234567"

		first, err := tb.w.AddContact(tb.ctx, ann.ID, wallet.Recipient{Phone: bob.Phone})
		require.NoError(t, err)
		require.True(t, id.HasPrefix(first.ID, id.Contact))
		require.Equal(t, wallet.Contact{ID: first.ID, UserID: ann.ID, Contact: wallet.Party{UserID: bob.ID, Name: "Bob", Username: bob.Username}, Source: wallet.SourceAdded, Created: socialT0}, *first)

		again, err := tb.w.AddContact(tb.ctx, ann.ID, wallet.Recipient{Username: bob.Username})
		require.NoError(t, err)
		require.Equal(t, first, again, "adding again returns the existing contact")

		cs, more, err := tb.w.Contacts(tb.ctx, ann.ID, cashless.Page{})
		require.NoError(t, err)
		require.False(t, more)
		require.Equal(t, []*wallet.Contact{first}, cs)

		// Adding is one-way: Bob has no contacts.
		cs, _, err = tb.w.Contacts(tb.ctx, bob.ID, cashless.Page{})
		require.NoError(t, err)
		require.Empty(t, cs)
	})
}

func TestAddContactRefusals(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		ann := tb.user("Ann")
		for name, tc := range map[string]struct {
			who  wallet.Recipient
			code string
		}{
			"self":            {wallet.Recipient{Username: ann.Username}, wallet.ESelfTransfer},
			"unknown":         {wallet.Recipient{Username: "nobody"}, wallet.ERecipientNotFound},
			"unknown phone":   {wallet.Recipient{Phone: "+85290000000"}, wallet.ERecipientNotFound},
			"two identifiers": {wallet.Recipient{Username: "ann", Email: "ann@example.com"}, cashless.EInvalid},
			"none":            {wallet.Recipient{}, cashless.EInvalid},
		} {
			c, err := tb.w.AddContact(tb.ctx, ann.ID, tc.who)
			require.Nil(t, c, name)
			require.Equal(t, tc.code, cashless.ErrorCode(err), name)
		}
		cs, _, err := tb.w.Contacts(tb.ctx, ann.ID, cashless.Page{})
		require.NoError(t, err)
		require.Empty(t, cs)
	})
}

// A contact made by a payment becomes an added one when the user adds the
// person by hand; a later payment does not turn it back.
func TestAddContactUpgradesPaymentContact(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		ann, bob := tb.user("Ann"), tb.user("Bob")
		require.NoError(t, tb.w.AddPaymentContacts(tb.ctx, ann.ID, bob.ID))
		cs, _, err := tb.w.Contacts(tb.ctx, ann.ID, cashless.Page{})
		require.NoError(t, err)
		require.Len(t, cs, 1)
		require.Equal(t, wallet.SourcePayment, cs[0].Source)

		added := tb.add(t, ann, bob)
		require.Equal(t, cs[0].ID, added.ID)
		require.Equal(t, wallet.SourceAdded, added.Source)

		require.NoError(t, tb.w.AddPaymentContacts(tb.ctx, bob.ID, ann.ID))
		cs, _, err = tb.w.Contacts(tb.ctx, ann.ID, cashless.Page{})
		require.NoError(t, err)
		require.Equal(t, []*wallet.Contact{added}, cs)
	})
}

func TestPaymentContactsConcurrent(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		ann, bob, cat := tb.user("Ann"), tb.user("Bob"), tb.user("Cat")
		tb.add(t, cat, ann) // an existing contact keeps its source

		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Go(func() {
				switch i % 4 {
				case 0:
					errs <- tb.w.AddPaymentContacts(tb.ctx, ann.ID, bob.ID)
				case 1:
					errs <- tb.w.AddPaymentContacts(tb.ctx, bob.ID, ann.ID)
				case 2:
					errs <- tb.w.AddPaymentContacts(tb.ctx, ann.ID, cat.ID)
				default:
					_, err := tb.w.AddContact(tb.ctx, bob.ID, wallet.Recipient{Username: ann.Username})
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}

		sources := func(u *identity.User) map[string]string {
			cs, more, err := tb.w.Contacts(tb.ctx, u.ID, cashless.Page{})
			require.NoError(t, err)
			require.False(t, more)
			out := make(map[string]string)
			for _, c := range cs {
				require.NotContains(t, out, c.Contact.Name, "one contact per person")
				out[c.Contact.Name] = c.Source
			}
			return out
		}
		require.Equal(t, map[string]string{"Bob": wallet.SourcePayment, "Cat": wallet.SourcePayment}, sources(ann))
		require.Equal(t, map[string]string{"Ann": wallet.SourceAdded}, sources(bob))
		require.Equal(t, map[string]string{"Ann": wallet.SourceAdded}, sources(cat))

		require.NoError(t, tb.w.AddPaymentContacts(tb.ctx, ann.ID, ann.ID))
		require.NotContains(t, sources(ann), "Ann", "nobody is their own contact")
	})
}

func TestContactsPagination(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		ann := tb.user("Ann")
		var want []string // newest first
		for i := range 7 {
			c := tb.add(t, ann, tb.user(fmt.Sprintf("Friend%d", i)))
			want = slices.Insert(want, 0, c.ID)
		}
		page := func(p cashless.Page) ([]string, bool) {
			t.Helper()
			cs, more, err := tb.w.Contacts(tb.ctx, ann.ID, p)
			require.NoError(t, err)
			ids := make([]string, len(cs))
			for i, c := range cs {
				require.Equal(t, ann.ID, c.UserID)
				require.NotEmpty(t, c.Contact.Name)
				ids[i] = c.ID
			}
			return ids, more
		}

		// Older, page by page.
		var got []string
		p := cashless.Page{Limit: 3}
		for {
			ids, more := page(p)
			got = append(got, ids...)
			if !more {
				break
			}
			p.StartingAfter = ids[len(ids)-1]
		}
		require.Equal(t, want, got)

		// Newer, back from the oldest.
		ids, more := page(cashless.Page{Limit: 3, EndingBefore: want[6]})
		require.Equal(t, want[3:6], ids)
		require.True(t, more)
		ids, more = page(cashless.Page{Limit: 3, EndingBefore: want[3]})
		require.Equal(t, want[0:3], ids)
		require.False(t, more)
		ids, more = page(cashless.Page{EndingBefore: want[0]})
		require.Empty(t, ids)
		require.False(t, more)

		for _, bad := range []cashless.Page{
			{StartingAfter: want[1], EndingBefore: want[0]},
			{StartingAfter: "usr_01"},
			{EndingBefore: "tr_" + want[0][4:]},
			{Limit: cashless.MaxPageLimit + 1},
		} {
			_, _, err := tb.w.Contacts(tb.ctx, ann.ID, bad)
			require.Equal(t, cashless.EInvalid, cashless.ErrorCode(err), "%+v", bad)
		}
	})
}

func TestFeedVisibilitySetting(t *testing.T) {
	eachSocial(t, func(t *testing.T, tb *socialBundle) {
		ann := tb.user("Ann")
		v, err := tb.w.FeedVisibility(tb.ctx, ann.ID)
		require.NoError(t, err)
		require.Equal(t, wallet.Private, v, "private by default")

		for _, want := range []wallet.Visibility{wallet.Public, wallet.Friends, wallet.Private, wallet.Friends} {
			tb.setVisibility(t, ann, want)
			v, err = tb.w.FeedVisibility(tb.ctx, ann.ID)
			require.NoError(t, err)
			require.Equal(t, want, v)
		}

		for _, bad := range []wallet.Visibility{"", "everyone", "PUBLIC"} {
			err := tb.w.SetFeedVisibility(tb.ctx, ann.ID, bad)
			require.Equal(t, wallet.EInvalidVisibility, cashless.ErrorCode(err))
		}
		v, err = tb.w.FeedVisibility(tb.ctx, ann.ID)
		require.NoError(t, err)
		require.Equal(t, wallet.Friends, v)
	})
}
