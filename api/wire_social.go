package api

import "time"

// ContactParams is the body of POST /v1/contacts: exactly one field.
type ContactParams struct {
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
	Username string `json:"username,omitempty"`
}

// Contact is someone in the caller's personal network.
type Contact struct {
	Object  string    `json:"object"` // "contact"
	ID      string    `json:"id"`
	Contact Party     `json:"contact"`
	Source  string    `json:"source"` // added or payment
	Created time.Time `json:"created"`
}

// FeedItem is a transfer as a friend sees it: never its amount.
type FeedItem struct {
	Object     string    `json:"object"` // "feed_item"
	ID         string    `json:"id"`
	From       Party     `json:"from"`
	To         Party     `json:"to"`
	Message    string    `json:"message,omitempty"`
	Visibility string    `json:"visibility"`
	Created    time.Time `json:"created"`
}

// FeedSettings is the caller's default visibility for what they receive.
type FeedSettings struct {
	Object            string `json:"object"` // "feed_settings"
	DefaultVisibility string `json:"default_visibility"`
}

// FeedSettingsParams is the body of POST /v1/feed/settings.
type FeedSettingsParams struct {
	DefaultVisibility string `json:"default_visibility"`
}

// PayCode is the caller's receive code: an EMV QR payload and where to get
// it as a PNG image.
type PayCode struct {
	Object  string `json:"object"` // "paycode"
	Payload string `json:"payload"`
	PNGURL  string `json:"png_url"`
}
