package limits

import (
	"fmt"
	"maps"
	"slices"

	"github.com/cashless-dev/cashless/money"
)

// Period is the calendar period a cap is counted over.
type Period string

// The periods a cap may be counted over.
const (
	Day   Period = "day"
	Month Period = "month"
	Year  Period = "year"
)

// periods lists the known periods from the shortest to the longest.
var periods = []Period{Day, Month, Year}

// rank orders periods from the shortest; -1 for an unknown period.
func (p Period) rank() int { return slices.Index(periods, p) }

// DefaultTimeZone is the zone whose calendar the windows follow when a
// Config names none.
const DefaultTimeZone = "Asia/Hong_Kong"

// Tiers are the KYC tiers a Config may declare caps for: 0 (unverified),
// 1 and 2 (fully verified).
const (
	MinTier = 0
	MaxTier = 2
)

// Cap is the most a user may send in one calendar period.
type Cap struct {
	// Period is the calendar period the cap is counted over.
	Period Period `json:"period"`
	// Amount is the cap in minor units of the currency.
	Amount int64 `json:"amount"`
}

// Config is the limits of every KYC tier. Build one with Default or Load,
// or by hand and then check it with Validate; do not change a Config that
// is in use.
type Config struct {
	// TimeZone is the IANA name of the zone whose calendar the windows
	// follow; empty means DefaultTimeZone.
	TimeZone string `json:"time_zone"`
	// StepUpThreshold is, per currency, the amount in minor units above
	// which a send needs a TOTP code from a user who enrolled TOTP.
	StepUpThreshold map[string]int64 `json:"step_up_threshold"`
	// Tiers holds, per tier and then per currency, the caps of that tier,
	// at most one per period.
	Tiers map[int]map[string][]Cap `json:"tiers"`
}

// Default returns PayMe's published limits: in HKD, tier 0 may send
// HK$3,000 a day, HK$25,000 a month and HK$25,000 a year; tier 1 HK$5,000,
// HK$30,000 and HK$100,000; tier 2 HK$20,000, HK$50,000 and HK$100,000. Sends
// above HK$5,000 need a TOTP step-up. Days follow Hong Kong's calendar. Each
// call returns a new Config that the caller may change.
func Default() *Config {
	hkd := func(day, month, year int64) map[string][]Cap {
		return map[string][]Cap{"HKD": {
			{Period: Day, Amount: day * 100},
			{Period: Month, Amount: month * 100},
			{Period: Year, Amount: year * 100},
		}}
	}
	return &Config{
		TimeZone:        DefaultTimeZone,
		StepUpThreshold: map[string]int64{"HKD": 5_000_00},
		Tiers: map[int]map[string][]Cap{
			0: hkd(3_000, 25_000, 25_000),
			1: hkd(5_000, 30_000, 100_000),
			2: hkd(20_000, 50_000, 100_000),
		},
	}
}

// Caps returns the caps of a tier in a currency, the shortest period first.
// It returns false when the tier has no caps in that currency, which means
// users of that tier may not use the currency. The caller owns the slice.
func (c *Config) Caps(tier int, currency string) ([]Cap, bool) {
	caps, ok := c.Tiers[tier][currency]
	if !ok || len(caps) == 0 {
		return nil, false
	}
	caps = slices.Clone(caps)
	slices.SortStableFunc(caps, func(a, b Cap) int { return a.Period.rank() - b.Period.rank() })
	return caps, true
}

// Currencies returns, sorted, the currencies that have caps in at least one
// tier.
func (c *Config) Currencies() []string {
	set := map[string]bool{}
	for _, byCurrency := range c.Tiers {
		for cur, caps := range byCurrency {
			if len(caps) > 0 {
				set[cur] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// StepUp returns the amount in minor units of currency above which a send
// needs a TOTP step-up, and false when sends in currency never need one.
func (c *Config) StepUp(currency string) (int64, bool) {
	v, ok := c.StepUpThreshold[currency]
	return v, ok
}

// Validate checks that c is usable: its time zone loads, its tiers are
// among 0 to 2, every currency is a known ISO 4217 code, every cap is
// positive and of a known period with at most one cap per period, and a
// longer period's cap is never below a shorter one's. The error names the
// field at fault, such as "tiers.1.HKD.day".
func (c *Config) Validate() error {
	if _, err := c.location(); err != nil {
		return err
	}
	for _, cur := range slices.Sorted(maps.Keys(c.StepUpThreshold)) {
		if _, err := money.LookupCurrency(cur); err != nil {
			return fmt.Errorf("step_up_threshold.%s: unknown currency", cur)
		}
		if c.StepUpThreshold[cur] <= 0 {
			return fmt.Errorf("step_up_threshold.%s: must be positive", cur)
		}
	}
	for _, tier := range slices.Sorted(maps.Keys(c.Tiers)) {
		if tier < MinTier || tier > MaxTier {
			return fmt.Errorf("tiers.%d: unknown tier (want %d to %d)", tier, MinTier, MaxTier)
		}
		for _, cur := range slices.Sorted(maps.Keys(c.Tiers[tier])) {
			if err := validateCaps(fmt.Sprintf("tiers.%d.%s", tier, cur), cur, c.Tiers[tier][cur]); err != nil {
				return err
			}
		}
	}
	return nil
}

func validateCaps(field, currency string, caps []Cap) error {
	if _, err := money.LookupCurrency(currency); err != nil {
		return fmt.Errorf("%s: unknown currency", field)
	}
	seen := map[Period]int64{}
	for _, cp := range caps {
		if cp.Period.rank() < 0 {
			return fmt.Errorf("%s: unknown period %q (want day, month or year)", field, cp.Period)
		}
		if _, dup := seen[cp.Period]; dup {
			return fmt.Errorf("%s.%s: more than one cap", field, cp.Period)
		}
		if cp.Amount <= 0 {
			return fmt.Errorf("%s.%s: must be positive", field, cp.Period)
		}
		seen[cp.Period] = cp.Amount
	}
	// A longer period's cap below a shorter one's is almost surely a typo.
	for i, shorter := range periods {
		for _, longer := range periods[i+1:] {
			s, okS := seen[shorter]
			l, okL := seen[longer]
			if okS && okL && l < s {
				return fmt.Errorf("%s.%s: %d is below the %s cap of %d", field, longer, l, shorter, s)
			}
		}
	}
	return nil
}
