package server

import (
	"errors"
	"log/slog"
	"net/url"
	"path/filepath"

	"github.com/cashless-dev/cashless/identity"
	"github.com/cashless-dev/cashless/message"
)

// OutboxFile is where, under the data directory, the development sender
// appends the one-time codes when no message endpoint is configured.
const OutboxFile = "outbox/messages.jsonl"

// openSender returns what delivers identity's one-time codes, and how to
// close it: the configured Sender; else an HTTPS sender posting to
// MessageURL; else the development outbox file, which serve announces in
// its log as it starts, since codes then reach no phone or mailbox.
func openSender(cfg Config, log *slog.Logger) (identity.Sender, func() error, error) {
	c := cfg.Consumer
	none := func() error { return nil }
	switch {
	case c.Sender != nil:
		return c.Sender, none, nil
	case c.MessageURL != "":
		h, err := message.NewHTTPS(message.HTTPSOptions{URL: c.MessageURL, Token: c.MessageToken, Client: c.MessageClient})
		if err != nil {
			return nil, nil, err
		}
		u, _ := url.Parse(c.MessageURL) // parsed by NewHTTPS already
		log.Info("one-time codes are posted to the message endpoint", "host", u.Host, "token", c.MessageToken != "")
		return h, none, nil
	case c.MessageToken != "":
		return nil, nil, errors.New("a message token needs a message URL")
	}
	f, err := message.OpenFile(filepath.Join(cfg.DataDir, OutboxFile))
	if err != nil {
		return nil, nil, err
	}
	log.Warn("one-time codes are written to the outbox file, not sent to any phone or mailbox: for development only; "+
		"set --message-url in production", "path", f.Path())
	return f, f.Close, nil
}
