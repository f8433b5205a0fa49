CREATE TABLE IF NOT EXISTS wallet_contacts (
    user_id    VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    contact_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    id         VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    source     VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_us BIGINT NOT NULL,
    PRIMARY KEY (user_id, contact_id),
    KEY wallet_contacts_list (user_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS wallet_feed_settings (
    user_id    VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    visibility VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    updated_us BIGINT NOT NULL,
    PRIMARY KEY (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
