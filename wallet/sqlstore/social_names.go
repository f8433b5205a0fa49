package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/cashless-dev/cashless/sqldb"
)

// Acquainted implements wallet.SocialStore. The statement reads the
// users as a derived table of literals, and for each one looks for a
// succeeded transfer to the viewer through the (recipient_id, sender_id,
// status) index, or for an added contact both ways through the contacts'
// primary key. Every probe is an EXISTS, which stops at the first index
// entry, so the cost is a few seeks per user however many transfers or
// contacts anyone has.
func (s *Store) Acquainted(ctx context.Context, viewerID string, userIDs []string) (map[string]bool, error) {
	out := make(map[string]bool, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	q := `SELECT u.id FROM (SELECT ? AS id` + strings.Repeat(` UNION ALL SELECT ?`, len(userIDs)-1) + `) u` +
		` WHERE EXISTS (SELECT 1 FROM wallet_transfers t WHERE t.recipient_id = ? AND t.sender_id = u.id AND t.status = 'succeeded')` +
		` OR (EXISTS (SELECT 1 FROM wallet_contacts a WHERE a.user_id = ? AND a.contact_id = u.id AND a.source = 'added')` +
		` AND EXISTS (SELECT 1 FROM wallet_contacts b WHERE b.user_id = u.id AND b.contact_id = ? AND b.source = 'added'))`
	args := append(sqldb.Args(userIDs), viewerID, viewerID, viewerID)
	known, err := queryAll(ctx, s.db.Read, func(r rowScanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	}, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read acquaintances: %w", err)
	}
	for _, id := range known {
		out[id] = true
	}
	return out, nil
}
