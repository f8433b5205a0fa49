CREATE TABLE IF NOT EXISTS identity_verifications (
    user_id         VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    channel         VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    value_index     VARBINARY(32) NULL,
    code_hash       VARBINARY(32) NULL,
    tries           INT NOT NULL DEFAULT 0,
    expires_us      BIGINT NOT NULL DEFAULT 0,
    sends           INT NOT NULL DEFAULT 0,
    window_start_us BIGINT NOT NULL DEFAULT 0,
    last_sent_us    BIGINT NOT NULL DEFAULT 0,
    verified_us     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, channel)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
