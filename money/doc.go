// Package money represents amounts of money exactly, as int64 counts of a
// currency's minor unit (cents for HKD, yen for JPY, fils for KWD), tagged with
// an ISO 4217 currency code.
//
// Nothing in the package uses floating point. Parse turns a plain decimal
// string into minor units with integer arithmetic only and refuses anything it
// cannot represent exactly: more fraction digits than the currency allows, a
// value outside int64, or any syntax beyond an optional leading '-', digits and
// one optional decimal point. String is the exact inverse of Parse, so every
// Amount survives a String/Parse round trip.
//
// Arithmetic (Add, Sub, Neg, MulInt and the int64 helpers AddInt64, SubInt64,
// MulInt64) is overflow-checked and never wraps. Split divides an amount into
// parts that sum exactly to it.
//
// Every error is a *cashless.Error with one of the stable codes declared in
// this package, so the API can map it to a response without parsing messages.
//
// The currency table (currency_table.go) is the active ISO 4217 list; see the
// comment there for which codes are deliberately left out.
package money
