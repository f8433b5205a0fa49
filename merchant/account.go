package merchant

import "strings"

// AccountID is the ledger account holding a merchant's money in one mode
// and currency: "mch.<merchant id>.<mode>.<currency>". Test money never
// shares an account with live money. The account carries
// DebitsMustNotExceedCredits, so a refund or payout the merchant cannot
// cover is refused by the ledger.
func AccountID(merchantID string, mode Mode, currency string) string {
	return "mch." + merchantID + "." + string(mode) + "." + strings.ToLower(currency)
}

// FeeAccountID is the platform's fee income in one mode and currency.
func FeeAccountID(mode Mode, currency string) string {
	return "sys.fees." + string(mode) + "." + strings.ToLower(currency)
}

// BankAccountID is the ledger account that stands for the banks: payouts
// credit it. Live payouts use the same account as wallet withdrawals
// ("sys.bank.<CUR>"); test payouts a test one.
func BankAccountID(mode Mode, currency string) string {
	if mode == Test {
		return "sys.testbank." + currency
	}
	return "sys.bank." + currency
}

// TestPayerAccountID is where simulated test-mode payments come from
// (POST /v1/test_helpers/payment_requests/{id}/pay): an account without
// balance rules that stands for every test consumer.
func TestPayerAccountID(currency string) string {
	return "sys.testpayer." + currency
}
