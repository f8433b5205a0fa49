CREATE TABLE IF NOT EXISTS ledger_accounts (
    id              VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    currency        CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    code            VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    flags           INT UNSIGNED NOT NULL,
    debits_posted   BIGINT NOT NULL,
    credits_posted  BIGINT NOT NULL,
    debits_pending  BIGINT NOT NULL,
    credits_pending BIGINT NOT NULL,
    created_us      BIGINT NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS ledger_transfers (
    ts                BIGINT NOT NULL,
    id                VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    debit_account_id  VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    credit_account_id VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    amount            BIGINT NOT NULL,
    currency          CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    code              VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    flags             INT UNSIGNED NOT NULL,
    pending_id        VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    timeout_s         BIGINT NOT NULL,
    metadata          VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    batch_seq         BIGINT NOT NULL,
    dr_debits_posted   BIGINT NOT NULL,
    dr_credits_posted  BIGINT NOT NULL,
    dr_debits_pending  BIGINT NOT NULL,
    dr_credits_pending BIGINT NOT NULL,
    cr_debits_posted   BIGINT NOT NULL,
    cr_credits_posted  BIGINT NOT NULL,
    cr_debits_pending  BIGINT NOT NULL,
    cr_credits_pending BIGINT NOT NULL,
    row_hash          BINARY(32) NOT NULL,
    PRIMARY KEY (ts),
    UNIQUE KEY ledger_transfers_id (id),
    KEY ledger_transfers_debit (debit_account_id, ts),
    KEY ledger_transfers_credit (credit_account_id, ts)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS ledger_pending (
    id                VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    debit_account_id  VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    credit_account_id VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    amount            BIGINT NOT NULL,
    currency          CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    expires_us        BIGINT NULL,
    state             VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (id),
    KEY ledger_pending_expires (expires_us)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS ledger_batches (
    seq        BIGINT NOT NULL,
    prev_hash  VARBINARY(32) NOT NULL,
    hash       BINARY(32) NOT NULL,
    count      INT NOT NULL,
    created_us BIGINT NOT NULL,
    PRIMARY KEY (seq)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS ledger_head (
    id      INT NOT NULL,
    seq     BIGINT NOT NULL,
    hash    VARBINARY(32) NOT NULL,
    last_ts BIGINT NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB;

INSERT IGNORE INTO ledger_head (id, seq, hash, last_ts) VALUES (1, 0, '', 0);

CREATE TABLE IF NOT EXISTS ledger_raw_transfers LIKE ledger_transfers;
