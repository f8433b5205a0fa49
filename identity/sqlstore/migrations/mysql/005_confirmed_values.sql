CREATE TABLE IF NOT EXISTS identity_confirmed_values (
    channel      VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    value_index  VARBINARY(32) NOT NULL,
    user_id      VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    confirmed_us BIGINT NOT NULL,
    PRIMARY KEY (channel, value_index)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE identity_users ADD COLUMN phone_released_us BIGINT NOT NULL DEFAULT 0;

ALTER TABLE identity_users ADD COLUMN email_released_us BIGINT NOT NULL DEFAULT 0;

INSERT IGNORE INTO identity_confirmed_values (channel, value_index, user_id, confirmed_us)
SELECT v.channel, v.value_index, v.user_id, v.verified_us
FROM identity_verifications v JOIN identity_users u ON u.id = v.user_id
WHERE v.channel = 'phone' AND v.verified_us > 0 AND v.value_index = u.phone_index;

INSERT IGNORE INTO identity_confirmed_values (channel, value_index, user_id, confirmed_us)
SELECT v.channel, v.value_index, v.user_id, v.verified_us
FROM identity_verifications v JOIN identity_users u ON u.id = v.user_id
WHERE v.channel = 'email' AND v.verified_us > 0 AND v.value_index = u.email_index;

ALTER TABLE identity_users ADD INDEX identity_users_phone (phone_index);

ALTER TABLE identity_users ADD INDEX identity_users_email (email_index);

ALTER TABLE identity_users DROP INDEX phone_index;

ALTER TABLE identity_users DROP INDEX email_index;
