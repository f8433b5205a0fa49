package api

import (
	"net/http"

	"github.com/cashless-dev/cashless/wallet"
)

func (s *Server) feed(c *call) (int, any, error) {
	page, _, err := c.page()
	if err != nil {
		return 0, nil, err
	}
	list, more, err := s.wallet.Feed(c.ctx, c.userID(), page)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newList(mapAll(list, toFeedItem), more), nil
}

func (s *Server) feedSettings(c *call) (int, any, error) {
	if _, err := c.params(); err != nil {
		return 0, nil, err
	}
	v, err := s.wallet.FeedVisibility(c.ctx, c.userID())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, FeedSettings{Object: "feed_settings", DefaultVisibility: string(v)}, nil
}

func (s *Server) setFeedSettings(c *call) (int, any, error) {
	p, err := parseFeedSettings(c.body)
	if err != nil {
		return 0, nil, err
	}
	if err := s.wallet.SetFeedVisibility(c.ctx, c.userID(), wallet.Visibility(p.DefaultVisibility)); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, FeedSettings{Object: "feed_settings", DefaultVisibility: p.DefaultVisibility}, nil
}
