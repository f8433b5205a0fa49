package payout

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
)

// settleBatch is how many merchants one step of the settlement scan reads.
const settleBatch = 200

// defaultCutoff is the cut-off of a merchant that has none.
const defaultCutoff = "00:00"

// SettlementKey is the idempotency key of a merchant's automatic payout of
// one local day and currency: whoever makes it first (a restart, a second
// instance), the day is paid once.
func SettlementKey(day, currency string) string {
	return "settlement:" + day + ":" + currency
}

// Settle is the daily settlement check, run by every reconciler pass: for
// every merchant, mode and currency whose local time is at or past its
// cut-off, it pays the whole available balance out once per local day,
// skipping merchants without a settlement account or a balance. A
// merchant that cannot be settled is logged, and the others go on.
func (s *Service) Settle(ctx context.Context) error {
	after := ""
	for {
		ids, err := s.src.SettlementMerchants(ctx, after, settleBatch)
		if err != nil {
			return fmt.Errorf("list merchants to settle: %w", err)
		}
		for _, mid := range ids {
			if ctx.Err() != nil {
				return nil
			}
			if err := s.settleMerchant(ctx, mid); err != nil {
				s.log.Error("daily settlement of a merchant failed", "merchant", mid, "err", err)
			}
		}
		if len(ids) < settleBatch {
			return nil
		}
		after = ids[len(ids)-1]
	}
}

func (s *Service) settleMerchant(ctx context.Context, mid string) error {
	set, err := s.src.Settlement(ctx, mid)
	if err != nil {
		return err
	}
	day, due, err := settlementDay(s.now(), set)
	if err != nil || !due || set.BankAccount == "" {
		return err
	}
	var errs []error
	for _, mode := range []merchant.Mode{merchant.Live, merchant.Test} {
		for _, cur := range s.opts.Currencies {
			key := SettlementKey(day, cur)
			_, err := s.store.PayoutByKey(ctx, mid, mode, key)
			switch {
			case err == nil:
				continue // paid today already
			case cashless.ErrorCode(err) != merchant.EPayoutNotFound:
				errs = append(errs, err)
				continue
			}
			available, err := s.available(ctx, mid, mode, cur)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if available <= 0 {
				continue
			}
			_, err = s.create(ctx, mid, mode, merchant.PayoutInput{Currency: cur, IdempotencyKey: key}, true)
			switch cashless.ErrorCode(err) {
			case "", merchant.EInsufficientBalance, EBankDeclined, merchant.ENoSettlementAccount:
				// Made, or failed as a payout does: the day is settled.
			default:
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// settlementDay returns the merchant's local date at now (YYYY-MM-DD) and
// whether its cut-off has passed on that date.
func settlementDay(now time.Time, set *merchant.Settlement) (string, bool, error) {
	loc, err := time.LoadLocation(set.TimeZone)
	if err != nil {
		return "", false, fmt.Errorf("merchant %s: time zone %q: %w", set.MerchantID, set.TimeZone, err)
	}
	cutoff := set.Cutoff
	if cutoff == "" {
		cutoff = defaultCutoff
	}
	c, err := time.Parse("15:04", cutoff)
	if err != nil {
		return "", false, fmt.Errorf("merchant %s: cut-off %q: %w", set.MerchantID, cutoff, err)
	}
	local := now.In(loc)
	minutes := local.Hour()*60 + local.Minute()
	return local.Format(time.DateOnly), minutes >= c.Hour()*60+c.Minute(), nil
}
