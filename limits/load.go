package limits

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/cashless-dev/cashless/money"
)

// file is the YAML form of a Config. Amounts are decimal strings in major
// units, and nil pointers and maps are YAML nulls, which remove a default.
type file struct {
	TimeZone        *string                               `yaml:"time_zone"`
	StepUpThreshold map[string]*string                    `yaml:"step_up_threshold"`
	StepUpWindow    *string                               `yaml:"step_up_window"`
	Tiers           map[int]map[string]map[Period]*string `yaml:"tiers"`
	TopupTiers      map[int]map[string]map[Period]*string `yaml:"topup_tiers"`
}

// Load reads the YAML limits file at path over Default: what the file leaves
// out keeps its default value and a null removes it. The package comment and
// example.yaml describe the format. The result is validated; an error names
// the file and the field at fault.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read limits: %w", err)
	}
	c, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("limits file %s: %w", path, err)
	}
	return c, nil
}

func parse(data []byte) (*Config, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	c := Default()
	if f.TimeZone != nil {
		c.TimeZone = *f.TimeZone
	}
	for _, cur := range slices.Sorted(maps.Keys(f.StepUpThreshold)) {
		v := f.StepUpThreshold[cur]
		if v == nil {
			delete(c.StepUpThreshold, cur)
			continue
		}
		minor, err := minorUnits("step_up_threshold."+cur, cur, *v)
		if err != nil {
			return nil, err
		}
		c.StepUpThreshold[cur] = minor
	}
	if f.StepUpWindow != nil {
		d, err := time.ParseDuration(*f.StepUpWindow)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("step_up_window: want a positive duration such as 24h")
		}
		c.StepUpWindow = d
	}
	if err := mergeTiers("tiers", c.Tiers, f.Tiers); err != nil {
		return nil, err
	}
	if c.TopupTiers == nil {
		c.TopupTiers = map[int]map[string][]Cap{}
	}
	if err := mergeTiers("topup_tiers", c.TopupTiers, f.TopupTiers); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// mergeTiers applies a file's tiers (section name) over tiers.
func mergeTiers(name string, tiers map[int]map[string][]Cap, from map[int]map[string]map[Period]*string) error {
	for _, tier := range slices.Sorted(maps.Keys(from)) {
		if tier < MinTier || tier > MaxTier {
			return fmt.Errorf("%s.%d: unknown tier (want %d to %d)", name, tier, MinTier, MaxTier)
		}
		for _, cur := range slices.Sorted(maps.Keys(from[tier])) {
			if err := merge(fmt.Sprintf("%s.%d.%s", name, tier, cur), tiers, tier, cur, from[tier][cur]); err != nil {
				return err
			}
		}
	}
	return nil
}

// merge applies one tier's caps in one currency from a file: a nil map
// removes the currency from the tier, a nil amount removes that period's cap.
func merge(field string, tiers map[int]map[string][]Cap, tier int, currency string, byPeriod map[Period]*string) error {
	if byPeriod == nil {
		delete(tiers[tier], currency)
		return nil
	}
	if tiers[tier] == nil {
		tiers[tier] = map[string][]Cap{}
	}
	caps := tiers[tier][currency]
	for _, p := range slices.Sorted(maps.Keys(byPeriod)) {
		if p.rank() < 0 {
			return fmt.Errorf("%s: unknown period %q (want day, month or year)", field, p)
		}
		caps = slices.DeleteFunc(caps, func(cp Cap) bool { return cp.Period == p })
		v := byPeriod[p]
		if v == nil {
			continue
		}
		minor, err := minorUnits(field+"."+string(p), currency, *v)
		if err != nil {
			return err
		}
		caps = append(caps, Cap{Period: p, Amount: minor})
	}
	slices.SortFunc(caps, func(a, b Cap) int { return a.Period.rank() - b.Period.rank() })
	tiers[tier][currency] = caps
	return nil
}

// minorUnits parses a decimal amount of major units of currency.
func minorUnits(field, currency, s string) (int64, error) {
	if _, err := money.LookupCurrency(currency); err != nil {
		return 0, fmt.Errorf("%s: unknown currency", field)
	}
	a, err := money.Parse(s, currency)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", field, err)
	}
	if !a.IsPositive() {
		return 0, fmt.Errorf("%s: must be positive", field)
	}
	return a.Minor, nil
}
