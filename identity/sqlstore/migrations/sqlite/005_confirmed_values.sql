CREATE TABLE IF NOT EXISTS identity_confirmed_values (
    channel      TEXT NOT NULL,
    value_index  BLOB NOT NULL,
    user_id      TEXT NOT NULL,
    confirmed_us BIGINT NOT NULL,
    PRIMARY KEY (channel, value_index)
) WITHOUT ROWID;

ALTER TABLE identity_users ADD COLUMN phone_released_us BIGINT NOT NULL DEFAULT 0;

ALTER TABLE identity_users ADD COLUMN email_released_us BIGINT NOT NULL DEFAULT 0;

INSERT OR IGNORE INTO identity_confirmed_values (channel, value_index, user_id, confirmed_us)
SELECT v.channel, v.value_index, v.user_id, v.verified_us
FROM identity_verifications v JOIN identity_users u ON u.id = v.user_id
WHERE v.channel = 'phone' AND v.verified_us > 0 AND v.value_index = u.phone_index;

INSERT OR IGNORE INTO identity_confirmed_values (channel, value_index, user_id, confirmed_us)
SELECT v.channel, v.value_index, v.user_id, v.verified_us
FROM identity_verifications v JOIN identity_users u ON u.id = v.user_id
WHERE v.channel = 'email' AND v.verified_us > 0 AND v.value_index = u.email_index;

CREATE INDEX IF NOT EXISTS identity_users_phone ON identity_users (phone_index);

CREATE INDEX IF NOT EXISTS identity_users_email ON identity_users (email_index);

DROP INDEX IF EXISTS identity_users_phone_index;

DROP INDEX IF EXISTS identity_users_email_index;
