// Package vault encrypts personal data (names, phone numbers, emails, bank
// account numbers) field by field and computes blind indexes for exact
// lookups on encrypted fields.
//
// # Envelope encryption
//
// Each field is sealed with AES-256-GCM under a data key. Data keys never
// leave memory in the clear: they are wrapped (encrypted) by a key keeper
// reached through gocloud.dev/secrets and the wrapped form is persisted by a
// [KeyStore] that the service supplies. A sealed value is
//
//	version (1 byte) | key id (uint32, big endian) | nonce (12 bytes) | ciphertext and tag
//
// and GCM authenticates the version, the key id and the caller's additional
// data (aad). Callers pass aad naming where the value lives, for example
// "users/usr_01H.../phone", so a ciphertext copied to another row or field
// fails to open.
//
// [Vault.Rotate] re-wraps every stored data key with the keeper's current key
// (run it after rotating the key in the KMS) and starts a new data key for
// new seals. Old ciphertexts keep opening because their key id stays in the
// store. Run Rotate, and the first Open on an empty store, from one place at
// a time: key ids are allocated by reading the store, so two concurrent
// rotations would pick the same id and one key would overwrite the other.
// Other instances keep sealing with the key they loaded and find newer keys
// in the store the first time they must open a value sealed under one.
//
// # Keepers
//
// [Open] takes any gocloud.dev/secrets URL. This package registers only the
// local keeper ("base64key://", see [LocalKeyFile]), which keeps the default
// build free of cloud SDKs. A binary that uses a cloud KMS enables its driver
// with a blank import in package main:
//
//	import _ "gocloud.dev/secrets/azurekeyvault" // azurekeyvault://
//	import _ "gocloud.dev/secrets/hashivault"    // hashivault://
//	import _ "gocloud.dev/secrets/awskms"        // awskms://
//	import _ "gocloud.dev/secrets/gcpkms"        // gcpkms://
//
// # Blind index
//
// [Vault.BlindIndex] is an HMAC-SHA256 of a kind ("phone", "email") and a
// value, keyed with a key of its own that is stored wrapped under the
// reserved key id 0 and never rotated (rotating it would change every index).
// The vault does not normalize values: the caller must bring each value to
// one canonical form first (E.164 for phone numbers, trimmed and lower-cased
// emails), or equal values written differently get different indexes.
package vault
