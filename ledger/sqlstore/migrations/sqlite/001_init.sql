CREATE TABLE IF NOT EXISTS ledger_accounts (
    id              TEXT NOT NULL PRIMARY KEY,
    currency        TEXT NOT NULL,
    code            TEXT NOT NULL,
    flags           INTEGER NOT NULL,
    debits_posted   INTEGER NOT NULL,
    credits_posted  INTEGER NOT NULL,
    debits_pending  INTEGER NOT NULL,
    credits_pending INTEGER NOT NULL,
    created_us      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS ledger_transfers (
    ts                INTEGER NOT NULL PRIMARY KEY,
    id                TEXT NOT NULL,
    debit_account_id  TEXT NOT NULL,
    credit_account_id TEXT NOT NULL,
    amount            INTEGER NOT NULL,
    currency          TEXT NOT NULL,
    code              TEXT NOT NULL,
    flags             INTEGER NOT NULL,
    pending_id        TEXT NOT NULL,
    timeout_s         INTEGER NOT NULL,
    metadata          TEXT NOT NULL,
    batch_seq         INTEGER NOT NULL,
    dr_debits_posted   INTEGER NOT NULL,
    dr_credits_posted  INTEGER NOT NULL,
    dr_debits_pending  INTEGER NOT NULL,
    dr_credits_pending INTEGER NOT NULL,
    cr_debits_posted   INTEGER NOT NULL,
    cr_credits_posted  INTEGER NOT NULL,
    cr_debits_pending  INTEGER NOT NULL,
    cr_credits_pending INTEGER NOT NULL,
    row_hash          BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ledger_transfers_id ON ledger_transfers (id);
CREATE INDEX IF NOT EXISTS ledger_transfers_debit ON ledger_transfers (debit_account_id, ts);
CREATE INDEX IF NOT EXISTS ledger_transfers_credit ON ledger_transfers (credit_account_id, ts);

CREATE TABLE IF NOT EXISTS ledger_pending (
    id                TEXT NOT NULL PRIMARY KEY,
    debit_account_id  TEXT NOT NULL,
    credit_account_id TEXT NOT NULL,
    amount            INTEGER NOT NULL,
    currency          TEXT NOT NULL,
    expires_us        INTEGER NULL,
    state             TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ledger_pending_expires ON ledger_pending (expires_us);

CREATE TABLE IF NOT EXISTS ledger_batches (
    seq        INTEGER NOT NULL PRIMARY KEY,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL,
    count      INTEGER NOT NULL,
    created_us INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS ledger_head (
    id      INTEGER NOT NULL PRIMARY KEY,
    seq     INTEGER NOT NULL,
    hash    BLOB NOT NULL,
    last_ts INTEGER NOT NULL
);

INSERT OR IGNORE INTO ledger_head (id, seq, hash, last_ts) VALUES (1, 0, X'', 0);

CREATE TABLE IF NOT EXISTS ledger_raw_transfers (
    ts                INTEGER NOT NULL PRIMARY KEY,
    id                TEXT NOT NULL,
    debit_account_id  TEXT NOT NULL,
    credit_account_id TEXT NOT NULL,
    amount            INTEGER NOT NULL,
    currency          TEXT NOT NULL,
    code              TEXT NOT NULL,
    flags             INTEGER NOT NULL,
    pending_id        TEXT NOT NULL,
    timeout_s         INTEGER NOT NULL,
    metadata          TEXT NOT NULL,
    batch_seq         INTEGER NOT NULL,
    dr_debits_posted   INTEGER NOT NULL,
    dr_credits_posted  INTEGER NOT NULL,
    dr_debits_pending  INTEGER NOT NULL,
    dr_credits_pending INTEGER NOT NULL,
    cr_debits_posted   INTEGER NOT NULL,
    cr_credits_posted  INTEGER NOT NULL,
    cr_debits_pending  INTEGER NOT NULL,
    cr_credits_pending INTEGER NOT NULL,
    row_hash          BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ledger_raw_transfers_id ON ledger_raw_transfers (id);
CREATE INDEX IF NOT EXISTS ledger_raw_transfers_debit ON ledger_raw_transfers (debit_account_id, ts);
CREATE INDEX IF NOT EXISTS ledger_raw_transfers_credit ON ledger_raw_transfers (credit_account_id, ts);
