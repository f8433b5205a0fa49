CREATE TABLE IF NOT EXISTS identity_api_keys (
    id           TEXT NOT NULL PRIMARY KEY,
    merchant_id  TEXT NOT NULL,
    mode         TEXT NOT NULL,
    lookup       TEXT NOT NULL,
    hash         BLOB NOT NULL,
    prefix       TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_us   BIGINT NOT NULL,
    last_used_us BIGINT NOT NULL DEFAULT 0,
    revoked_us   BIGINT NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS identity_api_keys_lookup ON identity_api_keys (lookup);

CREATE INDEX IF NOT EXISTS identity_api_keys_merchant ON identity_api_keys (merchant_id, created_us);
