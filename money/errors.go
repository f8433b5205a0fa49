package money

import (
	"strconv"

	"github.com/cashless-dev/cashless"
)

// Stable codes of the errors this package returns. Each is the Code of a
// *cashless.Error; they never change meaning.
const (
	// UnknownCurrency is a currency code that is not in the ISO 4217 table.
	UnknownCurrency = "unknown_currency"
	// InvalidAmount is a string that is not a well-formed decimal amount.
	InvalidAmount = "invalid_amount"
	// TooManyDecimals is a decimal amount with more fraction digits than the
	// currency's minor unit allows.
	TooManyDecimals = "too_many_decimals"
	// AmountOverflow is a result that does not fit in an int64 of minor units.
	AmountOverflow = "amount_overflow"
	// CurrencyMismatch is arithmetic on amounts of two different currencies.
	CurrencyMismatch = "currency_mismatch"
)

// maxQuoted is how many bytes of caller input an error message repeats, so
// that a huge input does not produce a huge message.
const maxQuoted = 40

// quote returns s Go-quoted for an error message (control and non-ASCII bytes
// escaped), shortened to maxQuoted bytes.
func quote(s string) string {
	if len(s) > maxQuoted {
		return strconv.QuoteToASCII(s[:maxQuoted]) + "..."
	}
	return strconv.QuoteToASCII(s)
}

// overflow returns the AmountOverflow error for the named operation.
func overflow(op string) error {
	return cashless.Errorf(AmountOverflow, "%s overflows the range of an amount", op)
}
