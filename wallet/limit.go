package wallet

import (
	"context"
	"fmt"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/limits"
	"github.com/cashless-dev/cashless/money"
)

// reservations returns the caps of a tier in a currency, each with the key
// of the window it is counted in now. A tier without caps in the currency
// may not use it: ECurrencyNotSupported.
func (w *Wallets) reservations(tier int, currency string) ([]Reservation, error) {
	caps, ok := w.limits.Caps(tier, currency)
	if !ok {
		return nil, &cashless.Error{Code: ECurrencyNotSupported, Message: fmt.Sprintf("Your verification level does not allow %s.", currency), Param: "currency"}
	}
	return w.windowsOf(caps, "")
}

// windowsOf pairs each cap with the key of its window now, prefixed.
func (w *Wallets) windowsOf(caps []limits.Cap, prefix string) ([]Reservation, error) {
	windows, err := w.limits.Windows(w.now())
	if err != nil {
		return nil, fmt.Errorf("limit windows: %w", err)
	}
	res := make([]Reservation, 0, len(caps))
	for _, c := range caps {
		for _, win := range windows {
			if win.Period == c.Period {
				res = append(res, Reservation{Period: string(c.Period), Window: prefix + win.Key, Cap: c.Amount})
			}
		}
	}
	return res, nil
}

// topupReservations returns the top-up caps of a tier in a currency with
// the keys of their windows now ("topup:" and the window, so they count
// apart from sends); none when top-ups there have no cap.
func (w *Wallets) topupReservations(tier int, currency string) ([]Reservation, error) {
	if err := w.checkCurrency(currency); err != nil {
		return nil, err
	}
	caps, ok := w.limits.TopupCaps(tier, currency)
	if !ok {
		return nil, nil
	}
	return w.windowsOf(caps, topupWindowPrefix)
}

// topupWindowPrefix sets the limit windows of top-ups apart from those of
// sends.
const topupWindowPrefix = "topup:"

// Limits implements Service: for each cap of the user's tier, on sends
// and then on top-ups, what the current window has used, what remains,
// and when the window resets. Withdrawals count towards neither.
func (w *Wallets) Limits(ctx context.Context, userID, currency string) ([]LimitUsage, error) {
	if err := w.checkCurrency(currency); err != nil {
		return nil, err
	}
	u, err := w.dir.User(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	sendCaps, _ := w.limits.Caps(u.KYCTier, currency)
	topupCaps, _ := w.limits.TopupCaps(u.KYCTier, currency)
	if len(sendCaps) == 0 && len(topupCaps) == 0 {
		return []LimitUsage{}, nil
	}
	windows, err := w.limits.Windows(w.now())
	if err != nil {
		return nil, fmt.Errorf("limit windows: %w", err)
	}
	keys := make([]string, 0, 2*len(windows))
	for _, win := range windows {
		keys = append(keys, win.Key, topupWindowPrefix+win.Key)
	}
	used, err := w.store.LimitUsage(ctx, userID, currency, keys)
	if err != nil {
		return nil, fmt.Errorf("read limit usage: %w", err)
	}
	out := make([]LimitUsage, 0, len(sendCaps)+len(topupCaps))
	for _, kind := range []struct {
		name, prefix string
		caps         []limits.Cap
	}{{LimitSend, "", sendCaps}, {LimitTopup, topupWindowPrefix, topupCaps}} {
		for _, c := range kind.caps {
			for _, win := range windows {
				if win.Period != c.Period {
					continue
				}
				u := used[kind.prefix+win.Key]
				out = append(out, LimitUsage{
					Kind:      kind.name,
					Period:    string(c.Period),
					Cap:       money.Amount{Minor: c.Amount, Currency: currency},
					Used:      money.Amount{Minor: u, Currency: currency},
					Remaining: money.Amount{Minor: max(c.Amount-u, 0), Currency: currency},
					Resets:    win.End,
				})
			}
		}
	}
	return out, nil
}
