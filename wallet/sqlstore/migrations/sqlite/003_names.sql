CREATE INDEX IF NOT EXISTS wallet_transfers_payers ON wallet_transfers (recipient_id, sender_id, status);
