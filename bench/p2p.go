package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/cashless-dev/cashless/client"
	"github.com/cashless-dev/cashless/ledger"
)

// P2PTarget is the public API that `cashless bench p2p` drives.
type P2PTarget struct {
	// URL is the server's public base URL.
	URL string
	// StoreName labels the ledger's store in the report.
	StoreName string
	// Store is the ledger's storage, for the invariant check after the
	// run; nil when the server is remote (run `cashless verify` on it
	// instead).
	Store ledger.Store
	// Started, when set, is called once the users are set up, just before
	// the timed run (to start a profile of the run alone).
	Started func()
}

// p2pUser is one benchmark user with a signed-in client.
type p2pUser struct {
	username string
	api      *client.Client
}

// RunP2P signs up cfg.Accounts users through the API, tops each up, then
// sends P2P transfers between random pairs through POST /v1/transfers for
// cfg.Duration (open loop at cfg.Rate, or closed loop), and reports the
// latency of each send from the moment it was due.
func RunP2P(ctx context.Context, t P2PTarget, cfg Config) (*Result, error) {
	cfg.Workload = P2P
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	httpClient := &http.Client{Transport: &http.Transport{
		MaxIdleConns:        cfg.Concurrency * 2,
		MaxIdleConnsPerHost: cfg.Concurrency * 2,
		IdleConnTimeout:     time.Minute,
	}, Timeout: 30 * time.Second}
	defer httpClient.CloseIdleConnections()

	logf(cfg.Progress, "p2p: signing up and topping up %d users at %s", cfg.Accounts, t.URL)
	users, err := setupUsers(ctx, t.URL, httpClient, cfg)
	if err != nil {
		return nil, fmt.Errorf("set up users: %w", err)
	}
	r := &runner{cfg: cfg}
	run := "b" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if t.Started != nil {
		t.Started()
	}
	err = r.timed(ctx, func(i int, tl *tally) {
		rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(i)))
		r.sendLoop(ctx, users, rng, run+"-"+strconv.Itoa(i), tl)
	})
	if err != nil {
		return nil, err
	}
	res := r.result()
	res.Store = t.StoreName
	res.MaxRSSMiB = maxRSSMiB()
	if t.Store != nil {
		logf(cfg.Progress, "p2p: verifying the ledger's invariants")
		if err := verify(ctx, t.Store); err != nil {
			return nil, err
		}
		res.Verified = true
	}
	return res, nil
}

// sendLoop is one worker: as runner.work, but each op is an HTTP send.
func (r *runner) sendLoop(ctx context.Context, users []*p2pUser, rng *rand.Rand, keyPrefix string, t *tally) {
	n := 0
	for ctx.Err() == nil {
		due, ok := r.nextDue(ctx)
		if !ok {
			return
		}
		from := rng.IntN(len(users))
		to := rng.IntN(len(users) - 1)
		if to >= from {
			to++
		}
		n++
		_, err := users[from].api.Send(ctx, keyPrefix+"-"+strconv.Itoa(n), client.SendParams{
			To:       client.To{Username: users[to].username},
			Amount:   1 + rng.Int64N(10000),
			Currency: "HKD",
		})
		r.record(t, due, 1, err, sendErrorCode)
	}
}

// sendErrorCode is the API error code of a failed send, or "transport"
// when the server gave no API answer.
func sendErrorCode(err error) string {
	if code := client.ErrorCode(err); code != "" {
		return code
	}
	return "transport"
}

// setupUsers signs up the users (16 at a time), tops each up with HK$2,000
// and waits until the bank has confirmed every top-up.
func setupUsers(ctx context.Context, baseURL string, hc *http.Client, cfg Config) ([]*p2pUser, error) {
	const topup = 200000                      // HK$2,000: far above what a run sends, within tier 0's caps
	prefix := "b" + ulid.Make().String()[20:] // unique per run, lower-cased below
	users := make([]*p2pUser, cfg.Accounts)
	var next atomic.Int64
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(users) || ctx.Err() != nil {
					return
				}
				u, err := setupUser(ctx, baseURL, hc, fmt.Sprintf("%s_%d", prefix, i), i, topup)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				users[i] = u
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	// Wait for the bank's confirmations.
	deadline := time.Now().Add(2 * time.Minute)
	for _, u := range users {
		for {
			w, err := u.api.Wallet(ctx, "HKD")
			if err != nil {
				return nil, err
			}
			if w.Balance >= topup {
				break
			}
			if time.Now().After(deadline) {
				return nil, errors.New("top-ups not confirmed by the bank within 2 minutes")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return users, nil
}

func setupUser(ctx context.Context, baseURL string, hc *http.Client, username string, i int, topup int64) (*p2pUser, error) {
	c := client.New(baseURL, hc)
	username = strings.ToLower(username)
	p := client.SignupParams{
		Phone:    benchPhone(i, 0),
		Name:     "Bench user " + strconv.Itoa(i),
		Username: username,
		Password: "bench-password-" + strconv.Itoa(i),
	}
	for attempt := 0; ; attempt++ {
		_, err := c.Signup(ctx, p)
		if err == nil {
			break
		}
		var apiErr *client.Error
		if errors.As(err, &apiErr) && apiErr.Code == "phone_taken" && attempt+1 < len(benchPhoneBlocks) {
			// A server kept from an earlier run: phones repeat, so vary them.
			p.Phone = benchPhone(i, attempt+1)
			continue
		}
		if errors.As(err, &apiErr) && apiErr.Status == http.StatusTooManyRequests && attempt < 100 {
			time.Sleep(max(apiErr.RetryAfter, 100*time.Millisecond))
			continue
		}
		return nil, fmt.Errorf("sign up user %d: %w", i, err)
	}
	if _, err := c.Topup(ctx, "setup-topup", client.TopupParams{Amount: topup, Currency: "HKD"}); err != nil {
		return nil, fmt.Errorf("top up user %d: %w", i, err)
	}
	return &p2pUser{username: username, api: c}, nil
}

// benchPhoneBlocks start blocks of a million Hong Kong mobile numbers
// each (+852 64xx xxxx and so on): the server accepts only numbers that
// are valid mobiles.
var benchPhoneBlocks = []string{"64", "65", "94", "96", "97", "63", "61", "69"}

// benchPhone returns the phone number of the i-th benchmark user at the
// given attempt: each attempt moves to the next block, for a server that
// an earlier run left holding the first numbers.
func benchPhone(i, attempt int) string {
	block := (i/1_000_000 + attempt) % len(benchPhoneBlocks)
	return fmt.Sprintf("+852%s%06d", benchPhoneBlocks[block], i%1_000_000)
}
