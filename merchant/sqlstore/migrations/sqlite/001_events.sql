CREATE TABLE IF NOT EXISTS merchant_events (
	id VARCHAR(40) NOT NULL PRIMARY KEY,
	merchant_id VARCHAR(40) NOT NULL,
	mode VARCHAR(4) NOT NULL,
	type VARCHAR(64) NOT NULL,
	data BLOB NOT NULL,
	created_us BIGINT NOT NULL,
	-- dispatched is set once the webhook dispatcher has fanned the event
	-- out to the endpoints that want it.
	dispatched INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS merchant_events_list ON merchant_events (merchant_id, mode, id);
CREATE INDEX IF NOT EXISTS merchant_events_undispatched ON merchant_events (dispatched, id);
