CREATE TABLE IF NOT EXISTS identity_users (
    id             VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    phone_index    VARBINARY(32) NOT NULL,
    email_index    VARBINARY(32) NULL,
    username       VARCHAR(30) CHARACTER SET ascii COLLATE ascii_bin NULL,
    phone_sealed   VARBINARY(255) NOT NULL,
    email_sealed   VARBINARY(400) NULL,
    name_sealed    VARBINARY(600) NOT NULL,
    password_hash  VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    kyc_tier       TINYINT NOT NULL DEFAULT 0,
    totp_secret    VARBINARY(255) NULL,
    totp_enabled   TINYINT NOT NULL DEFAULT 0,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    created_us     BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY phone_index (phone_index),
    UNIQUE KEY email_index (email_index),
    UNIQUE KEY username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS identity_sessions (
    id           VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id      VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_us   BIGINT NOT NULL,
    last_used_us BIGINT NOT NULL,
    expires_us   BIGINT NOT NULL,
    revoked_us   BIGINT NOT NULL DEFAULT 0,
    ip_sealed    VARBINARY(255) NULL,
    user_agent   VARCHAR(255) NOT NULL,
    PRIMARY KEY (id),
    KEY identity_sessions_user (user_id, created_us)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS identity_refresh_tokens (
    hash       BINARY(32) NOT NULL,
    session_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_us BIGINT NOT NULL,
    used_us    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (hash),
    KEY identity_refresh_tokens_session (session_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS identity_login_throttle (
    throttle_key    VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    failures        INT NOT NULL,
    window_start_us BIGINT NOT NULL,
    level           INT NOT NULL,
    locked_until_us BIGINT NOT NULL,
    PRIMARY KEY (throttle_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS identity_kyc (
    id               VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id          VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    tier             TINYINT NOT NULL,
    status           VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    reason           VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    id_number_sealed VARBINARY(255) NOT NULL,
    address_sealed   VARBINARY(4096) NULL,
    created_us       BIGINT NOT NULL,
    PRIMARY KEY (id),
    KEY identity_kyc_user (user_id, created_us)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
