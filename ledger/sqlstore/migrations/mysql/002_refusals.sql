-- Refused transfers, kept so that their ids answer the same refusal forever.
-- The text fields are stored as bytes, exactly as given: a refused transfer
-- may carry any string (MaxFieldBytes bounds each).
CREATE TABLE IF NOT EXISTS ledger_refusals (
    id                VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    ts                BIGINT NOT NULL,
    batch_seq         BIGINT NOT NULL,
    debit_account_id  VARBINARY(1024) NOT NULL,
    credit_account_id VARBINARY(1024) NOT NULL,
    amount            BIGINT NOT NULL,
    currency          VARBINARY(1024) NOT NULL,
    code              VARBINARY(1024) NOT NULL,
    flags             INT UNSIGNED NOT NULL,
    pending_id        VARBINARY(1024) NOT NULL,
    timeout_ns        BIGINT NOT NULL,
    metadata          VARBINARY(1024) NOT NULL,
    error_code        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    error_message     VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    row_hash          BINARY(32) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY ledger_refusals_ts (ts)
) ENGINE=InnoDB;
