// Package bank is the platform's link to the banks that money enters and
// leaves it through: top-ups pull money from a user's bank into the
// platform, withdrawals and merchant payouts push it out to a bank account.
//
// A Connector takes orders and reports their outcomes later, as real banks
// do: Submit returns as soon as the bank has accepted (or refused) an order,
// and the final outcome arrives through the notify function the connector
// was built with, or by polling Status. Orders are idempotent on their Ref,
// so a caller that does not know whether an order reached the bank (a crash,
// a timeout) simply submits it again.
//
// Simulated is an in-memory bank for development, demos and tests. It
// forgets everything when the process restarts: Status then answers Unknown
// for every earlier ref, and the caller resubmits the orders it still
// considers pending, which Submit's idempotency makes safe.
package bank
