// Package idempotency makes retried API calls safe: the first final answer
// to a request with an Idempotency-Key is stored and replayed to every retry
// with the same key and the same request, for at least a day.
//
// # Records
//
// A record is keyed by a scope (the calling user) and the client's key. It
// holds a fingerprint of the request (Fingerprint: a SHA-256 of method,
// path and body), a state, the token of the attempt that holds the key and
// the end of its lease, and, once the call is done, the response. Records
// are kept for DefaultTTL; Purge removes expired ones, and Sweep runs it
// periodically. The SQL Store is in idempotency/sqlstore.
//
// # Lease
//
// Begin claims the key for one attempt with a short lease (DefaultLease)
// and answers one of:
//
//   - run the call, with a Token: a fresh key, an expired record, a record
//     whose earlier attempt was released, or one whose lease ran out with
//     the same fingerprint (its process crashed);
//   - replay the stored Response of an attempt that completed;
//   - EKeyReused when the key came with another request;
//   - EKeyInUse while another attempt holds a live lease.
//
// Only the attempt holding the token finishes it: Complete stores its
// response, Release gives the key back without one so that the next retry
// runs the call again. Both return ErrLeaseLost when the lease ran out and
// another attempt took the key over. Running a call again, or alongside a
// slow first attempt, is safe because every service behind the API is
// itself idempotent on (user, key).
//
// # Stored responses
//
// A Response is the HTTP status and JSON body first sent, errors included,
// and a replay returns exactly those. Which answers are final is the API's
// decision: it releases the key instead after server errors and after 401,
// 403 and 429, which a retry may cure. Bodies name people (a transfer's
// parties), so the server stores them sealed by the vault.
package idempotency
