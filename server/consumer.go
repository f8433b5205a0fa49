package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/identity"
	identitystore "github.com/cashless-dev/cashless/identity/sqlstore"
	"github.com/cashless-dev/cashless/ledger"
	"github.com/cashless-dev/cashless/limits"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/vault"
	vaultstore "github.com/cashless-dev/cashless/vault/sqlstore"
	"github.com/cashless-dev/cashless/wallet"
	walletstore "github.com/cashless-dev/cashless/wallet/sqlstore"
	"github.com/cashless-dev/cashless/webhook"
)

// ConsumerConfig configures the consumer services: identity, wallet and
// the public API. The zero value is a safe default.
type ConsumerConfig struct {
	// VaultKeeper is the gocloud.dev/secrets URL of the key that wraps the
	// services' data keys (azurekeyvault://, hashivault://, awskms://,
	// gcpkms://, or base64key://). When empty, a local key file
	// <DataDir>/vault.key is created on first start (mode 0600).
	VaultKeeper string
	// LimitsFile is a YAML file of caps per KYC tier; PayMe's published
	// tiers when empty.
	LimitsFile string
	// BankLatency is the simulated bank's delay before it confirms a
	// top-up or withdrawal; BankFailureRate the share that fail.
	BankLatency     time.Duration
	BankFailureRate float64
	// AutoTopup tops a wallet up from the bank when a send finds it short.
	AutoTopup bool
	// FastPasswordHashing uses cheap argon2id parameters. It exists for
	// benchmarks and tests that sign up thousands of users, and must never
	// be used in production.
	FastPasswordHashing bool
	// UserRate and IPRate are the public API's rate limits in requests per
	// second, per signed-in user and per client address (for calls without
	// a user); zero takes the defaults, negative disables.
	UserRate, IPRate float64
	// LookupsPerMinute and IPLookupsPerMinute bound the people one account
	// and one client address may look up by phone, email, username or
	// PayCode; SignupsPerHour the signups one client address may attempt
	// (api.RateLimit). Zero takes the defaults, negative disables.
	LookupsPerMinute, IPLookupsPerMinute, SignupsPerHour int
	// PhoneRegion is the ISO 3166-1 region whose national phone numbers
	// are understood without a country code; identity.DefaultPhoneRegion
	// ("HK") when empty.
	PhoneRegion string
	// MessageURL is the https:// endpoint that one-time codes are posted
	// to (see package message), with MessageToken, when set, as a bearer
	// token and MessageClient, when set, as the HTTP client. When it is
	// empty and Sender is nil, codes are appended to OutboxFile under the
	// data directory, which is for development only.
	MessageURL, MessageToken string
	MessageClient            *http.Client
	// Sender, when set, delivers the one-time codes instead, for programs
	// that embed the platform and for tests.
	Sender identity.Sender
}

// peers are the in-process handles of the services started so far, for
// the services that call them. A service that needs one that is not
// running here fails to start with a clear error.
type peers struct {
	ledger   ledger.Service
	identity *identity.Identity
	wallet   *wallet.Wallets
	// merchant is nil until a merchant service runs in this process; the
	// API then answers its routes 503 merchants_unavailable.
	merchant merchant.Service
	// webhooks is the merchant service's webhook deliveries, nil with it.
	webhooks *webhook.Service
}

// startIdentity runs the identity service. Its vault keys live in its own
// database; its access tokens are signed with a key derived from them, so
// every instance on the same database signs alike.
func startIdentity(ctx context.Context, db *sqldb.DB, d deps) (started, error) {
	v, err := openVault(ctx, d.cfg, db, "identity")
	if err != nil {
		return started{}, err
	}
	tokenKey, err := v.DerivedKey("access tokens v1")
	if err != nil {
		v.Close()
		return started{}, err
	}
	sender, closeSender, err := openSender(d.cfg, d.logger)
	if err != nil {
		v.Close()
		return started{}, err
	}
	opts := identity.Options{TokenKey: tokenKey, PhoneRegion: d.cfg.Consumer.PhoneRegion, Sender: sender, Logger: d.logger}
	for _, p := range merchant.KeyPermissions {
		opts.KeyScopes = append(opts.KeyScopes, string(p))
	}
	if d.cfg.Consumer.FastPasswordHashing {
		opts.Argon2 = identity.CheapArgon2
		d.logger.Warn("password hashing uses cheap argon2id parameters: for benchmarks and tests only")
	}
	store := identitystore.New(db)
	svc, err := identity.New(store, v, opts)
	if err != nil {
		store.Close()
		closeSender()
		v.Close()
		return started{}, err
	}
	d.peers.identity = svc
	return started{stop: func(context.Context) error {
		store.Close()
		return errors.Join(closeSender(), v.Close())
	}}, nil
}

// startWallet runs the wallet service with the simulated bank.
func startWallet(ctx context.Context, db *sqldb.DB, d deps) (started, error) {
	if d.peers.ledger == nil || d.peers.identity == nil {
		return started{}, errors.New("the wallet service needs the ledger and identity services in the same process")
	}
	lim := limits.Default()
	if f := d.cfg.Consumer.LimitsFile; f != "" {
		var err error
		if lim, err = limits.Load(f); err != nil {
			return started{}, err
		}
	}
	v, err := openVault(ctx, d.cfg, db, "wallet")
	if err != nil {
		return started{}, err
	}
	// The bank's confirmations go to the wallet, which exists only after
	// the bank. New's first reconciler pass may resubmit orders, so a
	// confirmation can come before New returns: it is dropped then, and
	// the next pass asks the bank for it again.
	var ready atomic.Pointer[wallet.Wallets]
	sim := bank.NewSimulated(bank.SimOptions{
		Latency:     d.cfg.Consumer.BankLatency,
		Jitter:      d.cfg.Consumer.BankLatency / 4,
		FailureRate: d.cfg.Consumer.BankFailureRate,
	}, func(o bank.Outcome) {
		if w := ready.Load(); w != nil {
			w.BankOutcome(o)
		}
	})
	store := walletstore.New(db)
	w, err := wallet.New(store, d.peers.identity, d.peers.ledger, sim, v, wallet.Options{
		Limits:    lim,
		AutoTopup: d.cfg.Consumer.AutoTopup,
		Logger:    d.logger,
	})
	if err != nil {
		sim.Close()
		store.Close()
		v.Close()
		return started{}, err
	}
	ready.Store(w)
	if err := registerAll(d.registry, newIntentCollector("wallet", w.Stats)); err != nil {
		sim.Close()
		cerr := w.Close(ctx)
		store.Close()
		return started{}, errors.Join(err, cerr, v.Close())
	}
	d.peers.wallet = w
	return started{stop: func(ctx context.Context) error {
		sim.Close()
		err := w.Close(ctx)
		store.Close()
		return errors.Join(err, v.Close())
	}}, nil
}

// openVault opens the vault of one service: its data keys are stored in
// the service's own database, wrapped by the configured keeper.
func openVault(ctx context.Context, cfg Config, db *sqldb.DB, service string) (*vault.Vault, error) {
	keeper := cfg.Consumer.VaultKeeper
	if keeper == "" {
		var err error
		if keeper, err = vault.LocalKeyFile(cfg.DataDir); err != nil {
			return nil, err
		}
	}
	v, err := vault.Open(ctx, keeper, vaultstore.New(db, service))
	if err != nil {
		return nil, fmt.Errorf("open the %s vault: %w", service, err)
	}
	return v, nil
}

// RotateKeys re-wraps the data keys of every service that has a vault
// with the keeper's current key and starts a new data key for new values.
// It may run while servers run: they read the new keys when they meet
// them. It returns the services whose keys were rotated.
func RotateKeys(ctx context.Context, cfg Config) ([]string, error) {
	cfg = cfg.withDefaults()
	var done []string
	for _, svc := range services {
		if !svc.vault {
			continue
		}
		name := svc.name
		db, err := openService(ctx, svc, cfg)
		if err != nil {
			return done, err
		}
		v, err := openVault(ctx, cfg, db, name)
		if err == nil {
			err = v.Rotate(ctx)
			v.Close()
		}
		db.Close()
		if err != nil {
			return done, fmt.Errorf("rotate the %s keys: %w", name, err)
		}
		done = append(done, name)
	}
	return done, nil
}
