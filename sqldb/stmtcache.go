package sqldb

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"strings"

	sqlite "modernc.org/sqlite"
)

// The SQLite driver prepares (parses and plans) every statement it runs,
// and a profile of the API under load showed that parsing took a quarter of
// the CPU: the same few dozen statements are prepared thousands of times a
// second. cachingDriver wraps it so that each connection keeps its prepared
// statements and reuses them, the way a prepared statement is meant to be
// used. It is registered as "cashless-sqlite".
const cachingDriverName = "cashless-sqlite"

// stmtCacheSize bounds the statements kept per connection. Statements with
// a varying number of placeholders (multi-row inserts, IN lists) make many
// distinct texts; the least recently used ones are closed.
const stmtCacheSize = 256

func init() {
	sql.Register(cachingDriverName, cachingDriver{&sqlite.Driver{}})
}

type cachingDriver struct{ inner driver.Driver }

// Open implements driver.Driver.
func (d cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.inner.Open(name)
	if err != nil {
		return nil, err
	}
	ic, ok := c.(innerConn)
	if !ok {
		c.Close()
		return nil, errors.New("sqldb: the SQLite driver's connection lacks a context method")
	}
	return &cachingConn{ic: ic, byQuery: map[string]*list.Element{}, lru: list.New()}, nil
}

// innerConn is what the SQLite driver's connection implements.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn is a connection with a cache of prepared statements. A
// connection is used by one goroutine at a time (database/sql's rule), so
// the cache needs no lock.
type cachingConn struct {
	ic      innerConn
	byQuery map[string]*list.Element // of *cachedStmt
	lru     *list.List               // front: most recently used
}

type cachedStmt struct {
	query string
	stmt  driver.Stmt
	// busy is set while rows of the statement are open: running it again
	// then would reset those rows, so another statement is used meanwhile.
	busy bool
}

// cacheable tells single statements, which may be cached, from scripts.
func cacheable(query string) bool {
	q := strings.TrimRight(query, " \t\r\n;")
	return !strings.Contains(q, ";")
}

// stmt returns the cached statement of query, preparing it on first use,
// or nil when query must not be cached or its statement is busy.
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if !cacheable(query) {
		return nil, nil
	}
	if e, ok := c.byQuery[query]; ok {
		cs := e.Value.(*cachedStmt)
		if cs.busy {
			return nil, nil
		}
		c.lru.MoveToFront(e)
		return cs, nil
	}
	st, err := c.ic.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cachedStmt{query: query, stmt: st}
	c.byQuery[query] = c.lru.PushFront(cs)
	for c.lru.Len() > stmtCacheSize {
		c.evict(c.lru.Back())
	}
	return cs, nil
}

func (c *cachingConn) evict(e *list.Element) {
	cs := e.Value.(*cachedStmt)
	c.lru.Remove(e)
	delete(c.byQuery, cs.query)
	if !cs.busy {
		cs.stmt.Close()
	}
	// A busy statement is closed when its rows are (see cachedRows.Close).
	cs.query = ""
}

// ExecContext implements driver.ExecerContext.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.ic.ExecContext(ctx, query, args)
	}
	return cs.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

// QueryContext implements driver.QueryerContext.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.ic.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: rows, cs: cs}, nil
}

// PrepareContext implements driver.ConnPrepareContext: explicitly prepared
// statements are the caller's to keep, so they bypass the cache.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.ic.PrepareContext(ctx, query)
}

// BeginTx implements driver.ConnBeginTx.
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.ic.BeginTx(ctx, opts)
}

// Ping implements driver.Pinger.
func (c *cachingConn) Ping(ctx context.Context) error {
	return c.ic.Ping(ctx)
}

// ResetSession implements driver.SessionResetter.
func (c *cachingConn) ResetSession(ctx context.Context) error {
	return c.ic.ResetSession(ctx)
}

// IsValid implements driver.Validator.
func (c *cachingConn) IsValid() bool {
	return c.ic.IsValid()
}

// Close closes the cached statements, then the connection.
func (c *cachingConn) Close() error {
	for c.lru.Len() > 0 {
		c.evict(c.lru.Front())
	}
	return c.ic.Close()
}

// Prepare implements driver.Conn.
func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.ic.Prepare(query) }

// Begin implements driver.Conn; database/sql uses BeginTx.
func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.ic.BeginTx(context.Background(), driver.TxOptions{})
}

// cachedRows frees its statement for reuse when closed.
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

// Close implements driver.Rows.
func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.cs.busy = false
	if r.cs.query == "" { // evicted while the rows were open
		r.cs.stmt.Close()
	}
	return err
}

var (
	_ driver.Conn           = (*cachingConn)(nil)
	_ driver.ExecerContext  = (*cachingConn)(nil)
	_ driver.QueryerContext = (*cachingConn)(nil)
	_ io.Closer             = (*cachedRows)(nil)
)
