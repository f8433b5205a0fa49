package limits

import (
	"fmt"
	"maps"
	"slices"
	"time"

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
	// StepUpWindow is the rolling window over which a user's sends and
	// withdrawals add up towards StepUpThreshold, so that splitting a large
	// amount does not avoid the step-up; zero means DefaultStepUpWindow.
	StepUpWindow time.Duration `json:"step_up_window"`
	// Tiers holds, per tier and then per currency, the caps of that tier,
	// at most one per period.
	Tiers map[int]map[string][]Cap `json:"tiers"`
	// TopupTiers holds the caps on top-ups (money loaded from a bank), in
	// the same shape as Tiers and counted separately from sends. A tier
	// with no top-up caps in a currency loads it without a cap.
	TopupTiers map[int]map[string][]Cap `json:"topup_tiers"`
}

// DefaultStepUpWindow is the step-up's rolling window when a Config names
// none.
const DefaultStepUpWindow = 24 * time.Hour

// Default returns PayMe's published limits: in HKD, tier 0 may send
// HK$3,000 a day, HK$25,000 a month and HK$25,000 a year; tier 1 HK$5,000,
// HK$30,000 and HK$100,000; tier 2 HK$20,000, HK$50,000 and HK$100,000. Sends
// above HK$5,000 in 24 hours need a TOTP step-up. Top-ups are capped at
// HK$3,000 a day, HK$10,000 a month and HK$25,000 a year for tier 0,
// HK$10,000, HK$50,000 and HK$200,000 for tier 1, and HK$50,000, HK$200,000
// and HK$500,000 for tier 2. Days follow Hong Kong's calendar. Each call
// returns a new Config that the caller may change.
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
		StepUpWindow:    DefaultStepUpWindow,
		Tiers: map[int]map[string][]Cap{
			0: hkd(3_000, 25_000, 25_000),
			1: hkd(5_000, 30_000, 100_000),
			2: hkd(20_000, 50_000, 100_000),
		},
		TopupTiers: map[int]map[string][]Cap{
			0: hkd(3_000, 10_000, 25_000),
			1: hkd(10_000, 50_000, 200_000),
			2: hkd(50_000, 200_000, 500_000),
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

// TopupCaps returns the caps on top-ups of a tier in a currency, the
// shortest period first, and false when such top-ups have no cap.
func (c *Config) TopupCaps(tier int, currency string) ([]Cap, bool) {
	caps, ok := c.TopupTiers[tier][currency]
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

// StepUp returns the amount in minor units of currency above which a
// user's sends and withdrawals within the step-up window need a TOTP
// step-up, the window, and false when they never need one.
func (c *Config) StepUp(currency string) (int64, time.Duration, bool) {
	v, ok := c.StepUpThreshold[currency]
	window := c.StepUpWindow
	if window <= 0 {
		window = DefaultStepUpWindow
	}
	return v, window, ok
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
	if c.StepUpWindow < 0 {
		return fmt.Errorf("step_up_window: must not be negative")
	}
	if err := validateTiers("tiers", c.Tiers); err != nil {
		return err
	}
	return validateTiers("topup_tiers", c.TopupTiers)
}

func validateTiers(name string, tiers map[int]map[string][]Cap) error {
	for _, tier := range slices.Sorted(maps.Keys(tiers)) {
		if tier < MinTier || tier > MaxTier {
			return fmt.Errorf("%s.%d: unknown tier (want %d to %d)", name, tier, MinTier, MaxTier)
		}
		for _, cur := range slices.Sorted(maps.Keys(tiers[tier])) {
			if err := validateCaps(fmt.Sprintf("%s.%d.%s", name, tier, cur), cur, tiers[tier][cur]); err != nil {
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
