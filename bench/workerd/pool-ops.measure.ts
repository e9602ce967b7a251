import { beforeAll, it } from "vitest";
import { runInDurableObject } from "cloudflare:test";
import type { PoolStore } from "../../src/objects/pool-store";
import { availableEnergy } from "../../src/domain/energy";
import { report, round, timeSync } from "./support";
import { addPool, HOLDER, insertWithdrawals, seedBenchWorld, storeOf, TRANSFER_ENERGY } from "./world";

// Item 5: how many reserve-and-release operations one pool completes per second, against
// Cloudflare's soft limit of about 1,000 requests/s per Durable Object.
//
// The EnergyPool has no RPC that only reserves and releases (its reservations are taken inside
// processStandard and friends, which also move D1 and send a transfer). Measured meanwhile:
// - the object's own reserve-and-release step (SQL only);
// - that step as one request into the object each (runInDurableObject: a request through the
//   object's namespace and input gate, like an RPC call): the figure reported as pool_ops_per_sec;
// - the existing RPC round trip status(), the cheapest call the Worker makes;
// - the existing RPC pair enqueue + cancel, which take and give back a place in the queue with
//   their D1 transitions.

const POOL_ID = "bench-ops";
const CONCURRENCY = [1, 8, 32];
const RUN_MS = 2_000;
const PAIR_RUN_MS = 3_000;
const ENERGY_LIMIT = 100_000_000;

/**
 * EnergyPool#processStandardNow's claim (one synchronous step: already reserved? does it fit, with
 * nobody queued? reserve), then #settle's release of the same withdrawal.
 */
function reserveAndRelease(store: PoolStore, storage: DurableObjectStorage, withdrawalId: string, now: number): void {
  const taken = storage.transactionSync(() => {
    if (store.reservation(withdrawalId)) return true;
    const free = availableEnergy({ limit: ENERGY_LIMIT, used: 0, reserved: store.reservedEnergy() });
    if (store.waitingCount() > 0 || TRANSFER_ENERGY > free) return false;
    store.reserve(withdrawalId, TRANSFER_ENERGY, "direct", now);
    return true;
  });
  if (!taken) throw new Error("the pool refused a reservation it had room for");
  storage.transactionSync(() => {
    store.release(withdrawalId);
    store.dropRental(withdrawalId);
    store.dequeue(withdrawalId);
    store.unpostpone(withdrawalId);
    if (store.transfer(withdrawalId)) store.finishTransfer(withdrawalId, "confirmed", now);
  });
}

/** Operations per second with `concurrency` callers looping on `op` for `ms`. */
async function throughput(concurrency: number, ms: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  let done = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await op(next++);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

beforeAll(async () => {
  await seedBenchWorld();
});

it("pool: reserve-and-release operations per second", async () => {
  const stub = await addPool(POOL_ID);

  const local = await runInDurableObject(stub, (_i, state) => {
    const store = storeOf(state.storage);
    let i = 0;
    return 1000 / timeSync(() => reserveAndRelease(store, state.storage, `local-${i++}`, Date.now()), 500);
  });

  const viaRequests: Record<string, number> = {};
  for (const c of CONCURRENCY) {
    viaRequests[c] = await throughput(c, RUN_MS, (i) => runInDurableObject(stub, (_x, state) => reserveAndRelease(storeOf(state.storage), state.storage, `req-${c}-${i}`, Date.now())));
  }

  const statusRpc: Record<string, number> = {};
  for (const c of CONCURRENCY) statusRpc[c] = await throughput(c, RUN_MS, () => stub.status(POOL_ID));

  // Enough pending withdrawals for the pairs: each is queued, then cancelled, once.
  const pending = Array.from({ length: 4_000 }, (_, j) => ({ id: `ops-${j}`, user_id: `ops-user-${j % 50}`, priority: 0, energy: null, status: "pending" as const }));
  await insertWithdrawals(POOL_ID, pending);
  const pairConcurrency = 8;
  const pairs = await throughput(pairConcurrency, PAIR_RUN_MS, async (i) => {
    const w = pending[i];
    if (!w) throw new Error("ran out of pending withdrawals: raise their number");
    const queued = await stub.enqueue({ poolId: POOL_ID, withdrawalId: w.id, toAddress: HOLDER, amount: 1000, energy: TRANSFER_ENERGY, userId: w.user_id, priority: 0, feeSun: 0 });
    if (!queued.ok) throw new Error(`enqueue refused: ${queued.code}`);
    const cancelled = await stub.cancel(POOL_ID, w.id);
    if (!cancelled.ok) throw new Error(`cancel refused: ${cancelled.code}`);
  });
  await runInDurableObject(stub, (_i, state) => state.storage.deleteAlarm());

  const best = (r: Record<string, number>) => Math.max(...Object.values(r));
  const roundAll = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round(v, 0)]));
  await report("pool", {
    concurrency: CONCURRENCY,
    local_reserve_release_per_sec: round(local, 0),
    reserve_release_requests_per_sec: roundAll(viaRequests),
    pool_ops_per_sec: round(best(viaRequests), 0),
    status_rpc_per_sec: roundAll(statusRpc),
    enqueue_cancel_rpc_pairs_per_sec: round(pairs, 0),
    enqueue_cancel_concurrency: pairConcurrency,
  });
});
