CREATE TABLE IF NOT EXISTS api_idempotency (
    scope          TEXT NOT NULL,
    idem_key       TEXT NOT NULL,
    fingerprint    BLOB NOT NULL,
    state          TEXT NOT NULL,
    token          TEXT NOT NULL,
    lease_until_us INTEGER NOT NULL,
    status         INTEGER NOT NULL,
    body           BLOB,
    created_us     INTEGER NOT NULL,
    expires_us     INTEGER NOT NULL,
    PRIMARY KEY (scope, idem_key)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS api_idempotency_expires ON api_idempotency (expires_us);
