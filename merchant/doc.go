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
// How a payment flows here (pay.go): one transaction stores the payment
// (processing, under the calling request's lease) and claims its request,
// so concurrent payers find it taken; then risk, the payer's caps
// (Payers.ReserveSpend, keyed by the payment id), and the ledger chain
// with the payment id and the payment id + ".fee" as transfer ids; then
// one transaction records the outcome, the request and the event. A
// payment failed before the ledger (risk block, caps, step-up) first
// closes its transfer id with a transfer the ledger refuses and records.
// The reconciler (Merchants.Reconcile, run in the background by New)
// expires payment requests and takes over payments and refunds whose
// lease ended, resubmitting the same transfer ids. A refund reserves its
// amount on the payment in the same transaction that stores it; the fee
// of a payment is not returned on refund.
//
// Test mode is a separate world: objects carry their Mode, test money
// lives in separate ledger accounts (AccountID), and a test key or a
// test-mode call sees only test objects.
//
// Domain events (payment.succeeded, refund.succeeded, payout.paid, ...)
// are written in the same transaction as the change they describe, for
// webhooks and GET /v1/events.
package merchant
