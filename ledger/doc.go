// Package ledger is Cashless's double-entry ledger: accounts with balances,
// transfers between them, two-phase (pending → post / void) transfers with
// timeouts, linked chains that succeed or fail whole, and idempotency by
// transfer id. A refusal is final: the ledger records it with the batch,
// and the id answers the same refusal from then on, so it can never commit.
//
// The Engine groups concurrent requests into batches (group commit): every
// batch locks the accounts it touches once, in one fixed order, validates each
// transfer against in-memory balances, and writes all rows of the batch in one
// database transaction. One bad transfer fails only itself and its linked
// chain. Each batch is hash-chained to the previous one so that Verify can
// prove that no committed or refused row was changed afterwards.
//
// The package knows no database, HTTP or broker: storage is the Store
// interface (implemented by ledger/sqlstore), and remote access is the same
// Service interface served and consumed by ledger/ledgerhttp.
package ledger
