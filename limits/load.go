package limits

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/cashless-dev/cashless/money"
)

// file is the YAML form of a Config. Amounts are decimal strings in major
// units, and nil pointers and maps are YAML nulls, which remove a default.
type file struct {
	TimeZone        *string                               `yaml:"time_zone"`
	StepUpThreshold map[string]*string                    `yaml:"step_up_threshold"`
	Tiers           map[int]map[string]map[Period]*string `yaml:"tiers"`
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
	for _, tier := range slices.Sorted(maps.Keys(f.Tiers)) {
		if tier < MinTier || tier > MaxTier {
			return nil, fmt.Errorf("tiers.%d: unknown tier (want %d to %d)", tier, MinTier, MaxTier)
		}
		for _, cur := range slices.Sorted(maps.Keys(f.Tiers[tier])) {
			if err := c.merge(tier, cur, f.Tiers[tier][cur]); err != nil {
				return nil, err
			}
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// merge applies one tier's caps in one currency from a file: a nil map
// removes the currency from the tier, a nil amount removes that period's cap.
func (c *Config) merge(tier int, currency string, byPeriod map[Period]*string) error {
	field := fmt.Sprintf("tiers.%d.%s", tier, currency)
	if byPeriod == nil {
		delete(c.Tiers[tier], currency)
		return nil
	}
	if c.Tiers[tier] == nil {
		c.Tiers[tier] = map[string][]Cap{}
	}
	caps := c.Tiers[tier][currency]
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
	c.Tiers[tier][currency] = caps
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
