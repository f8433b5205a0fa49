package wallet

import (
	"unicode/utf8"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/money"
)

// Input bounds.
const (
	// MaxMessageLength is the longest message, in characters (runes).
	MaxMessageLength = 280
	// MaxIdempotencyKeyLength is the longest idempotency key, in bytes.
	MaxIdempotencyKeyLength = 255
	// MaxPayers bounds the payers of one money request.
	MaxPayers = 50
)

// checkAmount refuses amounts that are not positive (EInvalidAmount) or
// whose currency wallets cannot hold.
func (w *Wallets) checkAmount(a money.Amount, param string) error {
	if a.Minor <= 0 {
		return &cashless.Error{Code: EInvalidAmount, Message: "The amount must be a positive whole number of minor units.", Param: param}
	}
	return w.checkCurrency(a.Currency)
}

// checkMessage refuses a message over MaxMessageLength characters
// (EMessageTooLong) or one that is not UTF-8.
func checkMessage(m string) error {
	if !utf8.ValidString(m) {
		return invalid("message", "The message must be UTF-8 text.")
	}
	if utf8.RuneCountInString(m) > MaxMessageLength {
		return &cashless.Error{Code: EMessageTooLong, Message: "The message is longer than 280 characters.", Param: "message"}
	}
	return nil
}

// checkVisibility returns v with the default (Private) applied, or
// EInvalidVisibility.
func checkVisibility(v Visibility) (Visibility, error) {
	switch v {
	case "":
		return Private, nil
	case Private, Friends, Public:
		return v, nil
	}
	return "", &cashless.Error{Code: EInvalidVisibility, Message: "Visibility must be private, friends or public.", Param: "visibility"}
}

// checkKey refuses an idempotency key that is empty or too long.
func checkKey(key string) error {
	if key == "" || len(key) > MaxIdempotencyKeyLength {
		return invalid("idempotency_key", "An idempotency key of 1 to 255 characters is required.")
	}
	return nil
}
