CREATE TABLE IF NOT EXISTS identity_api_keys (
    id           VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    merchant_id  VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    mode         VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    lookup       VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    hash         VARBINARY(32) NOT NULL,
    prefix       VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    scopes       VARCHAR(1000) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_by   VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_us   BIGINT NOT NULL,
    last_used_us BIGINT NOT NULL DEFAULT 0,
    revoked_us   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    KEY identity_api_keys_lookup (lookup),
    KEY identity_api_keys_merchant (merchant_id, created_us)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
