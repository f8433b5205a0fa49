package merchant_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
)

// TestPermissionMatrix calls every Service method taking an Actor as
// every role and as scoped keys: a call is refused with
// EPermissionDenied exactly when the matrix says so, and any other
// outcome (success or another error) shows the check let it through.
func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldbtest.URL(t, "sqlite"))
	mc, owner := b.shop(t)
	name := "New name"
	calls := []struct {
		name string
		perm merchant.Permission
		call func(ctx context.Context, a merchant.Actor) error
	}{
		{"Merchant", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error { _, err := b.m.Merchant(ctx, a); return err }},
		{"UpdateMerchant", merchant.PermSettings, func(ctx context.Context, a merchant.Actor) error {
			_, err := b.m.UpdateMerchant(ctx, a, merchant.MerchantUpdate{Name: &name})
			return err
		}},
		{"AddStaff", merchant.PermStaff, func(ctx context.Context, a merchant.Actor) error {
			_, err := b.m.AddStaff(ctx, a, "usr_new", merchant.Owner) // refused as a role after the check
			return err
		}},
		{"Staff", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error { _, err := b.m.Staff(ctx, a); return err }},
		{"RemoveStaff", merchant.PermStaff, func(ctx context.Context, a merchant.Actor) error { return b.m.RemoveStaff(ctx, a, "usr_none") }},
		{"CreatePaymentRequest", merchant.PermCollect, func(ctx context.Context, a merchant.Actor) error {
			_, err := b.m.CreatePaymentRequest(ctx, a, merchant.PaymentRequestInput{Amount: hkd(1_00)})
			return err
		}},
		{"PaymentRequest", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error {
			_, err := b.m.PaymentRequest(ctx, a, "pr_x")
			return err
		}},
		{"PaymentRequests", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error {
			_, _, err := b.m.PaymentRequests(ctx, a, cashless.Page{})
			return err
		}},
		{"CancelPaymentRequest", merchant.PermCollect, func(ctx context.Context, a merchant.Actor) error {
			_, err := b.m.CancelPaymentRequest(ctx, a, "pr_x")
			return err
		}},
		{"TestPay", merchant.PermCollect, func(ctx context.Context, a merchant.Actor) error {
			_, err := b.m.TestPay(ctx, a, "pr_x", "")
			return err
		}},
		{"Payment", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error { _, err := b.m.Payment(ctx, a, "pay_x"); return err }},
		{"Payments", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error {
			_, _, err := b.m.Payments(ctx, a, cashless.Page{})
			return err
		}},
		{"Refund", merchant.PermRefund, func(ctx context.Context, a merchant.Actor) error {
			_, err := b.m.Refund(ctx, a, merchant.RefundInput{PaymentID: "pay_x"})
			return err
		}},
		{"RefundByID", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error {
			_, err := b.m.RefundByID(ctx, a, "re_x")
			return err
		}},
		{"Refunds", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error {
			_, _, err := b.m.Refunds(ctx, a, cashless.Page{})
			return err
		}},
		{"Balances", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error { _, err := b.m.Balances(ctx, a); return err }},
		{"CreatePayout", merchant.PermPayout, func(ctx context.Context, a merchant.Actor) error {
			_, err := b.m.CreatePayout(ctx, a, merchant.PayoutInput{Currency: "HKD"})
			return err
		}},
		{"Payout", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error { _, err := b.m.Payout(ctx, a, "po_x"); return err }},
		{"Payouts", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error {
			_, _, err := b.m.Payouts(ctx, a, cashless.Page{})
			return err
		}},
		{"PayoutReport", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error {
			_, err := b.m.PayoutReport(ctx, a, "po_x")
			return err
		}},
		{"Event", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error { _, err := b.m.Event(ctx, a, "evt_x"); return err }},
		{"Events", merchant.PermRead, func(ctx context.Context, a merchant.Actor) error {
			_, _, err := b.m.Events(ctx, a, cashless.Page{})
			return err
		}},
	}
	actors := map[string]merchant.Actor{
		"owner":      owner,
		"admin":      {MerchantID: mc.ID, Mode: merchant.Test, UserID: "usr_ad", Role: merchant.Admin},
		"cashier":    {MerchantID: mc.ID, Mode: merchant.Test, UserID: "usr_ca", Role: merchant.Cashier},
		"viewer":     {MerchantID: mc.ID, Mode: merchant.Test, UserID: "usr_vi", Role: merchant.Viewer},
		"key":        {MerchantID: mc.ID, Mode: merchant.Test, KeyID: "key_all"},
		"read key":   {MerchantID: mc.ID, Mode: merchant.Test, KeyID: "key_r", Scopes: []merchant.Permission{merchant.PermRead}},
		"refund key": {MerchantID: mc.ID, Mode: merchant.Test, KeyID: "key_f", Scopes: []merchant.Permission{merchant.PermRefund}},
	}
	owner.Mode = merchant.Test
	actors["owner"] = owner
	for who, a := range actors {
		for _, c := range calls {
			err := c.call(b.ctx, a)
			denied := cashless.ErrorCode(err) == merchant.EPermissionDenied
			require.Equal(t, !a.Can(c.perm), denied, "%s calling %s: %v", who, c.name, err)
		}
	}
	// The matrix itself, spot-checked against the brief.
	require.False(t, actors["cashier"].Can(merchant.PermPayout))
	require.False(t, actors["viewer"].Can(merchant.PermCollect))
	require.False(t, actors["key"].Can(merchant.PermStaff))
	require.True(t, actors["admin"].Can(merchant.PermKeys))
}

func TestMerchantValidation(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldbtest.URL(t, "sqlite"))
	for _, tc := range []struct {
		in   merchant.MerchantInput
		code string
	}{
		{merchant.MerchantInput{Name: ""}, cashless.EInvalid},
		{merchant.MerchantInput{Name: "x", MCC: "59"}, merchant.EInvalidMCC},
		{merchant.MerchantInput{Name: "x", TimeZone: "Mars/Base"}, merchant.EInvalidTimeZone},
		{merchant.MerchantInput{Name: "x", Country: "hkg"}, cashless.EInvalid},
		{merchant.MerchantInput{Name: "x", BankAccount: "12-34"}, merchant.EInvalidBankAccount},
		{merchant.MerchantInput{Name: "x", BankAccount: "12a456789"}, merchant.EInvalidBankAccount},
	} {
		_, err := b.m.CreateMerchant(b.ctx, "usr_v", tc.in)
		require.Equal(t, tc.code, cashless.ErrorCode(err), "%+v", tc.in)
	}
	mc, err := b.m.CreateMerchant(b.ctx, "usr_v", merchant.MerchantInput{Name: "Kopi", BankAccount: "004 123-456789"})
	require.NoError(t, err)
	require.Equal(t, [4]string{"5999", "Hong Kong", "HK", "Asia/Hong_Kong"}, [4]string{mc.MCC, mc.City, mc.Country, mc.TimeZone})
	require.Equal(t, [2]int64{120, 100_000}, [2]int64{mc.FeeBasisPoints, mc.CashierRefundLimit})
	require.Equal(t, "00:00", mc.SettlementCutoff)
	s, err := b.m.Settlement(b.ctx, mc.ID)
	require.NoError(t, err)
	require.Equal(t, "004123456789", s.BankAccount)
	require.Equal(t, "6789", s.BankAccountLast4)
	ids, err := b.m.SettlementMerchants(b.ctx, "", 10)
	require.NoError(t, err)
	require.Equal(t, []string{mc.ID}, ids)

	// Two merchants: the user must pick one.
	_, err = b.m.CreateMerchant(b.ctx, "usr_v", merchant.MerchantInput{Name: "Kopi 2"})
	require.NoError(t, err)
	_, err = b.m.Actor(b.ctx, "usr_v", "", merchant.Live)
	require.Equal(t, merchant.EMerchantRequired, cashless.ErrorCode(err))
	a, err := b.m.Actor(b.ctx, "usr_v", mc.ID, merchant.Live)
	require.NoError(t, err)
	require.Equal(t, merchant.Owner, a.Role)
	_, err = b.m.Actor(b.ctx, "usr_nobody", "", merchant.Live)
	require.Equal(t, merchant.ENotMerchantStaff, cashless.ErrorCode(err))
	_, err = b.m.Actor(b.ctx, "usr_nobody", mc.ID, merchant.Live)
	require.Equal(t, merchant.EMerchantNotFound, cashless.ErrorCode(err))
	_, err = b.m.AddStaff(b.ctx, a, "usr_c", merchant.Cashier)
	require.NoError(t, err)
	_, err = b.m.AddStaff(b.ctx, a, "usr_c", merchant.Viewer)
	require.Equal(t, merchant.EStaffExists, cashless.ErrorCode(err))
	require.NoError(t, b.m.RemoveStaff(b.ctx, a, "usr_c"))
	require.Equal(t, merchant.EStaffNotFound, cashless.ErrorCode(b.m.RemoveStaff(b.ctx, a, "usr_c")))
}
