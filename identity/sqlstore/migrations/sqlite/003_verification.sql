CREATE TABLE IF NOT EXISTS identity_verifications (
    user_id         TEXT NOT NULL,
    channel         TEXT NOT NULL,
    value_index     BLOB,
    code_hash       BLOB,
    tries           INTEGER NOT NULL DEFAULT 0,
    expires_us      BIGINT NOT NULL DEFAULT 0,
    sends           INTEGER NOT NULL DEFAULT 0,
    window_start_us BIGINT NOT NULL DEFAULT 0,
    last_sent_us    BIGINT NOT NULL DEFAULT 0,
    verified_us     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, channel)
);
