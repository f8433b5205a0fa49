CREATE TABLE IF NOT EXISTS payouts (
	id VARCHAR(40) NOT NULL PRIMARY KEY,
	merchant_id VARCHAR(40) NOT NULL,
	mode VARCHAR(4) NOT NULL,
	currency VARCHAR(3) NOT NULL,
	amount BIGINT NOT NULL,
	-- requested is what the call asked for (0: the whole balance).
	requested BIGINT NOT NULL,
	status VARCHAR(16) NOT NULL,
	failure_code VARCHAR(64) NOT NULL DEFAULT '',
	automatic TINYINT NOT NULL DEFAULT 0,
	bank_account_last4 VARCHAR(4) NOT NULL DEFAULT '',
	idempotency_key VARCHAR(255) NOT NULL,
	-- bank_outcome is the bank's final word, recorded before it is applied.
	bank_outcome VARCHAR(16) NOT NULL DEFAULT '',
	created_us BIGINT NOT NULL,
	completed_us BIGINT NOT NULL DEFAULT 0,
	lease_token VARCHAR(40) NOT NULL DEFAULT '',
	lease_until_us BIGINT NOT NULL DEFAULT 0,
	tries INTEGER NOT NULL DEFAULT 0,
	parked VARCHAR(255) NOT NULL DEFAULT '',
	UNIQUE INDEX payouts_key (merchant_id, mode, idempotency_key),
	INDEX payouts_list (merchant_id, mode, id),
	INDEX payouts_due (status, lease_until_us),
	INDEX payouts_parked (parked)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
