CREATE TABLE IF NOT EXISTS merchants (
	id VARCHAR(40) NOT NULL PRIMARY KEY,
	name VARCHAR(400) NOT NULL,
	mcc VARCHAR(4) NOT NULL,
	city VARCHAR(400) NOT NULL,
	country VARCHAR(2) NOT NULL,
	time_zone VARCHAR(64) NOT NULL,
	fee_bps BIGINT NOT NULL,
	cashier_refund_limit BIGINT NOT NULL,
	settlement_cutoff VARCHAR(5) NOT NULL,
	-- bank_sealed is the settlement account number sealed by the vault,
	-- only its last four digits are kept in clear.
	bank_sealed BLOB,
	bank_last4 VARCHAR(4) NOT NULL DEFAULT '',
	created_us BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS merchant_staff (
	merchant_id VARCHAR(40) NOT NULL,
	user_id VARCHAR(40) NOT NULL,
	role VARCHAR(16) NOT NULL,
	created_us BIGINT NOT NULL,
	PRIMARY KEY (merchant_id, user_id)
);
CREATE INDEX IF NOT EXISTS merchant_staff_user ON merchant_staff (user_id, created_us);

CREATE TABLE IF NOT EXISTS merchant_payment_requests (
	id VARCHAR(40) NOT NULL PRIMARY KEY,
	merchant_id VARCHAR(40) NOT NULL,
	mode VARCHAR(4) NOT NULL,
	amount BIGINT NOT NULL,
	currency VARCHAR(3) NOT NULL,
	description VARCHAR(800) NOT NULL,
	merchant_reference VARCHAR(256) NOT NULL,
	notification_url VARCHAR(2048) NOT NULL,
	status VARCHAR(16) NOT NULL,
	qr_payload VARCHAR(512) NOT NULL,
	-- payment_id is the succeeded payment, active_payment_id the payment
	-- in flight or succeeded, which keeps every other payer out.
	payment_id VARCHAR(40) NOT NULL DEFAULT '',
	active_payment_id VARCHAR(40) NOT NULL DEFAULT '',
	expires_us BIGINT NOT NULL,
	created_us BIGINT NOT NULL,
	idem_key VARCHAR(255),
	fingerprint VARCHAR(64) NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS merchant_payment_requests_list ON merchant_payment_requests (merchant_id, mode, id);
CREATE INDEX IF NOT EXISTS merchant_payment_requests_expiry ON merchant_payment_requests (status, expires_us);
CREATE UNIQUE INDEX IF NOT EXISTS merchant_payment_requests_key ON merchant_payment_requests (merchant_id, mode, idem_key);

CREATE TABLE IF NOT EXISTS merchant_payments (
	id VARCHAR(40) NOT NULL PRIMARY KEY,
	merchant_id VARCHAR(40) NOT NULL,
	mode VARCHAR(4) NOT NULL,
	payment_request_id VARCHAR(40) NOT NULL,
	amount BIGINT NOT NULL,
	currency VARCHAR(3) NOT NULL,
	fee BIGINT NOT NULL,
	status VARCHAR(16) NOT NULL,
	failure_code VARCHAR(64) NOT NULL DEFAULT '',
	refunded_amount BIGINT NOT NULL DEFAULT 0,
	customer VARCHAR(64) NOT NULL,
	payer_id VARCHAR(40) NOT NULL,
	payer_key VARCHAR(320),
	fingerprint VARCHAR(64) NOT NULL,
	created_us BIGINT NOT NULL,
	lease_token VARCHAR(40) NOT NULL DEFAULT '',
	lease_until_us BIGINT NOT NULL DEFAULT 0,
	tries INTEGER NOT NULL DEFAULT 0,
	parked VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS merchant_payments_list ON merchant_payments (merchant_id, mode, id);
CREATE INDEX IF NOT EXISTS merchant_payments_due ON merchant_payments (status, lease_until_us);
CREATE INDEX IF NOT EXISTS merchant_payments_parked ON merchant_payments (parked);
CREATE UNIQUE INDEX IF NOT EXISTS merchant_payments_key ON merchant_payments (payer_id, payer_key);

CREATE TABLE IF NOT EXISTS merchant_refunds (
	id VARCHAR(40) NOT NULL PRIMARY KEY,
	merchant_id VARCHAR(40) NOT NULL,
	mode VARCHAR(4) NOT NULL,
	payment_id VARCHAR(40) NOT NULL,
	amount BIGINT NOT NULL,
	currency VARCHAR(3) NOT NULL,
	reason VARCHAR(800) NOT NULL,
	status VARCHAR(16) NOT NULL,
	failure_code VARCHAR(64) NOT NULL DEFAULT '',
	created_us BIGINT NOT NULL,
	idem_key VARCHAR(255),
	fingerprint VARCHAR(64) NOT NULL DEFAULT '',
	lease_token VARCHAR(40) NOT NULL DEFAULT '',
	lease_until_us BIGINT NOT NULL DEFAULT 0,
	tries INTEGER NOT NULL DEFAULT 0,
	parked VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS merchant_refunds_list ON merchant_refunds (merchant_id, mode, id);
CREATE INDEX IF NOT EXISTS merchant_refunds_payment ON merchant_refunds (payment_id);
CREATE INDEX IF NOT EXISTS merchant_refunds_due ON merchant_refunds (status, lease_until_us);
CREATE INDEX IF NOT EXISTS merchant_refunds_parked ON merchant_refunds (parked);
CREATE UNIQUE INDEX IF NOT EXISTS merchant_refunds_key ON merchant_refunds (merchant_id, mode, idem_key);
