// Package merchant is the merchant service: businesses collect payments
// from consumers' wallets, as PayMe for Business does.
//
// A merchant is created by a signed-in user, who becomes its owner, and
// has staff with roles (owner, admin, cashier, viewer; role.go holds the
// permission matrix). It creates payment requests, each with an EMV QR
// payload and a hosted page; a consumer pays one exactly once, which moves
// the money in the ledger as one linked chain (the payment into the
// merchant's account and the fee out of it). The merchant refunds
// payments, in full or in part, and its balance is paid out to its bank
// account daily or on demand.
//
// Every money path (payments, refunds, payouts) follows the platform's
// three rules: an intent is stored first and driven by the shared intent
// driver (one driver per intent at a time), a failed intent is final (the
// ledger records every refusal, so a refused transfer id can never commit
// later), and the answer goes out once the ledger has committed.
//
// Test mode is a separate world: objects carry their Mode, test money
// lives in separate ledger accounts (AccountID), and a test key or a
// test-mode call sees only test objects.
//
// Domain events (payment.succeeded, refund.succeeded, payout.paid, ...)
// are written in the same transaction as the change they describe, for
// webhooks and GET /v1/events.
package merchant
