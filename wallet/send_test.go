package wallet_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/emvqr"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/money"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/wallet"
)

func TestSend(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url, setupOptions{})
		ada, bob := b.user(t, "ada", 1), b.user(t, "bob", 1)
		b.fund(t, ada.ID, 100_00)

		in := wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Phone: bob.Phone}, Amount: hkd(12_34),
			Message: "lunch 🍜", Visibility: wallet.Friends, IdempotencyKey: "k1"}
		tr, err := b.wallets.Send(b.ctx, in)
		require.NoError(t, err)
		require.Equal(t, wallet.StatusSucceeded, tr.Status)
		require.Equal(t, wallet.Party{UserID: ada.ID, Name: "Ada", Username: "ada"}, tr.From)
		require.Equal(t, bob.ID, tr.To.UserID)
		require.Equal(t, "lunch 🍜", tr.Message)
		require.Equal(t, wallet.Friends, tr.Visibility)

		require.EqualValues(t, 100_00-12_34, b.balance(t, ada.ID).Balance)
		require.EqualValues(t, 12_34, b.balance(t, bob.ID).Balance)

		t.Run("replay moves money once", func(t *testing.T) {
			again, err := b.wallets.Send(b.ctx, in)
			require.NoError(t, err)
			require.Equal(t, tr.ID, again.ID)
			require.EqualValues(t, 100_00-12_34, b.balance(t, ada.ID).Balance)
			require.EqualValues(t, 12_34, b.balance(t, bob.ID).Balance)
		})

		t.Run("the two become each other's contacts", func(t *testing.T) {
			for _, pair := range [][2]string{{ada.ID, bob.ID}, {bob.ID, ada.ID}} {
				cs, _, err := b.wallets.Contacts(b.ctx, pair[0], cashless.Page{})
				require.NoError(t, err)
				require.Len(t, cs, 1)
				require.Equal(t, pair[1], cs[0].Contact.UserID)
				require.Equal(t, wallet.SourcePayment, cs[0].Source)
			}
		})

		t.Run("both sides see it; others do not", func(t *testing.T) {
			got, err := b.wallets.Transfer(b.ctx, bob.ID, tr.ID)
			require.NoError(t, err)
			require.Equal(t, "Ada", got.From.Name)
			eve := b.user(t, "eve", 1)
			_, err = b.wallets.Transfer(b.ctx, eve.ID, tr.ID)
			require.Equal(t, wallet.ETransferNotFound, code(err))
			list, more, err := b.wallets.Transfers(b.ctx, bob.ID, cashless.Page{})
			require.NoError(t, err)
			require.False(t, more)
			require.Len(t, list, 1)
		})

		t.Run("by username, email and paycode", func(t *testing.T) {
			_, err := b.wallets.Send(b.ctx, wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Username: "bob"}, Amount: hkd(1), IdempotencyKey: "u"})
			require.NoError(t, err)
			_, err = b.wallets.Send(b.ctx, wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Email: bob.Email}, Amount: hkd(1), IdempotencyKey: "e"})
			require.NoError(t, err)
			pc, err := b.wallets.PayCode(b.ctx, bob.ID)
			require.NoError(t, err)
			require.NotContains(t, pc.Payload, bob.Phone)
			require.NotContains(t, pc.Payload, "Bob")
			require.Contains(t, pc.Payload, "bob")
			png, err := emvqr.PNG(pc.Payload, 512) // as GET /v1/paycode.png draws it
			require.NoError(t, err)
			require.NotEmpty(t, png)
			tr, err := b.wallets.Send(b.ctx, wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{PayCode: pc.Payload}, Amount: hkd(1), IdempotencyKey: "p"})
			require.NoError(t, err)
			require.Equal(t, bob.ID, tr.To.UserID)
			bad := pc.Payload[:len(pc.Payload)-1] + "0"
			if bad == pc.Payload {
				bad = pc.Payload[:len(pc.Payload)-1] + "1"
			}
			_, err = b.wallets.Send(b.ctx, wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{PayCode: bad}, Amount: hkd(1), IdempotencyKey: "p2"})
			require.Equal(t, wallet.EInvalidPayCode, code(err))
			require.EqualValues(t, 12_37, b.balance(t, bob.ID).Balance)
		})

		t.Run("insufficient funds, and its replay", func(t *testing.T) {
			big := wallet.SendInput{UserID: bob.ID, To: wallet.Recipient{Username: "ada"}, Amount: hkd(50_00), IdempotencyKey: "big"}
			_, err := b.wallets.Send(b.ctx, big)
			require.Equal(t, wallet.EInsufficientFunds, code(err))
			b.fund(t, bob.ID, 100_00)
			_, err = b.wallets.Send(b.ctx, big)
			require.Equal(t, wallet.EInsufficientFunds, code(err), "a replay answers with the first outcome")
			big.IdempotencyKey = "big2"
			_, err = b.wallets.Send(b.ctx, big)
			require.NoError(t, err)
		})

		t.Run("refusals", func(t *testing.T) {
			ok := wallet.SendInput{UserID: ada.ID, To: wallet.Recipient{Username: "bob"}, Amount: hkd(1), IdempotencyKey: "r"}
			for name, tc := range map[string]struct {
				mut  func(*wallet.SendInput)
				code string
			}{
				"self":             {func(in *wallet.SendInput) { in.To = wallet.Recipient{Username: "ada"} }, wallet.ESelfTransfer},
				"unknown":          {func(in *wallet.SendInput) { in.To = wallet.Recipient{Phone: "+85290000000"} }, wallet.ERecipientNotFound},
				"two proxies":      {func(in *wallet.SendInput) { in.To.Email = bob.Email }, cashless.EInvalid},
				"no proxy":         {func(in *wallet.SendInput) { in.To = wallet.Recipient{} }, cashless.EInvalid},
				"zero":             {func(in *wallet.SendInput) { in.Amount = hkd(0) }, wallet.EInvalidAmount},
				"negative":         {func(in *wallet.SendInput) { in.Amount = hkd(-5) }, wallet.EInvalidAmount},
				"unknown currency": {func(in *wallet.SendInput) { in.Amount = money.Amount{Minor: 1, Currency: "XYZ"} }, money.UnknownCurrency},
				"unsupported":      {func(in *wallet.SendInput) { in.Amount = money.Amount{Minor: 1, Currency: "USD"} }, wallet.ECurrencyNotSupported},
				"long message":     {func(in *wallet.SendInput) { in.Message = string(make([]rune, 281)) }, wallet.EMessageTooLong},
				"visibility":       {func(in *wallet.SendInput) { in.Visibility = "everyone" }, wallet.EInvalidVisibility},
				"no key":           {func(in *wallet.SendInput) { in.IdempotencyKey = "" }, cashless.EInvalid},
			} {
				in := ok
				tc.mut(&in)
				_, err := b.wallets.Send(b.ctx, in)
				require.Equal(t, tc.code, code(err), name)
			}
			in := ok
			in.Message = string(make([]rune, 280))
			_, err := b.wallets.Send(b.ctx, in)
			require.NoError(t, err, "280 characters fit")
		})

		t.Run("step-up above the threshold", func(t *testing.T) {
			cy := b.user(t, "cy", 2)
			cy.TOTPEnabled = true
			b.dir.add(cy)
			b.fund(t, cy.ID, 12_000_00)
			in := wallet.SendInput{UserID: cy.ID, To: wallet.Recipient{Username: "ada"}, Amount: hkd(6_000_00), IdempotencyKey: "s"}
			_, err := b.wallets.Send(b.ctx, in)
			require.Equal(t, identity.ETOTPRequired, code(err))
			in.TOTPCode = "000000"
			_, err = b.wallets.Send(b.ctx, in)
			require.Equal(t, identity.EInvalidTOTP, code(err))
			in.TOTPCode = validTOTP
			tr, err := b.wallets.Send(b.ctx, in)
			require.NoError(t, err)
			in.TOTPCode = ""
			again, err := b.wallets.Send(b.ctx, in)
			require.NoError(t, err, "a replay needs no second code")
			require.Equal(t, tr.ID, again.ID)
			_, err = b.wallets.Send(b.ctx, wallet.SendInput{UserID: cy.ID, To: wallet.Recipient{Username: "ada"}, Amount: hkd(1_00), IdempotencyKey: "s2"})
			require.Equal(t, identity.ETOTPRequired, code(err), "the window already holds HK$6,000")
		})

		t.Run("step-up is cumulative over the window", func(t *testing.T) {
			dee := b.user(t, "dee", 2)
			dee.TOTPEnabled = true
			b.dir.add(dee)
			b.fund(t, dee.ID, 12_000_00)
			send := func(key string, minor int64, totp string) error {
				_, err := b.wallets.Send(b.ctx, wallet.SendInput{UserID: dee.ID, To: wallet.Recipient{Username: "ada"},
					Amount: hkd(minor), IdempotencyKey: key, TOTPCode: totp})
				return err
			}
			require.NoError(t, send("a", 2_500_00, ""))
			require.NoError(t, send("b", 2_500_00, ""), "HK$5,000 in all is the threshold itself")
			require.Equal(t, identity.ETOTPRequired, code(send("c", 2_500_00, "")), "splitting does not avoid the step-up")
			require.NoError(t, send("b", 2_500_00, ""), "a replay is answered as it was")
			require.NoError(t, send("c", 2_500_00, validTOTP))
			b.clock.Advance(24*time.Hour + time.Second)
			require.NoError(t, send("d", 2_500_00, ""), "the window has rolled on")
		})
		b.verify(t)
	})
}
