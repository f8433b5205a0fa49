// Package message delivers identity's one-time codes: File appends them
// to a local outbox file for development, HTTPS posts them to a
// provider's endpoint (an SMS and email gateway, or a relay in front of
// one) in production. Both implement identity.Sender and write the same
// JSON object per message.
package message

import (
	"time"

	"github.com/cashless-dev/cashless/identity"
)

// wire is a message as File writes it and HTTPS posts it.
type wire struct {
	To      string    `json:"to"`      // E.164 phone number or email address
	Channel string    `json:"channel"` // "phone" or "email"
	Text    string    `json:"text"`    // what the person reads
	Code    string    `json:"code"`    // the six-digit code, also in text
	Created time.Time `json:"created"` // RFC 3339, UTC
}

func toWire(m identity.Message) wire {
	return wire{To: m.To, Channel: m.Channel, Text: m.Text, Code: m.Code, Created: m.Created.UTC()}
}
