// Package payout moves merchants' balances to their settlement bank
// accounts: manual payouts, and the daily settlement that sweeps each
// merchant's available balance once per local day at its cut-off.
//
// A payout is a merchant withdrawal and follows DESIGN.md's three rules
// for money paths. Its intent is stored first (pending, with a lease), then
// a pending ledger transfer whose id is the payout's holds the money on
// the merchant's account, then the bank order with the payout id as its
// ref. The bank's outcome is recorded before it is applied: success posts
// the hold (paid), failure voids it (failed, money back on the balance).
// A payout recorded as failed never moves money later, because it is
// failed only after the ledger refused its hold or voided it. The
// reconciler (package intent) finishes whatever a crash or a lost bank
// notification left pending.
//
// Payouts live in the merchant service's database (migration group
// "payout"), and each final status change writes its payout.paid or
// payout.failed event to the service's merchant_events outbox in the same
// transaction.
package payout
