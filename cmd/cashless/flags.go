package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/cashless-dev/cashless/api"
	"github.com/cashless-dev/cashless/bank"
	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/server"
)

// envPrefix starts the environment variable of every flag.
const envPrefix = "CASHLESS_"

// envName returns the environment variable that sets a flag:
// CASHLESS_ and the flag's name in upper case with dashes as underscores.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags parses args into fs, then sets every flag that was not given on
// the command line from its environment variable, when that is not empty.
// On --help it prints the usage to standard output and returns
// flag.ErrHelp; on a bad flag it prints the usage to standard error.
// synopsis is the line after "Usage: ", about describes the subcommand.
func (m *Main) parseFlags(fs *flag.FlagSet, args []string, synopsis, about string) error {
	fs.SetOutput(io.Discard) // the error is returned, and usage printed here
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(m.Stdout, fs, synopsis, about)
			return err
		}
		printUsage(m.Stderr, fs, synopsis, about)
		return err
	}
	if fs.NArg() > 0 {
		printUsage(m.Stderr, fs, synopsis, about)
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] {
			return
		}
		name := envName(f.Name)
		if v, ok := m.lookupEnv(name); ok && v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		}
	})
	return errors.Join(errs...)
}

// printUsage lists the subcommand's flags with their defaults and
// environment variables.
func printUsage(w io.Writer, fs *flag.FlagSet, synopsis, about string) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", synopsis, about)
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprint(w, "\nFlags:\n")
			first = false
		}
		kind, help := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s", f.Name)
		if kind != "" {
			fmt.Fprintf(w, " %s", kind)
		}
		fmt.Fprintf(w, "\n        %s\n        [env %s", help, envName(f.Name))
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(w, ", default %s", f.DefValue)
		}
		fmt.Fprint(w, "]\n")
	})
}

// dbFlags defines the flags that choose the services' databases, for the
// services named.
func dbFlags(fs *flag.FlagSet, cfg *server.Config, services []string) {
	fs.StringVar(&cfg.DataDir, "data-dir", server.DefaultDataDir,
		"`directory` of the SQLite files and the generated service token")
	fs.StringVar(&cfg.DB, "db", "",
		"platform-wide database `URL`: sqlite:<dir>/ (one file per service) or mysql:<DSN> (database cashless_<service> each); sqlite:<data-dir>/ when empty")
	cfg.ServiceDB = map[string]string{}
	for _, name := range services {
		fs.Func(name+"-db", "database `URL` of the "+name+" service, used as it is (overrides --db)", func(v string) error {
			cfg.ServiceDB[name] = v
			return nil
		})
	}
}

// servicesFlag defines --services.
func servicesFlag(fs *flag.FlagSet, cfg *server.Config) {
	fs.Func("services", "comma-separated `names` of the services to run (default "+strings.Join(server.Services(), ",")+")", func(v string) error {
		cfg.Services = nil
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				cfg.Services = append(cfg.Services, name)
			}
		}
		if len(cfg.Services) == 0 {
			return errors.New("no service named")
		}
		return nil
	})
}

// metricsFlags defines where /metrics is served and the token it needs.
func metricsFlags(fs *flag.FlagSet, cfg *server.Config) {
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", server.DefaultMetricsAddr, "metrics listener `address` (GET /metrics, never on the public listener); empty serves no metrics")
	fs.StringVar(&cfg.MetricsToken, "metrics-token", "", "bearer `token` that scrapes of /metrics must send; none needed when empty")
}

// logLevelFlag defines --log-level.
func logLevelFlag(fs *flag.FlagSet, level *slog.Level) {
	fs.TextVar(level, "log-level", slog.LevelInfo, "lowest `level` logged: debug, info, warn or error")
}

// consumerFlags defines the flags of the consumer services.
func consumerFlags(fs *flag.FlagSet, cfg *server.ConsumerConfig) {
	fs.StringVar(&cfg.VaultKeeper, "vault-keeper", "", "gocloud.dev/secrets `URL` of the key that wraps the data keys (azurekeyvault://, hashivault://, awskms://, gcpkms://); a local key file <data-dir>/vault.key when empty")
	fs.StringVar(&cfg.LimitsFile, "limits", "", "YAML `file` of the caps per KYC tier (see limits/example.yaml); PayMe's published tiers when empty")
	fs.DurationVar(&cfg.BankLatency, "bank-latency", bank.DefaultLatency, "how long the simulated bank takes to confirm a top-up or withdrawal")
	fs.Float64Var(&cfg.BankFailureRate, "bank-failure-rate", 0, "share (0-1) of top-ups and withdrawals the simulated bank fails")
	fs.BoolVar(&cfg.AutoTopup, "auto-topup", false, "top a wallet up from the bank when a send finds the balance short")
	fs.Float64Var(&cfg.UserRate, "user-rate", 0, "public API requests per second per signed-in user (0: default, negative: off)")
	fs.Float64Var(&cfg.IPRate, "ip-rate", 0, "public API requests per second per client address without a user (0: default, negative: off)")
	limits := api.DefaultRateLimit()
	fs.IntVar(&cfg.LookupsPerMinute, "lookups-per-minute", 0, fmt.Sprintf("people one account may look up a minute by phone, email, username or PayCode: contacts added, transfers, payers asked (0: default %d, negative: off)", limits.LookupsPerMinute))
	fs.IntVar(&cfg.IPLookupsPerMinute, "ip-lookups-per-minute", 0, fmt.Sprintf("people the accounts behind one client address may look up a minute (0: default %d, negative: off)", limits.IPLookupsPerMinute))
	fs.IntVar(&cfg.SignupsPerHour, "signups-per-hour", 0, fmt.Sprintf("signups one client address may attempt an hour (0: default %d, negative: off)", limits.SignupsPerHour))
	fs.StringVar(&cfg.PhoneRegion, "phone-region", identity.DefaultPhoneRegion, "ISO 3166-1 `region` whose national phone numbers are understood without a country code")
	fs.StringVar(&cfg.MessageURL, "message-url", "", "https:// `URL` that one-time codes are posted to as JSON; when empty they are appended to <data-dir>/"+server.OutboxFile+", for development only")
	fs.StringVar(&cfg.MessageToken, "message-token", "", "bearer `token` of --message-url (a secret: prefer the environment variable)")
}
