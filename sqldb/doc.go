// Package sqldb opens and runs the databases Cashless services keep their
// data in, on SQLite (the embedded default) or MySQL (MySQL 8, MariaDB
// 10.11, TiDB), so that every store is written once against database/sql.
//
// # Opening
//
// Open takes a database URL, "sqlite:<path>" or "mysql:<go-sql-driver
// DSN>"; ForService derives one service's URL from a platform-wide one,
// since each service owns its database. A DB has a write and a read pool.
// On SQLite, Write has exactly one connection, because SQLite has one
// writer and a second connection would only wait for its lock, and Read
// has four that read beside it (WAL). Every commit fsyncs the log
// (synchronous=FULL) unless Options.RelaxedSync says a retry repairs a lost
// commit. On MySQL, Read and Write are one pool, with parameters
// interpolated by the client (one round trip per statement), several
// statements allowed per round trip, and utf8mb4 with a binary collation.
//
// # Dialect
//
// Dialect names the engine and is the seam for the few things every store
// needs that the two spell differently: InsertIgnore and ForUpdate, and
// IsDuplicate and IsRetryable for their errors. A store's own differences
// (upserts of its tables) stay in that store.
//
// # Group commit
//
// A Group commits the small write transactions of concurrent callers
// together, so that one transaction, one fsync and one round of locks serve
// them all, and a failing call is rolled back alone. The price is Group.Do's
// contract: a call may run more than once (when the shared transaction
// fails, when a commit error leaves unknown whether it committed, when it
// loses a lock), so it must be idempotent: conditional on the state it
// leaves, never relying on having run once. RetryConflicts is the one retry
// with random pauses for transactions that lost a race, used by the group
// and by stores.
//
// # Migrations
//
// Migrate runs a service's embedded migrations, <dialect>/<version>.sql,
// each once, and records them in <service>_schema_migrations. Each
// statement must be idempotent: MySQL cannot roll back DDL, so a migration
// interrupted half-way simply runs again.
//
// # Statement cache
//
// SQLite connections keep their prepared statements (256 per connection,
// the least recently used closed first), because parsing took a quarter of
// the CPU under load. MySQL needs no cache: its parameters are interpolated.
//
// # Time
//
// Stores keep times as Unix microseconds in UTC (Micros, FromMicros), the
// zero time as 0: the two engines compare stored times differently
// otherwise, and integers alike.
package sqldb
