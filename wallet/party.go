package wallet

import (
	"context"
	"fmt"
)

// parties returns the public face of each user id: name and username from
// the identity service, never stored by the wallet. An id the directory
// does not know still gets a Party with just its UserID.
func (w *Wallets) parties(ctx context.Context, ids ...string) (map[string]Party, error) {
	uniq := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	out := make(map[string]Party, len(uniq))
	if len(uniq) == 0 {
		return out, nil
	}
	users, err := w.dir.Users(ctx, uniq)
	if err != nil {
		return nil, fmt.Errorf("look up users: %w", err)
	}
	for _, id := range uniq {
		p := Party{UserID: id}
		if u := users[id]; u != nil {
			p.Name, p.Username = u.Name, u.Username
		}
		out[id] = p
	}
	return out, nil
}
