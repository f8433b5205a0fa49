CREATE TABLE IF NOT EXISTS wallet_transfers (
    id            VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    sender_id     VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    recipient_id  VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    currency      CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    amount        BIGINT NOT NULL,
    message       VARCHAR(1200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    visibility    VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status        VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    failure_code  VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    request_id    VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    idem_key      VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    limit_windows VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_us    BIGINT NOT NULL,
    updated_us    BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY wallet_transfers_idem (sender_id, idem_key),
    KEY wallet_transfers_sender (sender_id, id),
    KEY wallet_transfers_recipient (recipient_id, id),
    KEY wallet_transfers_status (status, updated_us)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS wallet_limit_usage (
    user_id    VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    window_key VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    currency   CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    used       BIGINT NOT NULL,
    PRIMARY KEY (user_id, window_key, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS wallet_fundings (
    id            VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    kind          VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id       VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    currency      CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    amount        BIGINT NOT NULL,
    status        VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    failure_code  VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bank_outcome  VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bank_account  VARBINARY(1024) NULL,
    account_last4 VARCHAR(4) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    idem_key      VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_us    BIGINT NOT NULL,
    updated_us    BIGINT NOT NULL,
    completed_us  BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY wallet_fundings_idem (user_id, kind, idem_key),
    KEY wallet_fundings_user (user_id, kind, id),
    KEY wallet_fundings_status (status, updated_us)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS wallet_requests (
    id           VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    requester_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    payer_id     VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    currency     CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    amount       BIGINT NOT NULL,
    message      VARCHAR(1200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    status       VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    split_id     VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    transfer_id  VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    attempt      INT NOT NULL,
    idem_key     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    seq          INT NOT NULL,
    created_us   BIGINT NOT NULL,
    expires_us   BIGINT NOT NULL,
    updated_us   BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY wallet_requests_idem (requester_id, idem_key, seq),
    KEY wallet_requests_requester (requester_id, id),
    KEY wallet_requests_payer (payer_id, id),
    KEY wallet_requests_status (status, expires_us)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
