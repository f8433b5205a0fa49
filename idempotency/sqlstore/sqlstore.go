// Package sqlstore keeps idempotency records in SQLite or MySQL (MariaDB,
// TiDB) through database/sql, in the API's own database (migrations run
// under the service name "api"). Every write goes through a sqldb.Group, so
// concurrent calls share one transaction and one fsync.
package sqlstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/cashless-dev/cashless"
	"github.com/cashless-dev/cashless/idempotency"
	"github.com/cashless-dev/cashless/sqldb"
)

// Record states.
const (
	stateInFlight = "in_flight"
	stateDone     = "done"
	stateReleased = "released"
)

// maxScope is the width of the scope column.
const maxScope = 64

//go:embed migrations
var migrations embed.FS

// Migrate creates or upgrades the idempotency table. It is safe to run from
// several processes at once and on every start.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("open migrations: %w", err)
	}
	return sqldb.Migrate(ctx, db, sub, "api")
}

// Options tune a Store; zero values take the defaults.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Lease is how long an attempt holds a key (idempotency.DefaultLease).
	Lease time.Duration
	// TTL is how long a record is kept (idempotency.DefaultTTL).
	TTL time.Duration
}

// Store implements idempotency.Store on a sqldb.DB.
type Store struct {
	db    *sqldb.DB
	group *sqldb.Group
	opts  Options
	// purge deletes at most ? records that expired before ?. SQLite has no
	// DELETE ... LIMIT, so it picks the rows in a subquery.
	purge string
}

var _ idempotency.Store = (*Store)(nil)

// New returns a store on db, which Migrate must have prepared. Close it to
// stop its group committer.
func New(db *sqldb.DB, opts Options) *Store {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Lease <= 0 {
		opts.Lease = idempotency.DefaultLease
	}
	if opts.TTL <= 0 {
		opts.TTL = idempotency.DefaultTTL
	}
	s := &Store{db: db, group: sqldb.NewGroup(db), opts: opts}
	if db.Dialect == sqldb.MySQL {
		s.purge = `DELETE FROM api_idempotency WHERE expires_us <= ? LIMIT ?`
	} else {
		s.purge = `DELETE FROM api_idempotency WHERE (scope, idem_key) IN
			(SELECT scope, idem_key FROM api_idempotency WHERE expires_us <= ? LIMIT ?)`
	}
	return s
}

// Close stops the store's group committer after the queued writes.
func (s *Store) Close() { s.group.Close() }

// Begin implements idempotency.Store. In one transaction it inserts a fresh
// record, or takes over one that expired, was released, or whose lease ran
// out with the same fingerprint; failing both, it reads the record to
// replay it or to say why not. The token is made before the group runs the
// transaction, so a record in flight with this very token is this call's:
// an earlier run that committed although its commit reported an error.
func (s *Store) Begin(ctx context.Context, req idempotency.Request) (idempotency.Begun, error) {
	if len(req.Scope) == 0 || len(req.Scope) > maxScope {
		return idempotency.Begun{}, fmt.Errorf("begin idempotent call: scope of %d bytes", len(req.Scope))
	}
	token := newToken()
	now := sqldb.Micros(s.opts.Now())
	lease := now + s.opts.Lease.Microseconds()
	expires := now + s.opts.TTL.Microseconds()
	var out idempotency.Begun
	var refusal error
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		out, refusal = idempotency.Begun{}, nil
		bg := context.WithoutCancel(ctx)
		res, err := tx.ExecContext(bg, s.db.Dialect.InsertIgnore()+` INTO api_idempotency
			(scope, idem_key, fingerprint, state, token, lease_until_us, status, body, created_us, expires_us)
			VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?)`,
			req.Scope, req.Key, req.Fingerprint[:], stateInFlight, token, lease, now, expires)
		if err != nil {
			return fmt.Errorf("insert idempotency record: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("insert idempotency record: %w", err)
		} else if n == 1 {
			out.Token = token
			return nil
		}
		res, err = tx.ExecContext(bg, `UPDATE api_idempotency
			SET fingerprint = ?, state = ?, token = ?, lease_until_us = ?, status = 0, body = NULL, expires_us = ?
			WHERE scope = ? AND idem_key = ? AND (expires_us <= ? OR state = ?
				OR (state = ? AND lease_until_us <= ? AND fingerprint = ?))`,
			req.Fingerprint[:], stateInFlight, token, lease, expires,
			req.Scope, req.Key, now, stateReleased, stateInFlight, now, req.Fingerprint[:])
		if err != nil {
			return fmt.Errorf("take over idempotency record: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("take over idempotency record: %w", err)
		} else if n == 1 {
			out.Token = token
			return nil
		}
		var fp []byte
		var state, stored string
		var status int
		var body []byte
		err = tx.QueryRowContext(bg, `SELECT fingerprint, state, token, status, body FROM api_idempotency
			WHERE scope = ? AND idem_key = ?`, req.Scope, req.Key).Scan(&fp, &state, &stored, &status, &body)
		if err != nil {
			return fmt.Errorf("read idempotency record: %w", err)
		}
		switch {
		case state == stateInFlight && stored == token:
			out.Token = token
		case !bytes.Equal(fp, req.Fingerprint[:]):
			refusal = cashless.Errorf(idempotency.EKeyReused,
				"This Idempotency-Key was already used with a different request; use a new key.")
		case state == stateDone:
			out.Replay = &idempotency.Response{Status: status, Body: body}
		default:
			refusal = &cashless.Error{Code: idempotency.EKeyInUse, RetryAfter: time.Second,
				Message: "A request with this Idempotency-Key is still in progress; retry later."}
		}
		return nil
	})
	if err != nil {
		return idempotency.Begun{}, fmt.Errorf("begin idempotent call: %w", err)
	}
	if refusal != nil {
		return idempotency.Begun{}, refusal
	}
	return out, nil
}

// Complete implements idempotency.Store.
func (s *Store) Complete(ctx context.Context, req idempotency.Request, token string, res idempotency.Response) error {
	body := res.Body
	if body == nil {
		body = []byte{}
	}
	return s.finish(ctx, "complete idempotent call", req, token, stateDone, res.Status, body)
}

// Release implements idempotency.Store.
func (s *Store) Release(ctx context.Context, req idempotency.Request, token string) error {
	return s.finish(ctx, "release idempotent call", req, token, stateReleased, 0, nil)
}

// finish moves the attempt's record from in flight to state, storing status
// and body when state is done. A run that changes no row reads the record:
// when it holds the attempt's token in state with the same answer, an
// earlier run of this call committed it although its commit reported an
// error, and finish succeeds; otherwise the lease was lost.
func (s *Store) finish(ctx context.Context, what string, req idempotency.Request, token, state string, status int, body []byte) error {
	query := `UPDATE api_idempotency SET state = ? WHERE scope = ? AND idem_key = ? AND token = ? AND state = ?`
	args := []any{state, req.Scope, req.Key, token, stateInFlight}
	if state == stateDone {
		query = `UPDATE api_idempotency SET state = ?, status = ?, body = ? WHERE scope = ? AND idem_key = ? AND token = ? AND state = ?`
		args = []any{state, status, body, req.Scope, req.Key, token, stateInFlight}
	}
	var held bool
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		held = false
		bg := context.WithoutCancel(ctx)
		res, err := tx.ExecContext(bg, query, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 1 {
			held = true
			return nil
		}
		var got string
		var gotStatus int
		var gotBody []byte
		err = tx.QueryRowContext(bg, `SELECT state, status, body FROM api_idempotency WHERE scope = ? AND idem_key = ? AND token = ?`,
			req.Scope, req.Key, token).Scan(&got, &gotStatus, &gotBody)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read idempotency record: %w", err)
		}
		held = got == state && (state != stateDone || gotStatus == status && bytes.Equal(gotBody, body))
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if !held {
		return fmt.Errorf("%s: %w", what, idempotency.ErrLeaseLost)
	}
	return nil
}

// Purge implements idempotency.Store. Deleting expired records is
// idempotent; when the group runs the call again after a commit that
// reported an error, the count is that of the last run alone, which at
// worst ends one sweep early.
func (s *Store) Purge(ctx context.Context, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	now := sqldb.Micros(s.opts.Now())
	var n int64
	err := s.group.Do(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(context.WithoutCancel(ctx), s.purge, now, limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge idempotency records: %w", err)
	}
	return int(n), nil
}

// newToken returns 130 random bits, naming one attempt.
func newToken() string { return rand.Text() }
