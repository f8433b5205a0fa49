// Package sqlstore stores webhook endpoints, deliveries and the delivery
// log in SQLite or MySQL, in the merchant service's database: the
// dispatcher reads merchant_events in the same transaction that writes
// deliveries.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/webhook"
)

//go:embed migrations
var migrations embed.FS

// Migrate creates or upgrades the webhook tables (migration group
// "webhook"). The merchant service's migrations must have run first.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return sqldb.Migrate(ctx, db, sub, "webhook")
}

// Store is the webhook store on the merchant service's database.
type Store struct{ db *sqldb.DB }

var _ webhook.Store = (*Store)(nil)

// New returns a store on db; Migrate must have run.
func New(db *sqldb.DB) *Store { return &Store{db: db} }

// tx runs fn in a write transaction, again on a lock conflict.
func (s *Store) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return sqldb.RetryConflicts(ctx, sqldb.IsRetryable, func() error {
		tx, err := s.db.Write.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	})
}

const endpointColumns = `id, merchant_id, mode, url, events, description, enabled, created_us, secret, prev_secret, prev_expires_us, failing_since_us`

func scanEndpoint(r interface{ Scan(...any) error }) (*webhook.Endpoint, error) {
	var e webhook.Endpoint
	var mode, events string
	var enabled int
	var created, prevExp, failing int64
	if err := r.Scan(&e.ID, &e.MerchantID, &mode, &e.URL, &events, &e.Description, &enabled, &created,
		&e.Secret, &e.PrevSecret, &prevExp, &failing); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(events), &e.Events); err != nil {
		return nil, fmt.Errorf("endpoint %s events: %w", e.ID, err)
	}
	e.Mode, e.Enabled, e.Created = merchant.Mode(mode), enabled != 0, sqldb.FromMicros(created)
	e.PrevExpires, e.FailingSince = fromMicros(prevExp), fromMicros(failing)
	return &e, nil
}

// fromMicros maps 0 to the zero time, which columns use for "none".
func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return sqldb.FromMicros(us)
}

// micros maps the zero time to 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return sqldb.Micros(t)
}

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

func notFound(id string) error {
	return cashless.Errorf(webhook.EEndpointNotFound, "No such webhook endpoint: %s.", id)
}

// CreateEndpoint saves a new endpoint.
func (s *Store) CreateEndpoint(ctx context.Context, e *webhook.Endpoint) error {
	events, _ := json.Marshal(e.Events)
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO webhook_endpoints (`+endpointColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.MerchantID, string(e.Mode), e.URL, string(events), e.Description, bit(e.Enabled), sqldb.Micros(e.Created),
		e.Secret, e.PrevSecret, micros(e.PrevExpires), micros(e.FailingSince))
	if err != nil {
		return fmt.Errorf("create endpoint: %w", err)
	}
	return nil
}

// Endpoint returns one endpoint of a merchant in a mode.
func (s *Store) Endpoint(ctx context.Context, merchantID string, mode merchant.Mode, id string) (*webhook.Endpoint, error) {
	e, err := scanEndpoint(s.db.Write.QueryRowContext(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints
		WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("read endpoint: %w", err)
	}
	return e, nil
}

// Endpoints lists a merchant's endpoints in a mode, newest first.
func (s *Store) Endpoints(ctx context.Context, merchantID string, mode merchant.Mode, p cashless.Page) ([]*webhook.Endpoint, bool, error) {
	q := `SELECT ` + endpointColumns + ` FROM webhook_endpoints WHERE merchant_id = ? AND mode = ?`
	args := []any{merchantID, string(mode)}
	q, args, asc := page(q, args, "id", p)
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("list endpoints: %w", err)
	}
	defer rows.Close()
	var out []*webhook.Endpoint
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, false, fmt.Errorf("list endpoints: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list endpoints: %w", err)
	}
	out, more := trim(out, p.Size(), asc)
	return out, more, nil
}

// page adds the cursor and order of p on column key to q.
func page(q string, args []any, key string, p cashless.Page) (string, []any, bool) {
	order, asc := " ORDER BY "+key+" DESC", false
	switch {
	case p.StartingAfter != "":
		q += " AND " + key + " < ?"
		args = append(args, p.StartingAfter)
	case p.EndingBefore != "":
		q, order, asc = q+" AND "+key+" > ?", " ORDER BY "+key+" ASC", true
		args = append(args, p.EndingBefore)
	}
	return q + order + fmt.Sprintf(" LIMIT %d", p.Size()+1), args, asc
}

// trim cuts a page read with one extra row to n and puts it newest first.
func trim[T any](out []T, n int, asc bool) ([]T, bool) {
	more := len(out) > n
	if more {
		out = out[:n]
	}
	if asc {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, more
}

// UpdateEndpoint saves an endpoint's mutable fields.
func (s *Store) UpdateEndpoint(ctx context.Context, e *webhook.Endpoint) error {
	events, _ := json.Marshal(e.Events)
	res, err := s.db.Write.ExecContext(ctx, `UPDATE webhook_endpoints SET url = ?, events = ?, description = ?, enabled = ?,
		secret = ?, prev_secret = ?, prev_expires_us = ?, failing_since_us = ? WHERE id = ? AND merchant_id = ? AND mode = ?`,
		e.URL, string(events), e.Description, bit(e.Enabled), e.Secret, e.PrevSecret, micros(e.PrevExpires), micros(e.FailingSince),
		e.ID, e.MerchantID, string(e.Mode))
	if err != nil {
		return fmt.Errorf("update endpoint: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// MySQL counts changed rows only: tell "same values" from "gone".
		if _, err := s.Endpoint(ctx, e.MerchantID, e.Mode, e.ID); err != nil {
			return err
		}
	}
	return nil
}

// DeleteEndpoint removes an endpoint; deliveries and their log stay.
func (s *Store) DeleteEndpoint(ctx context.Context, merchantID string, mode merchant.Mode, id string) error {
	res, err := s.db.Write.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE id = ? AND merchant_id = ? AND mode = ?`, id, merchantID, string(mode))
	if err != nil {
		return fmt.Errorf("delete endpoint: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound(id)
	}
	return nil
}
