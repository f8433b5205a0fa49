// Package api is Cashless's public REST API (API.md): routing, bearer
// authentication, rate limits, idempotency, strict request decoding, the
// mapping of every error code to an HTTP status, and the OpenAPI document.
//
// Every route is listed in routes.go; handlers live in one file per
// resource and return a value or an error, which one place turns into the
// response (respond.go, errors.go). The wire types, shared with Go clients,
// are in the wire_*.go files. The package holds no business rules: it
// translates HTTP to calls of identity.Service and wallet.Service.
package api
