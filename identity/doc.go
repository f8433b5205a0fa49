// Package identity is the identity service: users and their credentials,
// sessions with access and refresh tokens, TOTP step-up, phone and email
// confirmation, and the KYC tier that decides a user's limits.
//
// # Users and their data
//
// A user signs up with a mobile number (libphonenumber: national input in
// the configured region, stored in E.164; phone.go), optionally an email,
// a display name (PRECIS Nickname, no control or invisible characters) and
// a username (PRECIS UsernameCaseMapped, then a-z, 0-9, '_' and '.';
// validate.go). Personal data (name, phone, email, KYC document numbers,
// session IPs, TOTP secrets) is sealed by the vault; phones and emails are
// found through blind indexes, never decrypted to search.
//
// # Who owns a number
//
// A phone number or email is reachable (FindUser, so payable and
// requestable by it) only once its holder confirmed a six-digit code sent
// to it through a Sender (verification.go). Until then a few accounts may
// hold it unconfirmed; the first to confirm becomes its one holder and the
// others' claims are dropped in the same transaction (claim.go).
//
// # Credentials and sessions
//
// Passwords are hashed with argon2id (an unknown user costs a hash too);
// failed logins are throttled per account and per address in the database
// (throttle.go). Access tokens are HMAC-signed and short-lived, checked
// against a live session on every call; refresh tokens rotate on use, and
// reusing a spent one revokes the family (token.go, session.go). TOTP
// (totp.go) guards login and, through the wallet, large payments.
//
// # API keys
//
// Merchant servers authenticate with API keys ("sk_test_…" or "sk_live_…",
// apikeys.go). Only a SHA-256 of a secret is stored, found by the first
// characters of its random part; every check reads the database, so a
// revocation holds at once on every instance. Scopes are opaque strings
// from Options.KeyScopes; the merchant service says what they mean.
//
// # KYC
//
// Tiers 0 to 2 come from a simulated check of a Hong Kong identity card
// and, for tier 2, a plausible address. One document verifies one person:
// its keyed hash is bound to the first user it verified, and a re-use is
// refused and recorded for review (kyc.go).
//
// # Storage
//
// The Store interface (store.go) is implemented by identity/sqlstore on
// SQLite and MySQL. Its writes go through a group committer, whose calls
// may run more than once, so each is idempotent.
package identity
