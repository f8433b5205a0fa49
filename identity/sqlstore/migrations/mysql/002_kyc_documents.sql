CREATE TABLE IF NOT EXISTS identity_kyc_documents (
    document_index BINARY(32) NOT NULL,
    user_id        VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_us     BIGINT NOT NULL,
    PRIMARY KEY (document_index),
    UNIQUE KEY identity_kyc_documents_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS identity_kyc_reviews (
    id            VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id       VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    other_user_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NULL,
    reason        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_us    BIGINT NOT NULL,
    PRIMARY KEY (id),
    KEY identity_kyc_reviews_user (user_id, created_us),
    KEY identity_kyc_reviews_other_user (other_user_id, created_us)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
