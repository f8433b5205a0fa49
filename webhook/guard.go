package webhook

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
)

// cgnat is the carrier-grade NAT range (RFC 6598), private in practice.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// thisNetwork is 0.0.0.0/8, which some systems route to the host itself.
var thisNetwork = netip.MustParsePrefix("0.0.0.0/8")

// AddrAllowed reports whether an endpoint of the mode may be sent to ip.
// Live endpoints reach public addresses only: a merchant must not turn
// Cashless into a probe of its own network. Test endpoints may also reach
// loopback, for local development, but never link-local addresses, where
// cloud metadata services live.
func AddrAllowed(mode merchant.Mode, ip netip.Addr) bool {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid(), ip.IsUnspecified(), ip.IsMulticast(), ip.IsLinkLocalUnicast(),
		ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast(), ip.IsPrivate(),
		cgnat.Contains(ip), thisNetwork.Contains(ip), ip == netip.IPv4Unspecified(),
		ip.Is4() && ip.As4() == [4]byte{255, 255, 255, 255}:
		return false
	case ip.IsLoopback():
		return mode == merchant.Test
	}
	return true
}

// Resolver looks up a host's addresses. net.DefaultResolver.LookupNetIP
// is the default; tests replace it to simulate DNS rebinding.
type Resolver func(ctx context.Context, host string) ([]netip.Addr, error)

func defaultResolver(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// checkURL validates an endpoint URL for the mode and checks every address
// its host resolves to now. Delivery checks the dialed address again.
func checkURL(ctx context.Context, mode merchant.Mode, raw string, resolve Resolver) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || len(raw) > 2048 || u.Fragment != "" {
		return &cashless.Error{Code: EInvalidURL, Message: "The URL must be an absolute http(s) URL without credentials or fragment.", Param: "url"}
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && mode == merchant.Test:
	default:
		return &cashless.Error{Code: EInvalidURL, Message: "A live endpoint's URL must use https.", Param: "url"}
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		addrs = []netip.Addr{ip}
	} else if addrs, err = resolve(ctx, host); err != nil || len(addrs) == 0 {
		return &cashless.Error{Code: EInvalidURL, Message: "The URL's host does not resolve.", Param: "url"}
	}
	for _, ip := range addrs {
		if !AddrAllowed(mode, ip) {
			return &cashless.Error{Code: EURLNotAllowed, Message: "The URL's host resolves to an address webhooks may not reach.", Param: "url"}
		}
	}
	return nil
}

// errAddrNotAllowed is the dialer's refusal; attempts log it as
// address_not_allowed.
var errAddrNotAllowed = cashless.Errorf(EURLNotAllowed, "The endpoint resolves to an address webhooks may not reach.")

// guardedDial returns a DialContext that resolves with resolve, then dials
// the addresses one by one through a net.Dialer whose Control refuses any
// address the mode may not reach. Checking the very address dialed, not
// the one seen when the endpoint was created, defeats DNS rebinding.
func guardedDial(mode merchant.Mode, resolve Resolver) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !AddrAllowed(mode, ap.Addr()) {
				return errAddrNotAllowed
			}
			return nil
		},
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		var ips []netip.Addr
		if ip, err := netip.ParseAddr(host); err == nil {
			ips = []netip.Addr{ip}
		} else if ips, err = resolve(ctx, host); err != nil {
			return nil, err
		}
		var last error = errAddrNotAllowed
		for _, ip := range ips {
			c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
			if err == nil {
				return c, nil
			}
			last = err
		}
		return nil, last
	}
}
