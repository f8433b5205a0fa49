package limits_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/limits"
)

// writeFile writes a limits file into a temporary directory.
func writeFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "limits.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

func caps(day, month, year int64) []limits.Cap {
	return []limits.Cap{{Period: limits.Day, Amount: day}, {Period: limits.Month, Amount: month}, {Period: limits.Year, Amount: year}}
}

func TestDefault(t *testing.T) {
	t.Parallel()
	c := limits.Default()
	require.NoError(t, c.Validate())
	require.Equal(t, "Asia/Hong_Kong", c.TimeZone)
	for tier, want := range map[int][]limits.Cap{
		0: caps(300000, 2500000, 2500000),
		1: caps(500000, 3000000, 10000000),
		2: caps(2000000, 5000000, 10000000),
	} {
		got, ok := c.Caps(tier, "HKD")
		require.True(t, ok, "tier %d", tier)
		require.Equal(t, want, got, "tier %d", tier)
	}
	_, ok := c.Caps(1, "USD")
	require.False(t, ok)
	_, ok = c.Caps(3, "HKD")
	require.False(t, ok)
	require.Equal(t, []string{"HKD"}, c.Currencies())
	v, window, ok := c.StepUp("HKD")
	require.True(t, ok)
	require.Equal(t, int64(500000), v)
	require.Equal(t, 24*time.Hour, window)
	_, _, ok = c.StepUp("USD")
	require.False(t, ok)
	topups, ok := c.TopupCaps(0, "HKD")
	require.True(t, ok)
	require.Equal(t, []limits.Cap{{Period: limits.Day, Amount: 300000}, {Period: limits.Month, Amount: 1000000}, {Period: limits.Year, Amount: 2500000}}, topups)
	_, ok = c.TopupCaps(0, "USD")
	require.False(t, ok)

	// Each call is a fresh copy, and Caps hands out copies too.
	got, _ := c.Caps(0, "HKD")
	got[0].Amount = 1
	c.Tiers[1]["HKD"][0].Amount = 1
	again, _ := limits.Default().Caps(1, "HKD")
	require.Equal(t, int64(500000), again[0].Amount)
	got, _ = c.Caps(0, "HKD")
	require.Equal(t, int64(300000), got[0].Amount)
}

func TestCapsSortedByPeriod(t *testing.T) {
	t.Parallel()
	c := &limits.Config{Tiers: map[int]map[string][]limits.Cap{1: {"EUR": {
		{Period: limits.Year, Amount: 30}, {Period: limits.Day, Amount: 10},
	}, "USD": {}}}}
	require.NoError(t, c.Validate())
	got, ok := c.Caps(1, "EUR")
	require.True(t, ok)
	require.Equal(t, []limits.Cap{{Period: limits.Day, Amount: 10}, {Period: limits.Year, Amount: 30}}, got)
	_, ok = c.Caps(1, "USD")
	require.False(t, ok, "an empty list of caps refuses the currency")
	require.Equal(t, []string{"EUR"}, c.Currencies())
}

func TestLoadExample(t *testing.T) {
	t.Parallel()
	c, err := limits.Load("example.yaml")
	require.NoError(t, err)
	require.Equal(t, limits.Default(), c, "the example spells out the defaults")
}

func TestLoadEmptyFileKeepsDefaults(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", "# nothing\n", "{}\n"} {
		c, err := limits.Load(writeFile(t, body))
		require.NoError(t, err)
		require.Equal(t, limits.Default(), c)
	}
}

func TestLoadPartial(t *testing.T) {
	t.Parallel()
	c, err := limits.Load(writeFile(t, `
time_zone: Europe/London
step_up_threshold:
  USD: 1000.5
tiers:
  1:
    HKD:
      day: 6000        # month and year keep their defaults
  2:
    HKD:
      year: null       # drops the yearly cap
    USD: {day: "2500", month: "6500.00"}
  0:
    HKD: null          # tier 0 may not send HKD
`))
	require.NoError(t, err)
	require.Equal(t, "Europe/London", c.TimeZone)
	require.Equal(t, map[string]int64{"HKD": 500000, "USD": 100050}, c.StepUpThreshold)

	got, ok := c.Caps(1, "HKD")
	require.True(t, ok)
	require.Equal(t, caps(600000, 3000000, 10000000), got)

	got, ok = c.Caps(2, "HKD")
	require.True(t, ok)
	require.Equal(t, []limits.Cap{{Period: limits.Day, Amount: 2000000}, {Period: limits.Month, Amount: 5000000}}, got)

	got, ok = c.Caps(2, "USD")
	require.True(t, ok)
	require.Equal(t, []limits.Cap{{Period: limits.Day, Amount: 250000}, {Period: limits.Month, Amount: 650000}}, got)

	_, ok = c.Caps(0, "HKD")
	require.False(t, ok)
	require.Equal(t, []string{"HKD", "USD"}, c.Currencies())
}

func TestLoadTopupsAndStepUpWindow(t *testing.T) {
	t.Parallel()
	c, err := limits.Load(writeFile(t, `
step_up_window: 6h
topup_tiers:
  0:
    HKD: {day: 500}    # month and year keep their defaults
  2:
    HKD: null          # tier 2 tops up without a cap
`))
	require.NoError(t, err)
	_, window, _ := c.StepUp("HKD")
	require.Equal(t, 6*time.Hour, window)
	got, ok := c.TopupCaps(0, "HKD")
	require.True(t, ok)
	require.Equal(t, caps(50000, 1000000, 2500000), got)
	_, ok = c.TopupCaps(2, "HKD")
	require.False(t, ok)
	// Send caps are untouched by top-up caps.
	got, ok = c.Caps(0, "HKD")
	require.True(t, ok)
	require.Equal(t, caps(300000, 2500000, 2500000), got)
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, want string
	}{
		{"unknown tier", "tiers:\n  3:\n    HKD: {day: 1}\n", "tiers.3: unknown tier"},
		{"negative tier", "tiers:\n  -1:\n    HKD: {day: 1}\n", "tiers.-1: unknown tier"},
		{"zero cap", "tiers:\n  1:\n    HKD: {day: 0}\n", "tiers.1.HKD.day: must be positive"},
		{"negative cap", "tiers:\n  1:\n    HKD: {month: -5}\n", "tiers.1.HKD.month: must be positive"},
		{"unknown currency", "tiers:\n  1:\n    XYZ: {day: 1}\n", "tiers.1.XYZ.day: unknown currency"},
		{"lower-case currency", "tiers:\n  1:\n    hkd: {day: 1}\n", "tiers.1.hkd.day: unknown currency"},
		{"unknown period", "tiers:\n  1:\n    HKD: {week: 1}\n", `tiers.1.HKD: unknown period "week"`},
		{"too many decimals", "tiers:\n  1:\n    HKD: {day: 1.005}\n", "tiers.1.HKD.day: too_many_decimals"},
		{"not a number", "tiers:\n  1:\n    HKD: {day: lots}\n", "tiers.1.HKD.day: invalid_amount"},
		{"month below day", "tiers:\n  1:\n    HKD: {day: 40000}\n", "tiers.1.HKD.month: 3000000 is below the day cap of 4000000"},
		{"bad zone", "time_zone: Mars/Olympus\n", `time_zone: cannot load "Mars/Olympus"`},
		{"step-up currency", "step_up_threshold:\n  ABC: 10\n", "step_up_threshold.ABC: unknown currency"},
		{"step-up zero", "step_up_threshold:\n  HKD: 0\n", "step_up_threshold.HKD: must be positive"},
		{"unknown field", "time_zone: UTC\nlimit: 5\n", "field limit not found"},
		{"not yaml", "tiers: [\n", "yaml"},
		{"step-up window", "step_up_window: soon\n", "step_up_window: want a positive duration"},
		{"top-up tier", "topup_tiers:\n  5:\n    HKD: {day: 1}\n", "topup_tiers.5: unknown tier"},
		{"top-up cap", "topup_tiers:\n  1:\n    HKD: {day: 0}\n", "topup_tiers.1.HKD.day: must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, tc.body)
			_, err := limits.Load(path)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
			require.Contains(t, err.Error(), path)
		})
	}
	_, err := limits.Load(filepath.Join(t.TempDir(), "missing.yaml"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		c    limits.Config
		want string
	}{
		{"duplicate period", limits.Config{Tiers: map[int]map[string][]limits.Cap{0: {"HKD": {{Period: limits.Day, Amount: 1}, {Period: limits.Day, Amount: 2}}}}}, "tiers.0.HKD.day: more than one cap"},
		{"unknown period", limits.Config{Tiers: map[int]map[string][]limits.Cap{0: {"HKD": {{Period: "week", Amount: 1}}}}}, `tiers.0.HKD: unknown period "week"`},
		{"year below month", limits.Config{Tiers: map[int]map[string][]limits.Cap{2: {"HKD": {{Period: limits.Year, Amount: 1}, {Period: limits.Month, Amount: 2}}}}}, "tiers.2.HKD.year: 1 is below the month cap of 2"},
		{"bad zone", limits.Config{TimeZone: "Nowhere"}, `time_zone: cannot load "Nowhere"`},
	} {
		err := tc.c.Validate()
		require.Error(t, err, tc.name)
		require.Contains(t, err.Error(), tc.want, tc.name)
	}
	require.NoError(t, (&limits.Config{}).Validate(), "an empty config is valid and refuses every currency")
}
