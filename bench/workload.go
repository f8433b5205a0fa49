package bench

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/ledger"
)

const (
	currency = "HKD"
	// funding is each wallet's opening top-up in minor units: enough that
	// no run of any length can empty a wallet, so a refusal for lack of
	// funds is a ledger bug, not a property of the workload.
	funding = 1_000_000_000_000
	// setupChunk is the most accounts or transfers per setup call, below the
	// engine's default batch size of 8190.
	setupChunk = 8000
	maxAmount  = 10_000
	// pendingTimeout bounds a two-phase transfer that a run leaves open.
	pendingTimeout = 60 * time.Second
	// maxRefundable bounds the payments a worker remembers for refunds.
	maxRefundable = 256
)

// accounts are the ids of one run's accounts.
type accounts struct {
	prefix    string // random per run, so runs never collide
	wallets   []string
	merchants []string
	fees      string
	bank      string
}

func newAccounts(cfg Config) *accounts {
	p := "b" + strings.ToLower(ulid.Make().String())
	a := &accounts{prefix: p, fees: p + "-fees", bank: p + "-bank"}
	a.wallets = make([]string, cfg.Accounts)
	for i := range a.wallets {
		a.wallets[i] = p + "-w" + strconv.Itoa(i)
	}
	n := cfg.Merchants
	switch cfg.Workload {
	case P2P:
		n = 0
	case MerchantHot:
		n = 1
	}
	a.merchants = make([]string, n)
	for i := range a.merchants {
		a.merchants[i] = p + "-m" + strconv.Itoa(i)
	}
	return a
}

// setup creates the run's accounts and funds every wallet from the bank.
func (a *accounts) setup(ctx context.Context, svc ledger.Service) error {
	var all []ledger.Account
	add := func(id, code string, flags ledger.AccountFlags) {
		all = append(all, ledger.Account{ID: id, Currency: currency, Code: code, Flags: flags})
	}
	add(a.bank, "bank", 0)
	add(a.fees, "fees", 0)
	for _, id := range a.merchants {
		add(id, "merchant", ledger.DebitsMustNotExceedCredits)
	}
	for _, id := range a.wallets {
		add(id, "wallet", ledger.DebitsMustNotExceedCredits)
	}
	for c := range slices.Chunk(all, setupChunk) {
		res, err := svc.CreateAccounts(ctx, c)
		if err := failure(res, err, len(c)); err != nil {
			return fmt.Errorf("create accounts: %w", err)
		}
	}
	topups := make([]ledger.Transfer, len(a.wallets))
	for i, w := range a.wallets {
		topups[i] = ledger.Transfer{ID: w + "-fund", DebitAccountID: a.bank, CreditAccountID: w,
			Amount: funding, Currency: currency, Code: "topup"}
	}
	for c := range slices.Chunk(topups, setupChunk) {
		res, err := svc.CreateTransfers(ctx, c)
		if err := failure(res, err, len(c)); err != nil {
			return fmt.Errorf("fund wallets: %w", err)
		}
	}
	return nil
}

// payment is one this worker made, remembered so that it can refund it.
type payment struct {
	wallet, merchant string
	net              int64 // what the merchant kept after the fee
}

// generator makes one worker's ops. It is not safe for concurrent use: each
// worker has its own, with its own random source.
type generator struct {
	acc      *accounts
	workload string
	// oneTransfer leaves the linked fee out of merchant payments.
	oneTransfer bool
	rng         *rand.Rand
	zipf        *rand.Zipf
	ids         string // id prefix of this worker's transfers
	seq         int
	now         func() time.Time
	open        *ledger.Transfer // a pending transfer to post or void next
	paid        []payment
}

func newGenerator(acc *accounts, cfg Config, worker int) *generator {
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(worker)))
	g := &generator{acc: acc, workload: cfg.Workload, oneTransfer: cfg.OneTransfer, rng: rng, ids: acc.prefix + "-", now: time.Now}
	if len(acc.merchants) > 0 {
		g.zipf = rand.NewZipf(rng, 1.1, 1, uint64(len(acc.merchants)-1))
	}
	return g
}

// next returns the transfers of the worker's next op: one CreateTransfers call.
func (g *generator) next() []ledger.Transfer {
	if g.open != nil {
		return g.resolve()
	}
	switch g.workload {
	case P2P:
		return g.p2p()
	case MerchantHot:
		return g.pay(g.acc.merchants[0])
	case MerchantZipf:
		return g.pay(g.acc.merchants[g.zipf.Uint64()])
	}
	switch r := g.rng.IntN(100); {
	case r < 60:
		return g.pay(g.acc.merchants[g.zipf.Uint64()])
	case r < 90:
		return g.p2p()
	case r < 95:
		return []ledger.Transfer{g.transfer(g.acc.bank, g.wallet(), g.amount(), "topup")}
	case r < 98:
		return g.refund()
	default:
		return g.pending()
	}
}

// done tells the generator how its last op ended, so that it can refund
// payments and resolve pending transfers that actually committed.
func (g *generator) done(ts []ledger.Transfer, ok bool) {
	t := ts[0]
	switch {
	case t.Flags&(ledger.PostPending|ledger.VoidPending) != 0:
		g.open = nil // resolved, or failed: never retry, never block the worker
	case !ok:
	case t.Flags&ledger.Pending != 0:
		g.open = &t
	case t.Code == "payment" && len(g.paid) < maxRefundable:
		net := t.Amount
		if len(ts) == 2 {
			net -= ts[1].Amount
		}
		if net > 0 {
			g.paid = append(g.paid, payment{t.DebitAccountID, t.CreditAccountID, net})
		}
	}
}

func (g *generator) p2p() []ledger.Transfer {
	n := len(g.acc.wallets)
	from := g.rng.IntN(n)
	to := g.rng.IntN(n - 1)
	if to >= from {
		to++
	}
	return []ledger.Transfer{g.transfer(g.acc.wallets[from], g.acc.wallets[to], g.amount(), "p2p")}
}

// pay is a payment and its fee (1%, rounded up) as one linked chain: both
// commit or neither does. With OneTransfer it is the payment alone.
func (g *generator) pay(merchant string) []ledger.Transfer {
	a := g.amount()
	p := g.transfer(g.wallet(), merchant, a, "payment")
	if g.oneTransfer {
		return []ledger.Transfer{p}
	}
	p.Flags = ledger.Linked
	f := g.transfer(merchant, g.acc.fees, (a+99)/100, "fee")
	f.ID = p.ID + "f"
	return []ledger.Transfer{p, f}
}

// refund returns what the merchant kept of one of this worker's payments, so
// the merchant always has the funds; with none to refund it pays instead.
func (g *generator) refund() []ledger.Transfer {
	if len(g.paid) == 0 {
		return g.pay(g.acc.merchants[g.zipf.Uint64()])
	}
	p := g.paid[len(g.paid)-1]
	g.paid = g.paid[:len(g.paid)-1]
	return []ledger.Transfer{g.transfer(p.merchant, p.wallet, p.net, "refund")}
}

func (g *generator) pending() []ledger.Transfer {
	t := g.transfer(g.wallet(), g.acc.merchants[g.zipf.Uint64()], g.amount(), "payment")
	t.Flags = ledger.Pending
	t.Timeout = pendingTimeout
	return []ledger.Transfer{t}
}

// resolve posts the open pending transfer in full or voids it, half and half.
func (g *generator) resolve() []ledger.Transfer {
	p := g.open
	t := ledger.Transfer{ID: p.ID + "v", DebitAccountID: p.DebitAccountID, CreditAccountID: p.CreditAccountID,
		Currency: currency, Code: p.Code, Flags: ledger.VoidPending, PendingID: p.ID}
	if g.rng.IntN(2) == 0 {
		t.ID, t.Flags = p.ID+"p", ledger.PostPending // Amount 0: the full amount
	}
	return []ledger.Transfer{t}
}

func (g *generator) transfer(debit, credit string, amount int64, code string) ledger.Transfer {
	g.seq++
	// Ids are time-ordered, like the ULIDs the services use, so the id index
	// grows at its end instead of at random places.
	id := ulid.ULID{}
	_ = id.SetTime(ulid.Timestamp(g.now()))
	_ = id.SetEntropy(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint16(nil, uint16(g.seq)), g.rng.Uint64()))
	return ledger.Transfer{ID: g.ids + strings.ToLower(id.String()), DebitAccountID: debit, CreditAccountID: credit,
		Amount: amount, Currency: currency, Code: code}
}

func (g *generator) wallet() string { return g.acc.wallets[g.rng.IntN(len(g.acc.wallets))] }
func (g *generator) amount() int64  { return 1 + g.rng.Int64N(maxAmount) }

// failure is why an op failed: the call's error, or the refusal of the
// transfer that broke its chain (not the linked_event_failed of its
// partners). Nil when every transfer committed.
func failure(res []ledger.Result, err error, n int) error {
	if err != nil {
		return err
	}
	if len(res) != n {
		return fmt.Errorf("%d results for %d items", len(res), n)
	}
	var first error
	for _, r := range res {
		if r.Err != nil && (first == nil || cashless.ErrorCode(first) == ledger.LinkedEventFailed) {
			first = r.Err
		}
	}
	return first
}
