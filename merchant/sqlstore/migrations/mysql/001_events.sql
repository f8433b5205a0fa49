CREATE TABLE IF NOT EXISTS merchant_events (
	id VARCHAR(40) NOT NULL PRIMARY KEY,
	merchant_id VARCHAR(40) NOT NULL,
	mode VARCHAR(4) NOT NULL,
	type VARCHAR(64) NOT NULL,
	data MEDIUMBLOB NOT NULL,
	created_us BIGINT NOT NULL,
	-- dispatched is set once the webhook dispatcher has fanned the event
	-- out to the endpoints that want it.
	dispatched TINYINT NOT NULL DEFAULT 0,
	INDEX merchant_events_list (merchant_id, mode, id),
	INDEX merchant_events_undispatched (dispatched, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
