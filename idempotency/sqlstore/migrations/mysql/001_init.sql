CREATE TABLE IF NOT EXISTS api_idempotency (
    scope          VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    idem_key       VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    fingerprint    BINARY(32) NOT NULL,
    state          VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    token          VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    lease_until_us BIGINT NOT NULL,
    status         INT NOT NULL,
    body           MEDIUMBLOB,
    created_us     BIGINT NOT NULL,
    expires_us     BIGINT NOT NULL,
    PRIMARY KEY (scope, idem_key),
    KEY api_idempotency_expires (expires_us)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
