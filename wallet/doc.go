// Package wallet is the consumer wallet service: one wallet per user and
// currency, each a ledger account that cannot go below zero; free P2P sends
// by phone, email, username or PayCode; money requests and split bills;
// contacts and a private-by-default feed; top-ups and withdrawals through a
// bank connector; and the limits of each KYC tier, reserved atomically
// before money moves.
//
// # The money path
//
// Every movement follows the same path (DESIGN.md, "How a payment
// flows"): the wallet stores its intent, with the limit reservation and
// the lease of its driver, in its own database; calls the ledger with a
// transfer id derived from the intent and its attempt; then records the
// outcome. The reconciler (package intent's Driver) re-drives intents
// whose driver's lease lapsed, and the ledger's idempotency makes the
// retry safe: it commits an id at most once and answers a refused id with
// the same refusal for ever.
//
// # The intent state machine
//
//	                created by the request path, lease held
//	                              │
//	                              ▼
//	           ┌─────────── processing (attempt n) ───────────┐
//	           │                    │                         │
//	ledger refused attempt n   ledger refused attempt n,  ledger committed
//	(lease holder records,     auto top-up arrived        attempt n
//	on token and attempt)      (lease holder: n → n+1,    (any driver
//	           │               then submits n+1)          records)
//	           ▼                    │                         ▼
//	        failed                  └──► processing        succeeded
//	 (final: no attempt's                (attempt n+1)     (final)
//	  id can ever commit)
//
// Who may move an intent: the request path that created it, while it holds
// the lease (Options.ReconcileGrace, extended over an automatic top-up's
// wait); a replay of the same idempotency key, only after taking a lapsed
// lease; the reconciler, likewise, which never starts a new attempt.
// Recording success needs no lease; failing an intent and starting an
// attempt are conditional on the lease's token and the attempt number.
// Top-ups and withdrawals (fundings) follow the same pattern: pending until
// the bank's outcome, recorded once with its failure code, posts or voids
// the ledger hold.
//
// docs/WALLET.md says what "failed" and "succeeded" guarantee to a client.
package wallet
