package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
)

// insertEvents writes events in the caller's transaction, so that an
// event exists exactly when the change it describes does. An event whose
// id exists already is skipped: a transaction run again after an
// ambiguous commit writes nothing twice.
func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, evs ...merchant.Event) error {
	if len(evs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(s.db.Dialect.InsertIgnore() + ` INTO merchant_events (id, merchant_id, mode, type, data, created_us) VALUES `)
	args := make([]any, 0, 6*len(evs))
	for i, e := range evs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?)")
		args = append(args, e.ID, e.MerchantID, string(e.Mode), e.Type, e.Data, sqldb.Micros(e.Created))
	}
	if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	return nil
}

const eventColumns = `id, merchant_id, mode, type, data, created_us`

func scanEvent(r interface{ Scan(...any) error }) (*merchant.Event, error) {
	var e merchant.Event
	var mode string
	var created int64
	if err := r.Scan(&e.ID, &e.MerchantID, &mode, &e.Type, &e.Data, &created); err != nil {
		return nil, err
	}
	e.Mode, e.Created = merchant.Mode(mode), sqldb.FromMicros(created)
	return &e, nil
}

// Event returns one of a merchant's events in a mode:
// merchant.EEventNotFound.
func (s *Store) Event(ctx context.Context, merchantID string, mode merchant.Mode, id string) (*merchant.Event, error) {
	e, err := scanEvent(s.db.Read.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM merchant_events
		WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cashless.Errorf(merchant.EEventNotFound, "No such event: %s.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read event: %w", err)
	}
	return e, nil
}

// Events lists a merchant's events in a mode, newest first (ids sort by
// creation).
func (s *Store) Events(ctx context.Context, merchantID string, mode merchant.Mode, p cashless.Page) ([]*merchant.Event, bool, error) {
	return list(ctx, s.db.Read, "merchant_events", eventColumns, merchantID, mode, p, scanEvent)
}
