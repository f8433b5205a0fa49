package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/merchant"
	"github.com/cashless-dev/cashless/sqldb"
	"github.com/cashless-dev/cashless/webhook"
)

// Dispatch fans undispatched events out into deliveries in one
// transaction. The (event_id, endpoint_id) key and INSERT IGNORE make a
// second dispatcher, or a run after a crash, add nothing twice; on MySQL
// the events are also locked, so two dispatchers do not do the work twice.
func (s *Store) Dispatch(ctx context.Context, now time.Time, limit int) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, `SELECT id, merchant_id, mode, type FROM merchant_events
			WHERE dispatched = 0 ORDER BY id LIMIT ?`+s.db.Dialect.ForUpdate(), limit)
		if err != nil {
			return fmt.Errorf("read events: %w", err)
		}
		var evs []merchant.Event
		for rows.Next() {
			var e merchant.Event
			var mode string
			if err := rows.Scan(&e.ID, &e.MerchantID, &mode, &e.Type); err != nil {
				rows.Close()
				return err
			}
			e.Mode = merchant.Mode(mode)
			evs = append(evs, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		endpoints := map[string][]*webhook.Endpoint{}
		var b strings.Builder
		var args []any
		ids := make([]string, 0, len(evs))
		for _, e := range evs {
			ids = append(ids, e.ID)
			key := e.MerchantID + "/" + string(e.Mode)
			eps, ok := endpoints[key]
			if !ok {
				if eps, err = enabledEndpoints(ctx, tx, e.MerchantID, e.Mode); err != nil {
					return err
				}
				endpoints[key] = eps
			}
			for _, ep := range eps {
				if !ep.Wants(e.Type) {
					continue
				}
				if len(args) > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, e.ID, ep.ID, e.MerchantID, string(e.Mode), e.Type, webhook.StatusPending, sqldb.Micros(now), sqldb.Micros(now))
			}
		}
		if len(args) > 0 {
			if _, err := tx.ExecContext(ctx, s.db.Dialect.InsertIgnore()+` INTO webhook_deliveries
				(event_id, endpoint_id, merchant_id, mode, event_type, status, created_us, next_us) VALUES `+b.String(), args...); err != nil {
				return fmt.Errorf("insert deliveries: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE merchant_events SET dispatched = 1 WHERE id IN (`+sqldb.Marks(len(ids))+`)`, sqldb.Args(ids)...); err != nil {
			return fmt.Errorf("mark dispatched: %w", err)
		}
		n = len(evs)
		return nil
	})
	return n, err
}

func enabledEndpoints(ctx context.Context, tx *sql.Tx, merchantID string, mode merchant.Mode) ([]*webhook.Endpoint, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints
		WHERE merchant_id = ? AND mode = ? AND enabled = 1`, merchantID, string(mode))
	if err != nil {
		return nil, fmt.Errorf("read endpoints: %w", err)
	}
	defer rows.Close()
	var out []*webhook.Endpoint
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

const deliveryColumns = `event_id, endpoint_id, merchant_id, mode, event_type, status, attempts, created_us, first_us, next_us, last_code`

func scanDelivery(r interface{ Scan(...any) error }, extra ...any) (*webhook.Delivery, error) {
	var d webhook.Delivery
	var mode string
	var created, first, next int64
	dest := append([]any{&d.EventID, &d.EndpointID, &d.MerchantID, &mode, &d.EventType, &d.Status, &d.Attempts,
		&created, &first, &next, &d.LastCode}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	d.Mode, d.Created, d.FirstTry, d.NextTry = merchant.Mode(mode), sqldb.FromMicros(created), fromMicros(first), fromMicros(next)
	if d.Status != webhook.StatusPending {
		d.NextTry = time.Time{}
	}
	return &d, nil
}

// Claim leases due deliveries. Each lease is a conditional update that
// also checks the attempt count, so of two instances that read the same
// row only one gets it.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*webhook.Job, error) {
	rows, err := s.db.Write.QueryContext(ctx, `SELECT event_id, endpoint_id, attempts FROM webhook_deliveries
		WHERE status = ? AND next_us <= ? AND lease_us <= ? ORDER BY next_us LIMIT ?`,
		webhook.StatusPending, sqldb.Micros(now), sqldb.Micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("read due deliveries: %w", err)
	}
	type key struct {
		event, endpoint string
		attempts        int
	}
	var due []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.event, &k.endpoint, &k.attempts); err != nil {
			rows.Close()
			return nil, err
		}
		due = append(due, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var jobs []*webhook.Job
	for _, k := range due {
		res, err := s.db.Write.ExecContext(ctx, `UPDATE webhook_deliveries SET lease_us = ?
			WHERE event_id = ? AND endpoint_id = ? AND status = ? AND lease_us <= ? AND attempts = ?`,
			sqldb.Micros(now.Add(lease)), k.event, k.endpoint, webhook.StatusPending, sqldb.Micros(now), k.attempts)
		if err != nil {
			return nil, fmt.Errorf("lease delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue // another instance has it
		}
		j, err := s.job(ctx, k.event, k.endpoint)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

// ClaimOne leases one delivery for a manual redelivery.
func (s *Store) ClaimOne(ctx context.Context, eventID, endpointID string, now time.Time, lease time.Duration) (*webhook.Job, error) {
	res, err := s.db.Write.ExecContext(ctx, `UPDATE webhook_deliveries SET lease_us = ?
		WHERE event_id = ? AND endpoint_id = ? AND lease_us <= ?`, sqldb.Micros(now.Add(lease)), eventID, endpointID, sqldb.Micros(now))
	if err != nil {
		return nil, fmt.Errorf("lease delivery: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		err := s.db.Write.QueryRowContext(ctx, `SELECT 1 FROM webhook_deliveries WHERE event_id = ? AND endpoint_id = ?`, eventID, endpointID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, cashless.Errorf(webhook.EDeliveryNotFound, "No delivery of %s to %s.", eventID, endpointID)
		}
		if err != nil {
			return nil, fmt.Errorf("read delivery: %w", err)
		}
		return nil, cashless.Errorf(webhook.EDeliveryBusy, "The delivery is being sent; try again in a few seconds.")
	}
	return s.job(ctx, eventID, endpointID)
}

// job reads a leased delivery with its event and endpoint.
func (s *Store) job(ctx context.Context, eventID, endpointID string) (*webhook.Job, error) {
	var j webhook.Job
	var mode string
	var created int64
	d, err := scanDelivery(s.db.Write.QueryRowContext(ctx, `SELECT d.`+strings.ReplaceAll(deliveryColumns, ", ", ", d.")+`,
		e.id, e.merchant_id, e.mode, e.type, e.data, e.created_us
		FROM webhook_deliveries d JOIN merchant_events e ON e.id = d.event_id
		WHERE d.event_id = ? AND d.endpoint_id = ?`, eventID, endpointID),
		&j.Event.ID, &j.Event.MerchantID, &mode, &j.Event.Type, &j.Event.Data, &created)
	if err != nil {
		return nil, fmt.Errorf("read delivery: %w", err)
	}
	j.Delivery, j.Event.Mode, j.Event.Created = *d, merchant.Mode(mode), sqldb.FromMicros(created)
	ep, err := s.Endpoint(ctx, d.MerchantID, d.Mode, endpointID)
	if err != nil && cashless.ErrorCode(err) != webhook.EEndpointNotFound {
		return nil, err
	}
	j.Endpoint = ep
	return &j, nil
}

// Record saves one attempt, the delivery's new state and the endpoint's
// failure streak in one transaction; an endpoint failing since before
// o.DisableBefore is disabled there too, with its event.
func (s *Store) Record(ctx context.Context, o *webhook.Outcome) (bool, error) {
	a := o.Attempt
	var disabled bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		disabled = false
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET attempts = ?, status = ?, next_us = ?, first_us = ?,
			lease_us = 0, last_code = ? WHERE event_id = ? AND endpoint_id = ? AND attempts = ?`,
			a.N, o.Status, micros(o.NextTry), sqldb.Micros(o.FirstTry), a.StatusCode, a.EventID, a.EndpointID, a.N-1)
		if err != nil {
			return fmt.Errorf("update delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another instance recorded this attempt after our lease ran out
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_attempts (event_id, endpoint_id, n, at_us, status_code, error, response, latency_ms, manual)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.EventID, a.EndpointID, a.N, sqldb.Micros(a.At), a.StatusCode, a.Error,
			a.Response, a.Latency.Milliseconds(), bit(a.Manual)); err != nil {
			return fmt.Errorf("insert attempt: %w", err)
		}
		if o.Ok {
			_, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET failing_since_us = 0 WHERE id = ?`, a.EndpointID)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET failing_since_us = ? WHERE id = ? AND failing_since_us = 0`,
			sqldb.Micros(a.At), a.EndpointID); err != nil {
			return fmt.Errorf("update endpoint: %w", err)
		}
		if o.DisableBefore.IsZero() {
			return nil
		}
		res, err = tx.ExecContext(ctx, `UPDATE webhook_endpoints SET enabled = 0
			WHERE id = ? AND enabled = 1 AND failing_since_us > 0 AND failing_since_us <= ?`, a.EndpointID, sqldb.Micros(o.DisableBefore))
		if err != nil {
			return fmt.Errorf("disable endpoint: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		e := o.Disabled
		if _, err := tx.ExecContext(ctx, s.db.Dialect.InsertIgnore()+` INTO merchant_events (id, merchant_id, mode, type, data, created_us)
			VALUES (?, ?, ?, ?, ?, ?)`, e.ID, e.MerchantID, string(e.Mode), e.Type, e.Data, sqldb.Micros(e.Created)); err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
		disabled = true
		return nil
	})
	return disabled, err
}

// Deliveries lists the deliveries of an event or an endpoint, newest
// first: by event id for an endpoint, by endpoint id for an event.
func (s *Store) Deliveries(ctx context.Context, f webhook.DeliveryFilter, p cashless.Page) ([]*webhook.Delivery, bool, error) {
	q := `SELECT ` + deliveryColumns + ` FROM webhook_deliveries WHERE merchant_id = ? AND mode = ?`
	args := []any{f.MerchantID, string(f.Mode)}
	key := "event_id"
	if f.EventID != "" {
		q += " AND event_id = ?"
		args = append(args, f.EventID)
		key = "endpoint_id"
	}
	if f.EndpointID != "" {
		q += " AND endpoint_id = ?"
		args = append(args, f.EndpointID)
		key = "event_id"
	}
	q, args, asc := page(q, args, key, p)
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("list deliveries: %w", err)
	}
	defer rows.Close()
	var out []*webhook.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, false, fmt.Errorf("list deliveries: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list deliveries: %w", err)
	}
	out, more := trim(out, p.Size(), asc)
	return out, more, nil
}

// Attempts returns the delivery log of one delivery, oldest first.
func (s *Store) Attempts(ctx context.Context, eventID, endpointID string) ([]*webhook.Attempt, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT n, at_us, status_code, error, response, latency_ms, manual
		FROM webhook_attempts WHERE event_id = ? AND endpoint_id = ? ORDER BY n`, eventID, endpointID)
	if err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	defer rows.Close()
	var out []*webhook.Attempt
	for rows.Next() {
		a := webhook.Attempt{EventID: eventID, EndpointID: endpointID}
		var at, ms int64
		var manual int
		if err := rows.Scan(&a.N, &at, &a.StatusCode, &a.Error, &a.Response, &ms, &manual); err != nil {
			return nil, fmt.Errorf("list attempts: %w", err)
		}
		a.At, a.Latency, a.Manual = sqldb.FromMicros(at), time.Duration(ms)*time.Millisecond, manual != 0
		out = append(out, &a)
	}
	return out, rows.Err()
}
