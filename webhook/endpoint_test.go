package webhook_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb/sqldbtest"
	"github.com/cashless-dev/cashless/webhook"
)

func TestEndpoints(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, url string) {
		t.Parallel()
		b := setup(t, url)
		e, secret := b.endpoint(t, "mch_a", "http://localhost:3000/hook", merchant.EventPaymentSucceeded, merchant.EventRefundSucceeded)
		require.Regexp(t, `^we_`, e.ID)
		require.Regexp(t, `^whsec_`, secret)
		require.NotContains(t, string(e.Secret), secret[6:], "the secret is stored sealed")

		got, err := b.svc.Endpoint(b.ctx, "mch_a", merchant.Test, e.ID)
		require.NoError(t, err)
		require.Equal(t, []string{merchant.EventPaymentSucceeded, merchant.EventRefundSucceeded}, got.Events)
		require.True(t, got.Enabled)
		require.Equal(t, e.Created, got.Created)

		_, err = b.svc.Endpoint(b.ctx, "mch_b", merchant.Test, e.ID)
		require.Equal(t, webhook.EEndpointNotFound, cashless.ErrorCode(err), "another merchant's endpoint")
		_, err = b.svc.Endpoint(b.ctx, "mch_a", merchant.Live, e.ID)
		require.Equal(t, webhook.EEndpointNotFound, cashless.ErrorCode(err), "the other mode's endpoint")

		e2, _ := b.endpoint(t, "mch_a", "http://127.0.0.1:3001/")
		list, more, err := b.svc.Endpoints(b.ctx, "mch_a", merchant.Test, cashless.Page{Limit: 1})
		require.NoError(t, err)
		require.True(t, more)
		require.Equal(t, e2.ID, list[0].ID)

		off, err := b.svc.SetEnabled(b.ctx, "mch_a", merchant.Test, e.ID, false)
		require.NoError(t, err)
		require.False(t, off.Enabled)
		got, err = b.svc.Endpoint(b.ctx, "mch_a", merchant.Test, e.ID)
		require.NoError(t, err)
		require.False(t, got.Enabled)

		require.NoError(t, b.svc.DeleteEndpoint(b.ctx, "mch_a", merchant.Test, e.ID))
		require.Equal(t, webhook.EEndpointNotFound, cashless.ErrorCode(b.svc.DeleteEndpoint(b.ctx, "mch_a", merchant.Test, e.ID)))
		_, err = b.svc.RotateSecret(b.ctx, "mch_a", merchant.Test, e.ID, 0)
		require.Equal(t, webhook.EEndpointNotFound, cashless.ErrorCode(err))
	})
}

func TestCreateEndpointRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t, sqldbtest.URL(t, "sqlite"))
	for _, tc := range []struct {
		name   string
		mode   merchant.Mode
		url    string
		events []string
		addr   string // what the host resolves to
		code   string
	}{
		{"unknown type", merchant.Test, "http://localhost/", []string{"payment.exploded"}, "127.0.0.1", webhook.EInvalidEventType},
		{"no types", merchant.Test, "http://localhost/", nil, "127.0.0.1", webhook.EInvalidEventType},
		{"star among types", merchant.Test, "http://localhost/", []string{"*", "payout.paid"}, "127.0.0.1", webhook.EInvalidEventType},
		{"not a URL", merchant.Test, "localhost:3000", []string{"*"}, "127.0.0.1", webhook.EInvalidURL},
		{"ftp", merchant.Test, "ftp://example.com/", []string{"*"}, "93.184.216.34", webhook.EInvalidURL},
		{"credentials", merchant.Live, "https://u:p@example.com/", []string{"*"}, "93.184.216.34", webhook.EInvalidURL},
		{"live http", merchant.Live, "http://example.com/", []string{"*"}, "93.184.216.34", webhook.EInvalidURL},
		{"live loopback", merchant.Live, "https://127.0.0.1/hook", []string{"*"}, "127.0.0.1", webhook.EURLNotAllowed},
		{"live name on loopback", merchant.Live, "https://hooks.example.com/", []string{"*"}, "127.0.0.1", webhook.EURLNotAllowed},
		{"live private", merchant.Live, "https://hooks.example.com/", []string{"*"}, "10.1.2.3", webhook.EURLNotAllowed},
		{"live cgnat", merchant.Live, "https://hooks.example.com/", []string{"*"}, "100.64.0.9", webhook.EURLNotAllowed},
		{"live v6 loopback", merchant.Live, "https://[::1]/", []string{"*"}, "::1", webhook.EURLNotAllowed},
		{"test metadata", merchant.Test, "http://169.254.169.254/latest/meta-data", []string{"*"}, "169.254.169.254", webhook.EURLNotAllowed},
		{"test name on metadata", merchant.Test, "http://metadata.example/", []string{"*"}, "169.254.169.254", webhook.EURLNotAllowed},
		{"live ok", merchant.Live, "https://hooks.example.com/", []string{"*"}, "93.184.216.34", ""},
		{"test loopback ok", merchant.Test, "http://localhost:3000/hook", []string{"*"}, "127.0.0.1", ""},
	} {
		b.setResolver(tc.addr)
		_, _, err := b.svc.CreateEndpoint(b.ctx, webhook.EndpointParams{MerchantID: "mch_a", Mode: tc.mode, URL: tc.url, Events: tc.events})
		require.Equal(t, tc.code, cashless.ErrorCode(err), "%s: %v", tc.name, err)
	}
}

func TestAddrAllowed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr       string
		live, test bool
	}{
		{"93.184.216.34", true, true},
		{"2606:2800:220:1:248:1893:25c8:1946", true, true},
		{"127.0.0.1", false, true},
		{"::1", false, true},
		{"::ffff:127.0.0.1", false, true},
		{"10.0.0.1", false, false},
		{"172.16.5.4", false, false},
		{"192.168.1.1", false, false},
		{"fd00::1", false, false},
		{"100.64.0.1", false, false},
		{"100.127.255.255", false, false},
		{"169.254.169.254", false, false},
		{"::ffff:169.254.169.254", false, false},
		{"fe80::1", false, false},
		{"0.0.0.0", false, false},
		{"0.1.2.3", false, false},
		{"::", false, false},
		{"224.0.0.1", false, false},
		{"ff02::1", false, false},
		{"255.255.255.255", false, false},
	} {
		ip := netip.MustParseAddr(tc.addr)
		require.Equal(t, tc.live, webhook.AddrAllowed(merchant.Live, ip), "live %s", tc.addr)
		require.Equal(t, tc.test, webhook.AddrAllowed(merchant.Test, ip), "test %s", tc.addr)
	}
}
