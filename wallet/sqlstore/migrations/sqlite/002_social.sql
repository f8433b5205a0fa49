CREATE TABLE IF NOT EXISTS wallet_contacts (
    user_id    VARCHAR(40) NOT NULL,
    contact_id VARCHAR(40) NOT NULL,
    id         VARCHAR(40) NOT NULL,
    source     VARCHAR(16) NOT NULL,
    created_us BIGINT NOT NULL,
    PRIMARY KEY (user_id, contact_id)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS wallet_contacts_list ON wallet_contacts (user_id, id);

CREATE TABLE IF NOT EXISTS wallet_feed_settings (
    user_id    VARCHAR(40) NOT NULL PRIMARY KEY,
    visibility VARCHAR(16) NOT NULL,
    updated_us BIGINT NOT NULL
) WITHOUT ROWID;
