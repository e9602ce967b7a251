// The EnergyPool's own SQLite schema. PRAGMA user_version is not available in Durable Objects, so
// the applied version lives in a table; each step runs once, in order, inside the constructor
// (synchronous SQL, so no request can see a half-migrated store).

const STEPS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   -- A reservation is the pool's promise of energy to one withdrawal from the moment it is chosen
   -- until the chain counts the transfer. energy 0: a TRX-paid transfer from the fee wallet, tracked
   -- here only so that an interrupted start is found and undone.
   CREATE TABLE reservations (
     withdrawal_id TEXT PRIMARY KEY,
     energy INTEGER NOT NULL CHECK (energy >= 0),
     origin TEXT NOT NULL CHECK (origin IN ('direct','queue','postponed')),
     created_at INTEGER NOT NULL
   );
   CREATE TABLE transfers (
     withdrawal_id TEXT PRIMARY KEY,
     tx_id TEXT NOT NULL UNIQUE,
     wallet TEXT NOT NULL CHECK (wallet IN ('hot','fee')),
     signed_tx TEXT NOT NULL,
     expiration INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('signed','broadcast','confirmed','failed')),
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     started_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX transfers_open ON transfers (state) WHERE state IN ('signed','broadcast');
   -- Positions are computed on read from (priority, seq): taking the head or cancelling an entry
   -- touches one row, never the rows behind it.
   CREATE TABLE queue (
     withdrawal_id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     priority INTEGER NOT NULL CHECK (priority IN (0,1,2)),
     seq INTEGER NOT NULL UNIQUE,
     energy INTEGER NOT NULL CHECK (energy > 0),
     to_address TEXT NOT NULL,
     amount INTEGER NOT NULL,
     queued_at INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('waiting','starting'))
   );
   CREATE INDEX queue_order ON queue (priority DESC, seq) WHERE state = 'waiting';
   CREATE INDEX queue_age ON queue (queued_at) WHERE state = 'waiting';
   CREATE TABLE postponed (
     withdrawal_id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     energy INTEGER NOT NULL CHECK (energy > 0),
     to_address TEXT NOT NULL,
     amount INTEGER NOT NULL,
     due_at INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('waiting','starting'))
   );
   CREATE INDEX postponed_due ON postponed (due_at) WHERE state = 'waiting';`,
  `CREATE INDEX queue_user ON queue (user_id) WHERE state = 'waiting';
   -- Alert webhooks still to deliver; retried with backoff by the alarm (times are pool time).
   CREATE TABLE outbox (
     delivery_id TEXT PRIMARY KEY,
     alert_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     url TEXT NOT NULL,
     secret TEXT,
     payload TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_at INTEGER NOT NULL
   );`,
  `-- The pool's numbers over time (pool time), for the operators' chart; pruned after 25 hours.
   CREATE TABLE samples (
     at INTEGER PRIMARY KEY,
     energy_limit INTEGER NOT NULL,
     energy_available INTEGER NOT NULL,
     energy_reserved INTEGER NOT NULL,
     queue_length INTEGER NOT NULL
   );`,
  `-- Transfers may now also go out from the rental wallet (energy rented from a provider).
   CREATE TABLE transfers_v2 (
     withdrawal_id TEXT PRIMARY KEY,
     tx_id TEXT NOT NULL UNIQUE,
     wallet TEXT NOT NULL CHECK (wallet IN ('hot','fee','rental')),
     signed_tx TEXT NOT NULL,
     expiration INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('signed','broadcast','confirmed','failed')),
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     started_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   INSERT INTO transfers_v2 SELECT withdrawal_id, tx_id, wallet, signed_tx, expiration, state, attempts, last_error, started_at, created_at, updated_at FROM transfers;
   DROP TABLE transfers;
   ALTER TABLE transfers_v2 RENAME TO transfers;
   CREATE INDEX transfers_open ON transfers (state) WHERE state IN ('signed','broadcast');
   -- A withdrawal waiting on rented energy: the provider being tried and those left to fail over to.
   CREATE TABLE rentals (
     withdrawal_id TEXT PRIMARY KEY,
     purchase_order_id TEXT,
     provider TEXT,
     provider_order_id TEXT,
     current TEXT,
     energy INTEGER NOT NULL CHECK (energy > 0),
     to_address TEXT NOT NULL,
     amount INTEGER NOT NULL,
     charge_cap_sun INTEGER NOT NULL,
     charged_sun INTEGER,
     candidates TEXT NOT NULL,
     attempt INTEGER NOT NULL DEFAULT 0,
     state TEXT NOT NULL CHECK (state IN ('ordering','waiting','sending')),
     deadline INTEGER NOT NULL,
     ordered_at INTEGER
   );`,
  `-- Waiting entries counted per priority and per block of 1,024 arrivals, kept by triggers: a
   -- position is the blocks ahead plus at most one block's rows, not a count over everything ahead.
   CREATE TABLE queue_blocks (priority INTEGER NOT NULL, block INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (priority, block));
   INSERT INTO queue_blocks SELECT priority, seq >> 10, count(*) FROM queue WHERE state = 'waiting' GROUP BY 1, 2;
   CREATE TRIGGER queue_blocks_insert AFTER INSERT ON queue WHEN NEW.state = 'waiting' BEGIN
     INSERT INTO queue_blocks VALUES (NEW.priority, NEW.seq >> 10, 1) ON CONFLICT DO UPDATE SET n = n + 1;
   END;
   CREATE TRIGGER queue_blocks_delete AFTER DELETE ON queue WHEN OLD.state = 'waiting' BEGIN
     UPDATE queue_blocks SET n = n - 1 WHERE priority = OLD.priority AND block = OLD.seq >> 10;
     DELETE FROM queue_blocks WHERE priority = OLD.priority AND block = OLD.seq >> 10 AND n = 0;
   END;
   CREATE TRIGGER queue_blocks_update AFTER UPDATE OF state, priority ON queue BEGIN
     UPDATE queue_blocks SET n = n - 1 WHERE OLD.state = 'waiting' AND priority = OLD.priority AND block = OLD.seq >> 10;
     DELETE FROM queue_blocks WHERE priority = OLD.priority AND block = OLD.seq >> 10 AND n = 0;
     INSERT INTO queue_blocks SELECT NEW.priority, NEW.seq >> 10, 1 WHERE NEW.state = 'waiting' ON CONFLICT DO UPDATE SET n = n + 1;
   END;`,
];

export function migratePoolStorage(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
  let version = row?.version ?? 0;
  if (!row) sql.exec("INSERT INTO schema_version (version) VALUES (0)");
  while (version < STEPS.length) {
    sql.exec(STEPS[version]);
    version++;
    sql.exec("UPDATE schema_version SET version = ?", version);
  }
}
