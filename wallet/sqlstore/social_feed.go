package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/wallet"
)

// The feed is read as a set of streams, one per index range: the viewer's
// sent and received transfers, and the sent and received transfers of
// each of the viewer's contacts, each filtered by what the viewer may see
// of them. Every stream is a walk of wallet_transfers' (sender_id, id) or
// (recipient_id, id) index from the cursor that stops after one page, so
// a page costs two short index walks per contact however long anyone's
// history is. Each stream runs one statement prepared once per page on one
// connection, and the pages the streams return are merged here.

// feedRule is what a stream's rows must pass (docs/WALLET.md, "Contacts
// and feed").
type feedRule int

const (
	// feedOwn: the viewer is a party and sees everything.
	feedOwn feedRule = iota
	// feedFriend: a friend's transfer, effectively friends or public.
	feedFriend
	// feedFollowed: a one-way contact's transfer, effectively public.
	feedFollowed
)

// feedRuleSQL applies a stream's rule, given twice. The effective
// visibility is the more private of the transfer's and the recipient's
// default, which is private when the recipient set none. The default is
// tested through COALESCE so that the LEFT JOIN stays one: a plain test on
// s would let MySQL turn it into an inner join and start from
// wallet_feed_settings instead of the transfer index.
const feedRuleSQL = ` AND (? = 0` +
	` OR (? = 1 AND t.visibility IN ('friends', 'public') AND COALESCE(s.visibility, 'private') IN ('friends', 'public'))` +
	` OR (t.visibility = 'public' AND COALESCE(s.visibility, 'private') = 'public'))`

// feedStream is one index range of wallet_transfers and its rule.
type feedStream struct {
	column string // sender_id or recipient_id
	party  string
	rule   feedRule
}

// Feed implements wallet.SocialStore.
func (s *Store) Feed(ctx context.Context, userID string, p cashless.Page) ([]*wallet.FeedItem, bool, error) {
	contacts, err := s.feedContacts(ctx, userID)
	if err != nil {
		return nil, false, err
	}
	streams := []feedStream{{"sender_id", userID, feedOwn}, {"recipient_id", userID, feedOwn}}
	for _, c := range contacts {
		rule := feedFollowed
		if c.mutual {
			rule = feedFriend
		}
		streams = append(streams, feedStream{"sender_id", c.id, rule}, feedStream{"recipient_id", c.id, rule})
	}
	n := p.Size()
	newer := p.EndingBefore != ""
	got, err := s.feedStreams(ctx, streams, p, n+1)
	if err != nil {
		return nil, false, err
	}
	seen := make(map[string]bool, len(got))
	items := got[:0]
	for _, it := range got {
		if !seen[it.ID] {
			seen[it.ID] = true
			items = append(items, it)
		}
	}
	slices.SortFunc(items, func(a, b *wallet.FeedItem) int {
		if newer {
			return strings.Compare(a.ID, b.ID)
		}
		return strings.Compare(b.ID, a.ID)
	})
	more := len(items) > n
	items = items[:min(len(items), n)]
	if newer {
		slices.Reverse(items)
	}
	return items, more, nil
}

// feedContact is one of the viewer's contacts; mutual when the contact
// has the viewer in their contacts too, which makes them friends.
type feedContact struct {
	id     string
	mutual bool
}

func (s *Store) feedContacts(ctx context.Context, userID string) ([]feedContact, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT c.contact_id, CASE WHEN r.user_id IS NULL THEN 0 ELSE 1 END
		FROM wallet_contacts c LEFT JOIN wallet_contacts r ON r.user_id = c.contact_id AND r.contact_id = c.user_id
		WHERE c.user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("read feed contacts: %w", err)
	}
	defer rows.Close()
	var out []feedContact
	for rows.Next() {
		var c feedContact
		var mutual int
		if err := rows.Scan(&c.id, &mutual); err != nil {
			return nil, fmt.Errorf("read feed contacts: %w", err)
		}
		c.mutual = mutual == 1
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read feed contacts: %w", err)
	}
	return out, nil
}

// feedStreams returns up to limit transfers of each stream, newest first
// (oldest first when the page asks for what is newer than a cursor).
func (s *Store) feedStreams(ctx context.Context, streams []feedStream, p cashless.Page, limit int) ([]*wallet.FeedItem, error) {
	conn, err := s.db.Read.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("read feed: %w", err)
	}
	defer conn.Close()
	cursor, order := "", "DESC"
	switch {
	case p.StartingAfter != "":
		cursor = ` AND t.id < ?`
	case p.EndingBefore != "":
		cursor, order = ` AND t.id > ?`, "ASC"
	}
	stmts := make(map[string]*sql.Stmt, 2)
	for _, column := range []string{"sender_id", "recipient_id"} {
		stmt, err := conn.PrepareContext(ctx, `SELECT t.id, t.sender_id, t.recipient_id, t.message, t.visibility, COALESCE(s.visibility, 'private'), t.created_us`+
			` FROM wallet_transfers t LEFT JOIN wallet_feed_settings s ON s.user_id = t.recipient_id`+
			` WHERE t.`+column+` = ? AND t.status = 'succeeded'`+cursor+feedRuleSQL+
			` ORDER BY t.id `+order+` LIMIT ?`)
		if err != nil {
			return nil, fmt.Errorf("read feed: %w", err)
		}
		defer stmt.Close()
		stmts[column] = stmt
	}
	var out []*wallet.FeedItem
	args := make([]any, 0, 5)
	for _, st := range streams {
		args = append(args[:0], st.party)
		if cursor != "" {
			args = append(args, p.StartingAfter+p.EndingBefore)
		}
		args = append(args, int(st.rule), int(st.rule), limit)
		if out, err = scanFeed(ctx, stmts[st.column], args, out); err != nil {
			return nil, fmt.Errorf("read feed: %w", err)
		}
	}
	return out, nil
}

// scanFeed runs one stream's statement and appends its rows to out.
func scanFeed(ctx context.Context, stmt *sql.Stmt, args []any, out []*wallet.FeedItem) ([]*wallet.FeedItem, error) {
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		it, err := scanFeedItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func scanFeedItem(rows *sql.Rows) (*wallet.FeedItem, error) {
	var it wallet.FeedItem
	var sent, received string
	var created int64
	if err := rows.Scan(&it.ID, &it.From.UserID, &it.To.UserID, &it.Message, &sent, &received, &created); err != nil {
		return nil, err
	}
	it.Visibility = morePrivate(wallet.Visibility(sent), wallet.Visibility(received))
	it.Created = sqldb.FromMicros(created)
	return &it, nil
}

// morePrivate returns the more private of two visibilities; anything
// unknown counts as private.
func morePrivate(a, b wallet.Visibility) wallet.Visibility {
	order := []wallet.Visibility{wallet.Private, wallet.Friends, wallet.Public}
	ia, ib := slices.Index(order, a), slices.Index(order, b)
	if ia < 0 || ib < 0 {
		return wallet.Private
	}
	return order[min(ia, ib)]
}
