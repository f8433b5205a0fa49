package bench

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// The workloads of BENCH.md.
const (
	// P2P moves 1–10,000 minor units between two distinct random wallets.
	P2P = "p2p"
	// MerchantHot has every wallet pay the same merchant account, each
	// payment with a linked fee transfer.
	MerchantHot = "merchant-hot"
	// MerchantZipf pays Merchants merchants chosen with a Zipf distribution
	// (s = 1.1), each payment with a linked fee transfer.
	MerchantZipf = "merchant-zipf"
	// Mixed is 60% merchant-zipf payments, 30% p2p, 5% top-ups, 3% refunds
	// and 2% two-phase transfers (pending, then post or void in the next op).
	Mixed = "mixed"
)

// Workloads lists the workload names, for help texts and validation.
var Workloads = []string{P2P, MerchantHot, MerchantZipf, Mixed}

// Config selects a workload and how hard to drive it. Zero fields take the
// defaults noted on each.
type Config struct {
	// Workload is one of Workloads.
	Workload string
	// Duration of the timed run; 10s when zero.
	Duration time.Duration
	// Concurrency is the number of closed-loop workers, and the most ops in
	// flight in open loop; 256 when zero.
	Concurrency int
	// Rate is the offered load in ops/s; zero means closed loop.
	Rate float64
	// Accounts is the number of funded wallets; 10,000 when zero.
	Accounts int
	// Merchants is the number of merchants of merchant-zipf and mixed;
	// 1,000 when zero.
	Merchants int
	// Raw also measures the raw limit of the database (Target.DB is needed).
	Raw bool
	// OneTransfer makes every merchant payment a single transfer, without
	// its linked fee, so that each op is one transfer in one request: how
	// ledgers served over HTTP are usually compared.
	OneTransfer bool
	// Quiet suppresses progress lines.
	Quiet bool
	// Progress receives a progress line every second unless Quiet; nil
	// means no progress.
	Progress io.Writer
	// Seed makes the choice of accounts and amounts repeatable; ids stay
	// unique per run regardless.
	Seed int64
}

func (c Config) withDefaults() Config {
	if c.Duration == 0 {
		c.Duration = 10 * time.Second
	}
	if c.Concurrency == 0 {
		c.Concurrency = 256
	}
	if c.Accounts == 0 {
		c.Accounts = 10000
	}
	if c.Merchants == 0 {
		c.Merchants = 1000
	}
	if c.Quiet {
		c.Progress = nil
	}
	return c
}

func (c Config) validate() error {
	switch {
	case !slices.Contains(Workloads, c.Workload):
		return fmt.Errorf("unknown workload %q: want one of %v", c.Workload, Workloads)
	case c.Duration < 0:
		return fmt.Errorf("duration %v: must be positive", c.Duration)
	case c.Concurrency < 1:
		return fmt.Errorf("concurrency %d: must be at least 1", c.Concurrency)
	case c.Rate < 0:
		return fmt.Errorf("rate %v: must be 0 (closed loop) or positive", c.Rate)
	case c.Accounts < 2:
		return fmt.Errorf("accounts %d: p2p needs at least 2 wallets", c.Accounts)
	case c.Merchants < 1:
		return fmt.Errorf("merchants %d: must be at least 1", c.Merchants)
	}
	return nil
}
