-- Demo data for `npm run dev`. Safe to re-run: every row has a fixed key and is inserted only once,
-- and balances come from ledger entries (the ledger trigger applies them), never from direct writes.
INSERT OR IGNORE INTO pools (id, name, hot_wallet_address, active, fallback_config, created_at)
  VALUES ('pool-main', 'Main hot wallet', 'TUVuiKMpkatA6dhkv4z7ZuVEfdcpMApx9b', 1, '{}', 1767225600000);
UPDATE pools SET fee_wallet_address = 'TCLBgkbfVkJroVBJVqBEsxtPNQEQMTQCLQ' WHERE id = 'pool-main' AND fee_wallet_address IS NULL;
UPDATE pools SET rental_wallet_address = 'TWa5cxQFesyCQUm17usvHrVkKce6rMCV4H' WHERE id = 'pool-main' AND rental_wallet_address IS NULL;
-- The four provider emulators of the devnet, configured but off (the spec's default): an operator
-- turns external energy on in the dashboard or with PUT /api/v1/admin/config.
UPDATE pools SET fallback_config = '{"user_money_requests_per_minute":120,"user_ws_tickets_per_minute":30,"external_pool_providers":[{"name":"tronsave","base_url":"http://127.0.0.1:8790/providers/tronsave","markup":1.1},{"name":"feee","base_url":"http://127.0.0.1:8790/providers/feee","markup":1.1},{"name":"itrx","base_url":"http://127.0.0.1:8790/providers/itrx","markup":1.1},{"name":"tronzap","base_url":"http://127.0.0.1:8790/providers/tronzap","markup":1.1}]}'
  WHERE id = 'pool-main' AND fallback_config = '{}';

INSERT OR IGNORE INTO users (id, display_name, role, created_at) VALUES
  ('ops', 'Operator', 'admin', 1767225600000),
  ('alice', 'Alice', 'user', 1767225600000),
  ('bob', 'Bob', 'user', 1767225600000);

INSERT OR IGNORE INTO ledger_entries (user_id, asset, bucket, delta, reason, reference, created_at) VALUES
  ('alice', 'USDT', 'available', 5000000000, 'deposit', 'seed:alice:usdt', 1767225600000),
  ('alice', 'TRX', 'available', 500000000, 'deposit', 'seed:alice:trx', 1767225600000),
  ('bob', 'USDT', 'available', 2500000000, 'deposit', 'seed:bob:usdt', 1767225600000),
  ('bob', 'TRX', 'available', 50000000, 'deposit', 'seed:bob:trx', 1767225600000);
