// The EnergyPool's own SQLite schema. PRAGMA user_version is not available in Durable Objects, so
// the applied version lives in a table; each step runs once, in order, inside the constructor
// (synchronous SQL, so no request can see a half-migrated store).

const STEPS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE reservations (
     withdrawal_id TEXT PRIMARY KEY,
     energy INTEGER NOT NULL CHECK (energy > 0),
     created_at INTEGER NOT NULL
   );
   CREATE TABLE transfers (
     withdrawal_id TEXT PRIMARY KEY,
     tx_id TEXT NOT NULL UNIQUE,
     signed_tx TEXT NOT NULL,
     expiration INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('signed','broadcast','confirmed','failed')),
     attempts INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX transfers_open ON transfers (state) WHERE state IN ('signed','broadcast');`,
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
