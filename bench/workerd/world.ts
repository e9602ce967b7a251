import { env } from "cloudflare:workers";
import { FEE_WALLET, HOLDER, HOT_WALLET, RENTAL_WALLET, seedWorld } from "../../test/helpers";
import { PoolStore } from "../../src/objects/pool-store";

// The chain and the pools the Durable Object benches run against.

/**
 * Enough stake for every tick of every bench (about 100M energy, 10 per TRX): the queue's head
 * always fits, so each measured tick starts exactly its 50 entries.
 */
export const BENCH_STAKE_TRX = 10_000_000;
export const TRANSFER_ENERGY = 64_376;
export const NEW_RECIPIENT_ENERGY = 130_376;
export { HOLDER };

export async function seedBenchWorld(): Promise<void> {
  await seedWorld({ stakeTrx: BENCH_STAKE_TRX });
}

/** A pool of its own for one bench, on the demo hot wallet; inactive, so no cron wakes it. */
export async function addPool(poolId: string): Promise<DurableObjectStub<import("../../src/objects/energy-pool").EnergyPool>> {
  await env.DB.prepare(
    "INSERT OR IGNORE INTO pools (id, name, hot_wallet_address, fee_wallet_address, rental_wallet_address, active, fallback_config, created_at) VALUES (?, ?, ?, ?, ?, 0, '{}', ?)",
  )
    .bind(poolId, `Bench ${poolId}`, HOT_WALLET, FEE_WALLET, RENTAL_WALLET, Date.now())
    .run();
  const stub = env.ENERGY_POOL.getByName(poolId);
  // The first call binds the object to its pool and creates its storage.
  await stub.status(poolId);
  return stub;
}

/** Withdrawal rows in D1 for entries the benches put straight into a pool's storage. */
export async function insertWithdrawals(poolId: string, rows: Array<{ id: string; user_id: string; priority: number; energy: number | null; status: "pending" | "queued" }>): Promise<void> {
  const now = Date.now();
  for (let i = 0; i < rows.length; i += 100) {
    await env.DB.batch(
      rows.slice(i, i + 100).map((w) =>
        env.DB.prepare(
          `INSERT INTO withdrawals (id, user_id, pool_id, to_address, amount, status, method, priority, energy_required, fee_sun, idempotency_key, created_at, updated_at)
           VALUES (?, ?, ?, ?, 1000, ?, ?, ?, ?, 0, ?, ?, ?)`,
        ).bind(w.id, w.user_id, poolId, HOLDER, w.status, w.status === "queued" ? "queue_wait" : null, w.priority, w.energy, `bench-${w.id}`, now, now),
      ),
    );
  }
}

// A PoolStore per object's storage, made once: its constructor checks the schema version, which
// the object itself does only when it starts.
const stores = new WeakMap<SqlStorage, PoolStore>();
export function storeOf(storage: DurableObjectStorage): PoolStore {
  let store = stores.get(storage.sql);
  if (!store) stores.set(storage.sql, (store = new PoolStore(storage.sql)));
  return store;
}
