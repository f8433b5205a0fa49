package wallet

import (
	"context"
	"fmt"
	"slices"
)

// parties returns the public face of each user id as viewer may see it:
// name and username from the identity service, never stored by the
// wallet, with the name masked for users who are strangers to the viewer
// (see maskNames). An id the directory does not know still gets a Party
// with just its UserID.
func (w *Wallets) parties(ctx context.Context, viewer string, ids ...string) (map[string]Party, error) {
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
	if err := w.maskNames(ctx, viewer, out); err != nil {
		return nil, err
	}
	return out, nil
}

// maskNames replaces, in place, the name of every party the viewer may not
// see in full with MaskName's form. The viewer sees their own name, and
// the full name of those acquainted with them (SocialStore.Acquainted):
// knowing that a phone number or email is registered must not give away
// whose it is. Parties whose masked name is their name (one word) need no
// check, and all the others are checked with one store query. ps is keyed
// by user id.
func (w *Wallets) maskNames(ctx context.Context, viewer string, ps map[string]Party) error {
	var others []string
	for id, p := range ps {
		if id != viewer && MaskName(p.Name) != p.Name {
			others = append(others, id)
		}
	}
	if len(others) == 0 {
		return nil
	}
	slices.Sort(others)
	known, err := w.store.Acquainted(ctx, viewer, others)
	if err != nil {
		return fmt.Errorf("read acquaintances: %w", err)
	}
	for _, id := range others {
		if !known[id] {
			p := ps[id]
			p.Name = MaskName(p.Name)
			ps[id] = p
		}
	}
	return nil
}
