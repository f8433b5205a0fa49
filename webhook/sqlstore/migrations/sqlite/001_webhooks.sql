CREATE TABLE IF NOT EXISTS webhook_endpoints (
	id VARCHAR(40) NOT NULL PRIMARY KEY,
	merchant_id VARCHAR(40) NOT NULL,
	mode VARCHAR(4) NOT NULL,
	url TEXT NOT NULL,
	events TEXT NOT NULL,
	description TEXT NOT NULL,
	enabled INTEGER NOT NULL,
	created_us BIGINT NOT NULL,
	secret BLOB NOT NULL,
	prev_secret BLOB,
	prev_expires_us BIGINT NOT NULL DEFAULT 0,
	failing_since_us BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS webhook_endpoints_list ON webhook_endpoints (merchant_id, mode, id);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
	event_id VARCHAR(40) NOT NULL,
	endpoint_id VARCHAR(40) NOT NULL,
	merchant_id VARCHAR(40) NOT NULL,
	mode VARCHAR(4) NOT NULL,
	event_type VARCHAR(64) NOT NULL,
	status VARCHAR(10) NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	created_us BIGINT NOT NULL,
	first_us BIGINT NOT NULL DEFAULT 0,
	next_us BIGINT NOT NULL,
	lease_us BIGINT NOT NULL DEFAULT 0,
	last_code INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (event_id, endpoint_id)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_us);
CREATE INDEX IF NOT EXISTS webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, event_id);
CREATE TABLE IF NOT EXISTS webhook_attempts (
	event_id VARCHAR(40) NOT NULL,
	endpoint_id VARCHAR(40) NOT NULL,
	n INTEGER NOT NULL,
	at_us BIGINT NOT NULL,
	status_code INTEGER NOT NULL,
	error VARCHAR(32) NOT NULL,
	response TEXT NOT NULL,
	latency_ms BIGINT NOT NULL,
	manual INTEGER NOT NULL,
	PRIMARY KEY (event_id, endpoint_id, n)
);
