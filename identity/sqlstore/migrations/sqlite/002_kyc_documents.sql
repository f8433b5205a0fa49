CREATE TABLE IF NOT EXISTS identity_kyc_documents (
    document_index BLOB NOT NULL PRIMARY KEY,
    user_id        TEXT NOT NULL,
    created_us     BIGINT NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS identity_kyc_documents_user ON identity_kyc_documents (user_id);

CREATE TABLE IF NOT EXISTS identity_kyc_reviews (
    id            TEXT NOT NULL PRIMARY KEY,
    user_id       TEXT NOT NULL,
    other_user_id TEXT,
    reason        TEXT NOT NULL,
    created_us    BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS identity_kyc_reviews_user ON identity_kyc_reviews (user_id, created_us);

CREATE INDEX IF NOT EXISTS identity_kyc_reviews_other_user ON identity_kyc_reviews (other_user_id, created_us);
