package identity

import (
	"context"
	"fmt"

	cashless "github.com/cashless-dev/cashless"
)

// A phone number or email address blocks no one until it is confirmed:
// whoever signs up first with another person's number must not keep its
// owner out. So a value may be held unconfirmed by several accounts, and
// confirming it makes the confirming account its one holder and drops
// every other claim on it for good (the store does both in one
// transaction). A confirmed value is refused to every other signup.

// UnconfirmedHolders is how many accounts may hold one phone number or
// email address unconfirmed at once; a signup beyond it is refused as
// taken. It bounds what a login by an unconfirmed value costs, since the
// password is checked against each holder, and it lets a real owner sign
// up past a squatter or two.
const UnconfirmedHolders = 3

// loginCandidates returns the accounts a login by key may open: the
// confirmed holder of the phone or email, or, while no one has confirmed
// it, its unconfirmed holders (oldest first, at most UnconfirmedHolders).
func (s *Identity) loginCandidates(ctx context.Context, key UserKey) ([]*UserRecord, error) {
	rec, err := s.store.FindUser(ctx, key)
	switch {
	case err == nil:
		return []*UserRecord{rec}, nil
	case cashless.ErrorCode(err) != EUserNotFound:
		return nil, fmt.Errorf("log in: %w", err)
	}
	recs, err := s.store.Claimants(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("log in: %w", err)
	}
	return recs, nil
}

// refuseRepeat refuses a signup whose phone or email an account already
// holds unconfirmed with the same password, as EPhoneTaken or EEmailTaken.
// That is a signup sent again whose first answer was lost (the API stores
// no answer of a signup, since it carries tokens): the client should log
// in, not make a second account. It also keeps a login by an unconfirmed
// value from matching two accounts. Two such signups at the very same
// moment may both pass; a login then opens the older account.
//
// Each comparison is a password guess like a login's, so it is throttled
// like one: a locked account is not compared, and a mismatch counts as a
// failed login of each account compared. Otherwise signups could test
// passwords of unconfirmed accounts without limit.
func (s *Identity) refuseRepeat(ctx context.Context, u *UserRecord, password string) error {
	type holder struct {
		rec     *UserRecord
		channel string
	}
	var holders []holder
	seen := map[string]bool{}
	var keys []string
	for _, k := range []struct {
		key     UserKey
		channel string
	}{
		{UserKey{PhoneIndex: u.PhoneIndex}, ChannelPhone},
		{UserKey{EmailIndex: u.EmailIndex}, ChannelEmail},
	} {
		if k.key.PhoneIndex == nil && k.key.EmailIndex == nil {
			continue
		}
		recs, err := s.store.Claimants(ctx, k.key)
		if err != nil {
			return fmt.Errorf("sign up: %w", err)
		}
		for _, rec := range recs {
			if !seen[rec.ID] {
				seen[rec.ID] = true
				holders = append(holders, holder{rec, k.channel})
				keys = append(keys, "usr:"+rec.ID)
			}
		}
	}
	if len(holders) == 0 {
		return nil
	}
	now := s.now()
	states, err := s.store.Throttles(ctx, keys)
	if err != nil {
		return fmt.Errorf("sign up: read login throttle: %w", err)
	}
	var tried []string
	for i, h := range holders {
		if states[keys[i]].LockedUntil.After(now) {
			continue
		}
		tried = append(tried, keys[i])
		ok, err := checkPasswordHash(password, h.rec.PasswordHash)
		if err != nil {
			return fmt.Errorf("sign up: %w", err)
		}
		if ok {
			return takenErr(h.channel)
		}
	}
	if len(tried) == 0 {
		return nil
	}
	o := s.opts.Throttle
	err = s.store.UpdateThrottles(ctx, tried, func(_ string, t *Throttle) { o.fail(t, o.AccountFailures, now) })
	if err != nil {
		return fmt.Errorf("sign up: record failed login: %w", err)
	}
	return nil
}

// takenErr is the error of a phone or email that another account holds.
func takenErr(channel string) error {
	if channel == ChannelEmail {
		return &cashless.Error{Code: EEmailTaken, Param: "email", Message: "Another user has this email address."}
	}
	return &cashless.Error{Code: EPhoneTaken, Param: "phone", Message: "Another user has this phone number."}
}

// releasedErr is the error of a phone or email whose claim was dropped
// because another account confirmed it: it can never be confirmed here.
func releasedErr(channel string) error {
	if channel == ChannelEmail {
		return &cashless.Error{Code: EEmailTaken, Param: "email", Message: "Another account has confirmed this email address."}
	}
	return &cashless.Error{Code: EPhoneTaken, Param: "phone", Message: "Another account has confirmed this phone number."}
}
