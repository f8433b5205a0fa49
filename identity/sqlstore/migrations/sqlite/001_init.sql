CREATE TABLE IF NOT EXISTS identity_users (
    id             TEXT NOT NULL PRIMARY KEY,
    phone_index    BLOB NOT NULL,
    email_index    BLOB,
    username       TEXT,
    phone_sealed   BLOB NOT NULL,
    email_sealed   BLOB,
    name_sealed    BLOB NOT NULL,
    password_hash  TEXT NOT NULL,
    kyc_tier       INTEGER NOT NULL DEFAULT 0,
    totp_secret    BLOB,
    totp_enabled   INTEGER NOT NULL DEFAULT 0,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    created_us     BIGINT NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS identity_users_phone_index ON identity_users (phone_index);

CREATE UNIQUE INDEX IF NOT EXISTS identity_users_email_index ON identity_users (email_index);

CREATE UNIQUE INDEX IF NOT EXISTS identity_users_username ON identity_users (username);

CREATE TABLE IF NOT EXISTS identity_sessions (
    id           TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL,
    created_us   BIGINT NOT NULL,
    last_used_us BIGINT NOT NULL,
    expires_us   BIGINT NOT NULL,
    revoked_us   BIGINT NOT NULL DEFAULT 0,
    ip_sealed    BLOB,
    user_agent   TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS identity_sessions_user ON identity_sessions (user_id, created_us);

CREATE TABLE IF NOT EXISTS identity_refresh_tokens (
    hash       BLOB NOT NULL PRIMARY KEY,
    session_id TEXT NOT NULL,
    created_us BIGINT NOT NULL,
    used_us    BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX IF NOT EXISTS identity_refresh_tokens_session ON identity_refresh_tokens (session_id);

CREATE TABLE IF NOT EXISTS identity_login_throttle (
    throttle_key    TEXT NOT NULL PRIMARY KEY,
    failures        INTEGER NOT NULL,
    window_start_us BIGINT NOT NULL,
    level           INTEGER NOT NULL,
    locked_until_us BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS identity_kyc (
    id               TEXT NOT NULL PRIMARY KEY,
    user_id          TEXT NOT NULL,
    tier             INTEGER NOT NULL,
    status           TEXT NOT NULL,
    reason           TEXT NOT NULL,
    id_number_sealed BLOB NOT NULL,
    address_sealed   BLOB,
    created_us       BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS identity_kyc_user ON identity_kyc (user_id, created_us);
