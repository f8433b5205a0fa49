package merchant

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/id"
	"github.com/cashless-dev/cashless/ledger"
)

// Defaults of a new merchant.
const (
	DefaultMCC                = "5999"
	DefaultCity               = "Hong Kong"
	DefaultCountry            = "HK"
	DefaultTimeZone           = "Asia/Hong_Kong"
	DefaultCashierRefundLimit = 100_000
	DefaultSettlementCutoff   = "00:00"
)

var (
	mccPattern     = regexp.MustCompile(`^[0-9]{4}$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	bankPattern    = regexp.MustCompile(`^[0-9 -]+$`)
	cutoffPattern  = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

func invalid(code, msg string) error { return &cashless.Error{Code: code, Message: msg} }

func checkName(s string) error {
	if n := utf8.RuneCountInString(s); n < 1 || n > 100 || strings.TrimSpace(s) == "" {
		return invalid(cashless.EInvalid, "The name must be 1–100 characters.")
	}
	return nil
}

func checkMCC(s string) error {
	if !mccPattern.MatchString(s) {
		return invalid(EInvalidMCC, "The merchant category code must be four digits.")
	}
	return nil
}

func checkTimeZone(s string) error {
	if s == "" || s == "Local" {
		return invalid(EInvalidTimeZone, "The time zone must be an IANA name such as Asia/Hong_Kong.")
	}
	if _, err := time.LoadLocation(s); err != nil {
		return invalid(EInvalidTimeZone, "The time zone must be an IANA name such as Asia/Hong_Kong.")
	}
	return nil
}

func checkCity(s string) error {
	if n := utf8.RuneCountInString(s); n < 1 || n > 100 {
		return invalid(cashless.EInvalid, "The city must be 1–100 characters.")
	}
	return nil
}

// bankDigits returns the digits of a settlement account number.
func bankDigits(s string) (string, error) {
	d := strings.NewReplacer(" ", "", "-", "").Replace(s)
	if !bankPattern.MatchString(s) || len(d) < 6 || len(d) > 20 {
		return "", invalid(EInvalidBankAccount, "The bank account number must be 6–20 digits (dashes and spaces allowed).")
	}
	return d, nil
}

// sealBank seals a settlement account number with the vault, bound to
// the merchant id, and returns it with its last four digits.
func (m *Merchants) sealBank(ctx context.Context, merchantID, account string) ([]byte, string, error) {
	d, err := bankDigits(account)
	if err != nil {
		return nil, "", err
	}
	sealed, err := m.vault.Seal(ctx, []byte(d), []byte("merchant.bank."+merchantID))
	if err != nil {
		return nil, "", err
	}
	return sealed, d[len(d)-4:], nil
}

// CreateMerchant implements Service. The creator becomes the owner; the
// merchant's ledger accounts (live and test per currency) are opened
// before the merchant is stored, so a stored merchant always has them.
func (m *Merchants) CreateMerchant(ctx context.Context, userID string, in MerchantInput) (*Merchant, error) {
	mc := &Merchant{ID: id.New(id.Merchant), Name: in.Name, MCC: in.MCC, City: in.City, Country: in.Country, TimeZone: in.TimeZone,
		FeeBasisPoints: DefaultFeeBasisPoints, CashierRefundLimit: DefaultCashierRefundLimit, SettlementCutoff: DefaultSettlementCutoff,
		Created: m.opts.Now().UTC()}
	if mc.MCC == "" {
		mc.MCC = DefaultMCC
	}
	if mc.City == "" {
		mc.City = DefaultCity
	}
	if mc.Country == "" {
		mc.Country = DefaultCountry
	}
	if mc.TimeZone == "" {
		mc.TimeZone = DefaultTimeZone
	}
	if userID == "" {
		return nil, invalid(cashless.EInvalid, "A merchant needs an owner.")
	}
	for _, err := range []error{checkName(mc.Name), checkMCC(mc.MCC), checkCity(mc.City), checkTimeZone(mc.TimeZone)} {
		if err != nil {
			return nil, err
		}
	}
	if !countryPattern.MatchString(mc.Country) {
		return nil, invalid(cashless.EInvalid, "The country must be two capital letters (ISO 3166-1).")
	}
	var sealed []byte
	if in.BankAccount != "" {
		var err error
		if sealed, mc.BankAccountLast4, err = m.sealBank(ctx, mc.ID, in.BankAccount); err != nil {
			return nil, err
		}
	}
	var accts []ledger.Account
	for _, cur := range m.opts.Currencies {
		for _, mode := range []Mode{Live, Test} {
			accts = append(accts, ledger.Account{ID: AccountID(mc.ID, mode, cur), Currency: cur, Code: "merchant", Flags: ledger.DebitsMustNotExceedCredits})
		}
	}
	if err := m.openAccounts(ctx, accts); err != nil {
		return nil, err
	}
	owner := &Staff{MerchantID: mc.ID, UserID: userID, Role: Owner, Created: mc.Created}
	if err := m.store.CreateMerchant(ctx, mc, sealed, owner); err != nil {
		return nil, err
	}
	return mc, nil
}

// Memberships implements Service.
func (m *Merchants) Memberships(ctx context.Context, userID string) ([]*Staff, error) {
	return m.store.Memberships(ctx, userID)
}

// Actor implements Service.
func (m *Merchants) Actor(ctx context.Context, userID, merchantID string, mode Mode) (Actor, error) {
	if mode != Live && mode != Test {
		mode = Live
	}
	if merchantID != "" {
		st, err := m.store.StaffMember(ctx, merchantID, userID)
		if cashless.ErrorCode(err) == EStaffNotFound {
			return Actor{}, cashless.Errorf(EMerchantNotFound, "No such merchant among yours: %s.", merchantID)
		}
		if err != nil {
			return Actor{}, err
		}
		return Actor{MerchantID: st.MerchantID, Mode: mode, UserID: userID, Role: st.Role}, nil
	}
	ms, err := m.store.Memberships(ctx, userID)
	if err != nil {
		return Actor{}, err
	}
	switch len(ms) {
	case 0:
		return Actor{}, cashless.Errorf(ENotMerchantStaff, "You are not staff of any merchant.")
	case 1:
		return Actor{MerchantID: ms[0].MerchantID, Mode: mode, UserID: userID, Role: ms[0].Role}, nil
	}
	return Actor{}, cashless.Errorf(EMerchantRequired, "You belong to several merchants: pick one with the Cashless-Merchant header.")
}

// Merchant implements Service.
func (m *Merchants) Merchant(ctx context.Context, a Actor) (*Merchant, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, err
	}
	return m.store.Merchant(ctx, a.MerchantID)
}

// UpdateMerchant implements Service.
func (m *Merchants) UpdateMerchant(ctx context.Context, a Actor, in MerchantUpdate) (*Merchant, error) {
	if err := a.Require(PermSettings); err != nil {
		return nil, err
	}
	mc, err := m.store.Merchant(ctx, a.MerchantID)
	if err != nil {
		return nil, err
	}
	checks := []struct {
		v     *string
		dst   *string
		check func(string) error
	}{{in.Name, &mc.Name, checkName}, {in.MCC, &mc.MCC, checkMCC}, {in.City, &mc.City, checkCity}, {in.TimeZone, &mc.TimeZone, checkTimeZone},
		{in.SettlementCutoff, &mc.SettlementCutoff, func(s string) error {
			if !cutoffPattern.MatchString(s) {
				return invalid(cashless.EInvalid, "The settlement cut-off must be HH:MM.")
			}
			return nil
		}}}
	for _, c := range checks {
		if c.v == nil {
			continue
		}
		if err := c.check(*c.v); err != nil {
			return nil, err
		}
		*c.dst = *c.v
	}
	if in.CashierRefundLimit != nil {
		if *in.CashierRefundLimit < 0 {
			return nil, invalid(EInvalidAmount, "The cashier refund limit cannot be negative.")
		}
		mc.CashierRefundLimit = *in.CashierRefundLimit
	}
	var sealed []byte
	if in.BankAccount != nil {
		if sealed, mc.BankAccountLast4, err = m.sealBank(ctx, mc.ID, *in.BankAccount); err != nil {
			return nil, err
		}
	}
	if err := m.store.UpdateMerchant(ctx, mc, sealed); err != nil {
		return nil, err
	}
	return mc, nil
}

// AddStaff implements Service.
func (m *Merchants) AddStaff(ctx context.Context, a Actor, userID string, role Role) (*Staff, error) {
	if err := a.Require(PermStaff); err != nil {
		return nil, err
	}
	if role == Owner || !ValidRole(role) {
		return nil, cashless.Errorf(EInvalidRole, "The role must be admin, cashier or viewer.")
	}
	if userID == "" {
		return nil, invalid(cashless.EInvalid, "A staff member needs a user.")
	}
	st := &Staff{MerchantID: a.MerchantID, UserID: userID, Role: role, Created: m.opts.Now().UTC()}
	if err := m.store.AddStaff(ctx, st); err != nil {
		return nil, err
	}
	return st, nil
}

// Staff implements Service.
func (m *Merchants) Staff(ctx context.Context, a Actor) ([]*Staff, error) {
	if err := a.Require(PermRead); err != nil {
		return nil, err
	}
	return m.store.StaffOf(ctx, a.MerchantID)
}

// RemoveStaff implements Service. The owner cannot be removed.
func (m *Merchants) RemoveStaff(ctx context.Context, a Actor, userID string) error {
	if err := a.Require(PermStaff); err != nil {
		return err
	}
	st, err := m.store.StaffMember(ctx, a.MerchantID, userID)
	if err != nil {
		return err
	}
	if st.Role == Owner {
		return cashless.Errorf(EInvalidRole, "The owner cannot be removed.")
	}
	return m.store.RemoveStaff(ctx, a.MerchantID, userID)
}

// Settlement implements SettlementSource.
func (m *Merchants) Settlement(ctx context.Context, merchantID string) (*Settlement, error) {
	mc, err := m.store.Merchant(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	s := &Settlement{MerchantID: mc.ID, BankAccountLast4: mc.BankAccountLast4, TimeZone: mc.TimeZone, Cutoff: mc.SettlementCutoff}
	sealed, err := m.store.SealedBankAccount(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	if len(sealed) > 0 {
		b, err := m.vault.Unseal(ctx, sealed, []byte("merchant.bank."+merchantID))
		if err != nil {
			return nil, err
		}
		s.BankAccount = string(b)
	}
	return s, nil
}

// SettlementMerchants implements SettlementSource.
func (m *Merchants) SettlementMerchants(ctx context.Context, after string, limit int) ([]string, error) {
	return m.store.MerchantIDs(ctx, after, limit)
}
