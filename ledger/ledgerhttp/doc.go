// Package ledgerhttp carries ledger.Service over HTTP for split deployments,
// where the ledger runs in its own process and other services reach it over
// the network.
//
// NewHandler serves any ledger.Service (normally the *ledger.Engine) as an
// internal JSON API under /internal/ledger/v1; Client speaks that API and
// implements ledger.Service itself, so a caller cannot tell whether it holds
// the in-process engine or a remote one: results, timestamps, and the codes
// of refused objects and of failed calls (cashless.ErrorCode) come out the
// same on both.
//
// The API is internal and never open. Every request carries a shared bearer
// token, and ServerTLSConfig and ClientTLSConfig add mutual TLS. Errors are
// JSON bodies {"error":{"code":...,"message":...}} whose code is the one the
// engine returned; anything without a code is "internal" with a generic
// message, and its cause goes only to the server's log. A refused account or
// transfer is not an error of the call: it is the "error" member of its own
// entry in "results".
package ledgerhttp
