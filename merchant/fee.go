package merchant

// DefaultFeeBasisPoints is the default fee plan: 1.2% of each payment.
const DefaultFeeBasisPoints = 120

// MaxFeeBasisPoints bounds a fee plan at 100%.
const MaxFeeBasisPoints = 10_000

// Fee returns the fee on a payment of amount minor units under a plan of
// bps basis points: amount × bps / 10,000 rounded half up to a whole
// minor unit (HK$10.05 at 1.2% is 12.06 cents → 12; HK$10.42 is 12.504
// cents → 13). A fee that rounds to zero is zero; the fee never exceeds
// the amount. The arithmetic is exact for every int64 amount.
func Fee(amount, bps int64) int64 {
	if amount <= 0 || bps <= 0 {
		return 0
	}
	if bps > MaxFeeBasisPoints {
		bps = MaxFeeBasisPoints
	}
	q, r := amount/10_000, amount%10_000
	return q*bps + (r*bps+5_000)/10_000
}
