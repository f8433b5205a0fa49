package merchant_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashless-dev/cashless/merchant"
)

func TestFee(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		amount, bps, want int64
	}{
		{1000, 120, 12}, // HK$10.00 → 12 cents
		{1005, 120, 12}, // 12.06 → 12
		{1042, 120, 13}, // 12.504 → 13 (half up)
		{1, 120, 0},     // 0.012 → 0
		{42, 120, 1},    // 0.504 → 1
		{41, 120, 0},    // 0.492 → 0
		{10_000, 0, 0},  // no fee plan
		{10_000, 10_000, 10_000},
		{10_000, 20_000, 10_000}, // capped at 100%
		{0, 120, 0},
		{-5, 120, 0},
		{math.MaxInt64, 120, 110680464442257310}, // 9223372036854775807 × 0.012 = 110680464442257309.684
	} {
		require.Equal(t, tc.want, merchant.Fee(tc.amount, tc.bps), "Fee(%d, %d)", tc.amount, tc.bps)
		require.LessOrEqual(t, merchant.Fee(tc.amount, tc.bps), max(tc.amount, 0))
	}
}
