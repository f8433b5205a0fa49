-- Refused transfers, kept so that their ids answer the same refusal forever.
-- The text fields are stored as bytes, exactly as given: a refused transfer
-- may carry any string (MaxFieldBytes bounds each).
CREATE TABLE IF NOT EXISTS ledger_refusals (
    id                TEXT NOT NULL PRIMARY KEY,
    ts                INTEGER NOT NULL,
    batch_seq         INTEGER NOT NULL,
    debit_account_id  BLOB NOT NULL,
    credit_account_id BLOB NOT NULL,
    amount            INTEGER NOT NULL,
    currency          BLOB NOT NULL,
    code              BLOB NOT NULL,
    flags             INTEGER NOT NULL,
    pending_id        BLOB NOT NULL,
    timeout_ns        INTEGER NOT NULL,
    metadata          BLOB NOT NULL,
    error_code        TEXT NOT NULL,
    error_message     TEXT NOT NULL,
    row_hash          BLOB NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS ledger_refusals_ts ON ledger_refusals (ts);
