package ledger

import "github.com/cashless-dev/cashless"

// Stable codes of refused accounts and transfers. The API maps them to HTTP
// statuses; they never change meaning.
const (
	InvalidID                 = "invalid_id"
	InvalidCode               = "invalid_code"
	InvalidFlags              = "invalid_flags"
	InvalidBalances           = "invalid_balances"
	MetadataTooLong           = "metadata_too_long"
	UnknownCurrency           = "unknown_currency"
	ExistsWithDifferentFields = "exists_with_different_fields"
	AccountNotFound           = "account_not_found"
	AmountMustBePositive      = "amount_must_be_positive"
	AccountsMustBeDifferent   = "accounts_must_be_different"
	DebitAccountNotFound      = "debit_account_not_found"
	CreditAccountNotFound     = "credit_account_not_found"
	CurrencyMismatch          = "currency_mismatch"
	InvalidTimeout            = "invalid_timeout"
	PendingIDRequired         = "pending_id_required"
	PendingIDMustBeEmpty      = "pending_id_must_be_empty"
	PendingTransferNotFound   = "pending_transfer_not_found"
	PendingTransferNotPending = "pending_transfer_not_pending"
	PendingTransferPosted     = "pending_transfer_already_posted"
	PendingTransferVoided     = "pending_transfer_already_voided"
	PendingTransferExpired    = "pending_transfer_expired"
	PendingTransferMismatch   = "pending_transfer_mismatch"
	ExceedsPendingAmount      = "exceeds_pending_amount"
	ExceedsCredits            = "exceeds_credits"
	ExceedsDebits             = "exceeds_debits"
	OverflowsBalance          = "overflows_balance"
	LinkedEventFailed         = "linked_event_failed"
	LinkedEventChainOpen      = "linked_event_chain_open"
	TooManyEvents             = "too_many_events"
	FieldTooLong              = "field_too_long"
	EngineClosed              = "engine_closed"
)

func refuse(code, message string) error { return &cashless.Error{Code: code, Message: message} }
