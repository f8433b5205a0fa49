// Package webhook sends a merchant's events to the endpoints it registers,
// signed per Standard Webhooks (webhook-id, webhook-timestamp,
// webhook-signature), and lets receivers verify them.
//
// Events come from the merchant service's outbox (merchant_events). A
// dispatcher fans each undispatched event out, in one transaction, into one
// delivery per subscribed endpoint and marks the event dispatched, so each
// event yields exactly one delivery per endpoint however often it runs. A
// deliverer leases due deliveries, POSTs them with every current secret's
// signature, logs each attempt and schedules the next one until the
// delivery succeeds or its retry window (3 days by default) ends.
//
// The signing code (sign.go) imports nothing but the standard library and
// the error type, so that receivers and the Go client can use it without
// pulling in a store.
package webhook
