CREATE TABLE IF NOT EXISTS wallet_spends (
	spend_key VARCHAR(64) NOT NULL PRIMARY KEY,
	user_id VARCHAR(40) NOT NULL,
	currency VARCHAR(3) NOT NULL,
	amount BIGINT NOT NULL,
	limit_windows VARCHAR(255) NOT NULL,
	released INTEGER NOT NULL DEFAULT 0,
	created_us BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS wallet_spends_user ON wallet_spends (user_id, created_us);
