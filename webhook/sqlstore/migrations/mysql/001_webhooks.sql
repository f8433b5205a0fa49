CREATE TABLE IF NOT EXISTS webhook_endpoints (
	id VARCHAR(40) NOT NULL PRIMARY KEY,
	merchant_id VARCHAR(40) NOT NULL,
	mode VARCHAR(4) NOT NULL,
	url VARCHAR(2048) NOT NULL,
	events TEXT NOT NULL,
	description TEXT NOT NULL,
	enabled TINYINT NOT NULL,
	created_us BIGINT NOT NULL,
	secret BLOB NOT NULL,
	prev_secret BLOB,
	prev_expires_us BIGINT NOT NULL DEFAULT 0,
	failing_since_us BIGINT NOT NULL DEFAULT 0,
	INDEX webhook_endpoints_list (merchant_id, mode, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS webhook_deliveries (
	event_id VARCHAR(40) NOT NULL,
	endpoint_id VARCHAR(40) NOT NULL,
	merchant_id VARCHAR(40) NOT NULL,
	mode VARCHAR(4) NOT NULL,
	event_type VARCHAR(64) NOT NULL,
	status VARCHAR(10) NOT NULL,
	attempts INT NOT NULL DEFAULT 0,
	created_us BIGINT NOT NULL,
	first_us BIGINT NOT NULL DEFAULT 0,
	next_us BIGINT NOT NULL,
	lease_us BIGINT NOT NULL DEFAULT 0,
	last_code INT NOT NULL DEFAULT 0,
	PRIMARY KEY (event_id, endpoint_id),
	INDEX webhook_deliveries_due (status, next_us),
	INDEX webhook_deliveries_endpoint (endpoint_id, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS webhook_attempts (
	event_id VARCHAR(40) NOT NULL,
	endpoint_id VARCHAR(40) NOT NULL,
	n INT NOT NULL,
	at_us BIGINT NOT NULL,
	status_code INT NOT NULL,
	error VARCHAR(32) NOT NULL,
	response TEXT NOT NULL,
	latency_ms BIGINT NOT NULL,
	manual TINYINT NOT NULL,
	PRIMARY KEY (event_id, endpoint_id, n)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
