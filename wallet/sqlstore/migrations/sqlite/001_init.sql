CREATE TABLE IF NOT EXISTS wallet_transfers (
    id            VARCHAR(40) NOT NULL PRIMARY KEY,
    sender_id     VARCHAR(40) NOT NULL,
    recipient_id  VARCHAR(40) NOT NULL,
    currency      CHAR(3) NOT NULL,
    amount        BIGINT NOT NULL,
    message       VARCHAR(1200) NOT NULL,
    visibility    VARCHAR(8) NOT NULL,
    status        VARCHAR(16) NOT NULL,
    failure_code  VARCHAR(64) NOT NULL,
    request_id    VARCHAR(40) NOT NULL,
    idem_key      VARCHAR(255) NOT NULL,
    limit_windows VARCHAR(255) NOT NULL,
    created_us    BIGINT NOT NULL,
    updated_us    BIGINT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS wallet_transfers_idem ON wallet_transfers (sender_id, idem_key);
CREATE INDEX IF NOT EXISTS wallet_transfers_sender ON wallet_transfers (sender_id, id);
CREATE INDEX IF NOT EXISTS wallet_transfers_recipient ON wallet_transfers (recipient_id, id);
CREATE INDEX IF NOT EXISTS wallet_transfers_status ON wallet_transfers (status, updated_us);

CREATE TABLE IF NOT EXISTS wallet_limit_usage (
    user_id    VARCHAR(40) NOT NULL,
    window_key VARCHAR(32) NOT NULL,
    currency   CHAR(3) NOT NULL,
    used       BIGINT NOT NULL,
    PRIMARY KEY (user_id, window_key, currency)
);

CREATE TABLE IF NOT EXISTS wallet_fundings (
    id           VARCHAR(40) NOT NULL PRIMARY KEY,
    kind         VARCHAR(16) NOT NULL,
    user_id      VARCHAR(40) NOT NULL,
    currency     CHAR(3) NOT NULL,
    amount       BIGINT NOT NULL,
    status       VARCHAR(16) NOT NULL,
    failure_code VARCHAR(64) NOT NULL,
    bank_outcome VARCHAR(16) NOT NULL,
    bank_account BLOB,
    account_last4 VARCHAR(4) NOT NULL,
    idem_key     VARCHAR(255) NOT NULL,
    created_us   BIGINT NOT NULL,
    updated_us   BIGINT NOT NULL,
    completed_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS wallet_fundings_idem ON wallet_fundings (user_id, kind, idem_key);
CREATE INDEX IF NOT EXISTS wallet_fundings_user ON wallet_fundings (user_id, kind, id);
CREATE INDEX IF NOT EXISTS wallet_fundings_status ON wallet_fundings (status, updated_us);

CREATE TABLE IF NOT EXISTS wallet_requests (
    id           VARCHAR(40) NOT NULL PRIMARY KEY,
    requester_id VARCHAR(40) NOT NULL,
    payer_id     VARCHAR(40) NOT NULL,
    currency     CHAR(3) NOT NULL,
    amount       BIGINT NOT NULL,
    message      VARCHAR(1200) NOT NULL,
    status       VARCHAR(16) NOT NULL,
    split_id     VARCHAR(40) NOT NULL,
    transfer_id  VARCHAR(40) NOT NULL,
    attempt      INTEGER NOT NULL,
    idem_key     VARCHAR(255) NOT NULL,
    seq          INTEGER NOT NULL,
    created_us   BIGINT NOT NULL,
    expires_us   BIGINT NOT NULL,
    updated_us   BIGINT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS wallet_requests_idem ON wallet_requests (requester_id, idem_key, seq);
CREATE INDEX IF NOT EXISTS wallet_requests_requester ON wallet_requests (requester_id, id);
CREATE INDEX IF NOT EXISTS wallet_requests_payer ON wallet_requests (payer_id, id);
CREATE INDEX IF NOT EXISTS wallet_requests_status ON wallet_requests (status, expires_us);
