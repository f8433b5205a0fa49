ALTER TABLE wallet_transfers
    ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN client_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    ADD COLUMN lease_token VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    ADD COLUMN lease_until_us BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tries INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN parked VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    DROP KEY wallet_transfers_status,
    ADD KEY wallet_transfers_due (status, lease_until_us),
    ADD KEY wallet_transfers_parked (parked),
    ADD KEY wallet_transfers_sent (sender_id, created_us);

ALTER TABLE wallet_fundings
    ADD COLUMN limit_windows VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    ADD COLUMN lease_token VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    ADD COLUMN lease_until_us BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tries INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN parked VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    DROP KEY wallet_fundings_status,
    ADD KEY wallet_fundings_due (status, lease_until_us),
    ADD KEY wallet_fundings_parked (parked),
    ADD KEY wallet_fundings_made (user_id, created_us);
