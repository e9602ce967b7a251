import { expect, it } from "vitest";
import { runInDurableObject } from "cloudflare:test";
import type { EnergyPool } from "../../src/objects/energy-pool";
import { PoolStore } from "../../src/objects/pool-store";
import { availableEnergy } from "../../src/domain/energy";
import type { QueueSizeResult } from "../report";
import { median, report, rolledBack, round, timeAsync, timeSync } from "./support";
import { addPool, HOLDER, insertWithdrawals, NEW_RECIPIENT_ENERGY, seedBenchWorld, storeOf, TRANSFER_ENERGY } from "./world";

// Items 1 and 2 of the bench: the pool's queue at 1k, 10k and 100k waiting entries, and the
// specification's algorithm on the same rows. Everything measured is the service's own code: the
// EnergyPool's RPCs and alarm, and its PoolStore (queue_blocks counts kept by triggers, the wait
// estimate reading the queue a page at a time up to queue_max_wait_hours).

const SIZES = [1_000, 10_000, 100_000];
/** The EnergyPool's MAX_STARTS_PER_TICK: one alarm tick starts at most this many entries. */
const K = 50;
/** Whole ticks measured per size, after one that warms up. */
const WHOLE_TICKS = 5;
/** Rounds of the object-local and lookup measurements, each over every size in turn. */
const ROUNDS = 5;
const SPEC_RUNS = 3;
const RPC_RUNS = 5;
const DAY_MS = 24 * 3_600_000;
/** About the size of a signed transfer as the object stores it. */
const SIGNED_STAND_IN = "0".repeat(1_000);
/** The specification's estimate_processing_time, at its cheapest: a fixed time per place. */
const SPEC_MS_PER_POSITION = 30_000;

type Stub = DurableObjectStub<EnergyPool>;

/** Ids of the `n`-entry bench's rows: the prefix, then the arrival number. */
const entryPrefix = (n: number) => `bq-${n}-`;

/**
 * `n` waiting entries as the object stores them: one in ten paid priority, one in three to a new
 * recipient (twice the energy), arrivals 10 ms apart ending now. The same rows go into the
 * specification's table (its model's columns, no index but the primary key) with their positions.
 */
function fill(storage: DurableObjectStorage, n: number, now: number): void {
  storage.transactionSync(() => {
    storage.sql.exec(
      `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?1)
       INSERT INTO queue (withdrawal_id, user_id, priority, seq, energy, to_address, amount, queued_at, state)
       SELECT ?6 || i, 'user-' || (i % 997), CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END, i,
              CASE WHEN i % 3 = 0 THEN ?2 ELSE ?3 END, ?4, 1000, ?5 - (?1 - i) * 10, 'waiting' FROM s`,
      n, NEW_RECIPIENT_ENERGY, TRANSFER_ENERGY, HOLDER, now, entryPrefix(n),
    );
    storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('queue_seq', ?)", String(n));
    storage.sql.exec(
      `CREATE TABLE spec_queue (
         id INTEGER PRIMARY KEY, withdrawal_id TEXT, user_id TEXT, queue_position INTEGER NOT NULL, priority_level INTEGER,
         estimated_energy_required INTEGER NOT NULL, status TEXT, queued_at INTEGER, estimated_process_time INTEGER, processed_at INTEGER)`,
    );
    storage.sql.exec(
      `INSERT INTO spec_queue (id, withdrawal_id, user_id, queue_position, priority_level, estimated_energy_required, status, queued_at)
       SELECT seq, withdrawal_id, user_id, row_number() OVER (ORDER BY priority DESC, seq), priority, energy, 'waiting', queued_at FROM queue`,
    );
  });
}

/**
 * The part of one alarm tick that runs on the object's own storage, store call for store call in
 * the order EnergyPool#runTick makes them, for a tick that starts `K` entries: everything but the
 * D1 writes, the node requests and the signing. Returns how many entries it started.
 */
function localTick(store: PoolStore, storage: DurableObjectStorage, now: number, limit: number): number {
  // #followTransfers, #followRentals, #restoreFromD1's bookkeeping, #expireQueue
  store.openTransfers();
  store.rentalsIn("ordering");
  store.rentalsIn("waiting");
  store.meta("restored_until");
  store.setMeta("restored_until", String(now));
  store.waitedSince(now - DAY_MS, K);
  // #startQueue: the head is taken in one synchronous step; then what #send stores for it
  let started = 0;
  for (; started < K; started++) {
    const head = storage.transactionSync(() => {
      const h = store.queueHead();
      if (!h || h.energy > availableEnergy({ limit, used: 0, reserved: store.reservedEnergy() })) return null;
      store.reserve(h.withdrawal_id, h.energy, "queue", now);
      store.setQueueState(h.withdrawal_id, "starting");
      return h;
    });
    if (!head) break;
    store.setMeta("last_tx_timestamp", String(Math.max(now, Number(store.meta("last_tx_timestamp") ?? 0) + 1)));
    storage.transactionSync(() => {
      store.insertTransfer({ withdrawalId: head.withdrawal_id, txId: `tx-${head.withdrawal_id}`, wallet: "hot", signed: SIGNED_STAND_IN, expiration: now + 60_000, startedAt: now }, now);
      store.dequeue(head.withdrawal_id);
      store.unpostpone(head.withdrawal_id);
    });
    store.recordAttempt(head.withdrawal_id, null, now);
    store.markBroadcast(head.withdrawal_id);
  }
  // #startPostponed, #reconcileReservations, the alert outbox
  store.duePostponed(now, K);
  store.orphanReservations(now - 120_000);
  store.claimDue(now);
  // #publish: status() and its sample, the alert level; then hasWork() decides the next alarm
  const reserved = store.reservedEnergy();
  storage.sql.exec("SELECT count(*) AS n FROM reservations").one();
  store.openTransferCount();
  const waiting = store.waitingCount();
  store.waitingByPriority();
  store.postponedCount();
  store.sample({ at: now, energy_limit: limit, energy_available: limit - reserved, energy_reserved: reserved, queue_length: waiting }, 30_000, 25 * 3_600_000);
  store.meta("alert_level");
  store.hasWork();
  return started;
}

/**
 * The specification's tick (queue_processor.py): get_processable_items reads every waiting row in
 * order and keeps the head that fits `budget`; process_queue_items marks each one processing, then
 * completed; update_queue_positions reads every waiting row again and writes each its new position
 * and estimate. The transfers themselves are left out, as they are from ours.
 */
function specTick(sql: SqlStorage, budget: number, now: number): number {
  type Row = { id: number; estimated_energy_required: number };
  const order = "SELECT * FROM spec_queue WHERE status = 'waiting' ORDER BY priority_level DESC, queued_at ASC";
  const selected: Row[] = [];
  let total = 0;
  for (const item of sql.exec<Row>(order).toArray()) {
    if (total + item.estimated_energy_required > budget) break;
    selected.push(item);
    total += item.estimated_energy_required;
  }
  for (const item of selected) {
    sql.exec("UPDATE spec_queue SET status = 'processing' WHERE id = ?", item.id);
    sql.exec("UPDATE spec_queue SET status = 'completed', processed_at = ? WHERE id = ?", now, item.id);
  }
  let position = 1;
  for (const item of sql.exec<Row>(order).toArray()) {
    sql.exec("UPDATE spec_queue SET queue_position = ?, estimated_process_time = ? WHERE id = ?", position, now + position * SPEC_MS_PER_POSITION, item.id);
    position++;
  }
  return selected.length;
}

/**
 * `run()` with every PoolStore's energiesAhead counting the energies taken from it: how far the
 * object's wait estimate (EnergyPool#startOf) reads the queue. Restored afterwards.
 */
async function countingQueueReads<T>(run: () => Promise<T>): Promise<{ value: T; read: number }> {
  const original = PoolStore.prototype.energiesAhead;
  let read = 0;
  PoolStore.prototype.energiesAhead = function* (this: PoolStore, e: Parameters<PoolStore["energiesAhead"]>[0]) {
    for (const energy of original.call(this, e)) {
      read++;
      yield energy;
    }
  };
  try {
    return { value: await run(), read };
  } finally {
    PoolStore.prototype.energiesAhead = original;
  }
}

/** One queue size's pool, filled, with what its measurements need. */
interface Setup {
  n: number;
  poolId: string;
  stub: Stub;
  now: number;
  limit: number;
  /** The energy of the first K entries: the specification's tick is given exactly enough for them. */
  budget: number;
  /** Withdrawals pending in D1, for the enqueue RPCs. */
  pending: string[];
  /** The last entry in line: the most rows ahead of it, the worst case of a position lookup. */
  last: string;
}

async function setUp(n: number): Promise<Setup> {
  const poolId = `bench-queue-${n}`;
  const stub: Stub = await addPool(poolId);
  const { chain_time: now, energy_limit: limit } = await stub.status(poolId);
  await runInDurableObject(stub, (_i, state) => fill(state.storage, n, now));
  // D1 rows for the entries the whole ticks start (a tick moves each one in D1).
  const heads = await runInDurableObject(stub, (_i, state) =>
    storeOf(state.storage).waiting(K * (WHOLE_TICKS + 1)).map((e) => ({ id: e.withdrawal_id, user_id: e.user_id, priority: e.priority, energy: e.energy })),
  );
  const pending = Array.from({ length: RPC_RUNS }, (_, j) => `bq-${n}-new-${j}`);
  await insertWithdrawals(poolId, [
    ...heads.map((h) => ({ ...h, status: "queued" as const })),
    ...pending.map((id) => ({ id, user_id: "user-new", priority: 0, energy: null, status: "pending" as const })),
  ]);
  return { n, poolId, stub, now, limit, budget: heads.slice(0, K).reduce((sum, h) => sum + h.energy, 0), pending, last: `${entryPrefix(n)}${n - 1}` };
}

/** `measure(setup)` for every size in turn, `rounds` times: a slowdown of the machine meanwhile touches every size alike. */
async function roundRobin<T>(setups: Setup[], rounds: number, measure: (s: Setup) => Promise<T>): Promise<T[][]> {
  const out: T[][] = setups.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, s] of setups.entries()) out[i].push(await measure(s));
  }
  return out;
}

/**
 * The object-local tick, and the position lookup inside the object: `positions()` called on the
 * EnergyPool instance itself (the store's position and the object's own bounded estimate, on its
 * cached pool row and chain snapshot), without the RPC round trip. One call first, so that the
 * snapshot is fresh and no node request falls in the timed runs.
 */
function localRound(s: Setup): Promise<{ tick: number; lookup: number }> {
  return runInDurableObject(s.stub, async (instance: EnergyPool, state) => {
    const store = storeOf(state.storage);
    const { storage } = state;
    const tick = timeSync(() => rolledBack(storage, () => localTick(store, storage, s.now, s.limit)), 150);
    await instance.positions(s.poolId, [s.last]);
    const lookup = await timeAsync(() => instance.positions(s.poolId, [s.last]), 100);
    return { tick, lookup };
  });
}

/** One-off object-local figures: the specification's tick, the lookup's parts, store-level enqueue and cancel. */
function localDetails(s: Setup) {
  return runInDurableObject(s.stub, async (instance: EnergyPool, state) => {
    const store = storeOf(state.storage);
    const { storage } = state;
    const started = rolledBack(storage, () => localTick(store, storage, s.now, s.limit));
    if (started !== K) throw new Error(`the local tick started ${started} entries, not ${K}`);
    const specTicks: number[] = [];
    for (let r = 0; r < SPEC_RUNS; r++) {
      const [ms, selected] = rolledBack(storage, () => {
        const t0 = performance.now();
        const n = specTick(storage.sql, s.budget, s.now);
        return [performance.now() - t0, n];
      });
      if (selected !== K) throw new Error(`the specification's tick selected ${selected} entries, not ${K}`);
      specTicks.push(ms);
    }
    // The lookup's parts: the store's position(), and how far the object's estimate reads the
    // queue (energiesAhead, stopped by #startOf once the starts pass queue_max_wait_hours).
    const last = store.queueEntry(s.last)!;
    const { value: view, read } = await countingQueueReads(() => instance.positions(s.poolId, [s.last]));
    const place = view.positions[0];
    if (place?.position !== s.n) throw new Error(`the last of ${s.n} entries is at position ${place?.position}`);
    if (read === 0) throw new Error("positions() read no energies ahead: the counting did not reach the object's store");
    const count = timeSync(() => store.position(last));
    const energies = timeSync(() => {
      let taken = 0;
      for (const _ of store.energiesAhead(last)) if (++taken >= read) break;
    });
    const specLookup = timeSync(() => storage.sql.exec("SELECT * FROM spec_queue WHERE user_id = ? AND status = 'waiting'", last.user_id).toArray());
    // Store-level enqueue and cancel, 200 at a time so that the queue barely grows while timed.
    const enqueueBatch = () =>
      rolledBack(storage, () => {
        for (let j = 0; j < 200; j++) {
          store.enqueue({ withdrawal_id: `bq-local-${j}`, user_id: "user-new", priority: 0, energy: TRANSFER_ENERGY, to_address: HOLDER, amount: 1000, queued_at: s.now });
        }
      });
    let batch = 0;
    const cancelBatch = () =>
      rolledBack(storage, () => {
        // EnergyPool#cancelNow's synchronous step, for entries spread over the whole queue.
        batch++;
        for (let j = 0; j < 200; j++) {
          const id = `${entryPrefix(s.n)}${1 + ((j * 7919 + batch * 104729) % s.n)}`;
          storage.transactionSync(() => {
            const q = store.queueEntry(id);
            const p = store.postponedEntry(id);
            if (q?.state === "starting" || p?.state === "starting" || store.reservation(id)) return;
            store.dequeue(id);
            store.unpostpone(id);
          });
        }
      });
    const enqueue = timeSync(enqueueBatch, 200) / 200;
    const cancel = timeSync(cancelBatch, 200) / 200;

    return { specTick: median(specTicks), count, energies, read, beyond: place.estimated_start === null, specLookup, enqueue, cancel };
  });
}

/**
 * One whole alarm tick: D1 moves, transfers built by the node, signed, stored, broadcast. Then the
 * transfers and reservations it made are dropped, so that every tick does the same work: start
 * the next K entries.
 */
async function wholeTick(s: Setup): Promise<number> {
  const t0 = performance.now();
  await runInDurableObject(s.stub, (instance: EnergyPool) => instance.alarm());
  const ms = performance.now() - t0;
  const started = await runInDurableObject(s.stub, async (_i, state) => {
    const count = state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM transfers WHERE state = 'broadcast'").one().n;
    state.storage.sql.exec("DELETE FROM transfers");
    state.storage.sql.exec("DELETE FROM reservations");
    await state.storage.deleteAlarm();
    return count;
  });
  expect(started, `a tick at ${s.n} entries`).toBe(K);
  return ms;
}

/** Through the object's RPC, as the Worker calls them (wall time seen by the caller). */
async function rpcEnqueueCancel(s: Setup): Promise<{ enqueue: number; cancel: number }> {
  const enqueue: number[] = [];
  const cancel: number[] = [];
  for (const id of s.pending) {
    let t0 = performance.now();
    const queued = await s.stub.enqueue({ poolId: s.poolId, withdrawalId: id, toAddress: HOLDER, amount: 1000, energy: TRANSFER_ENERGY, userId: "user-new", priority: 0, feeSun: 0 });
    enqueue.push(performance.now() - t0);
    if (!queued.ok) throw new Error(`enqueue refused: ${queued.code}`);
    t0 = performance.now();
    const cancelled = await s.stub.cancel(s.poolId, id);
    cancel.push(performance.now() - t0);
    if (!cancelled.ok) throw new Error(`cancel refused: ${cancelled.code}`);
  }
  await runInDurableObject(s.stub, (_i, state) => state.storage.deleteAlarm());
  return { enqueue: median(enqueue), cancel: median(cancel) };
}

it("queue: enqueue, position lookup, cancel and ticks at 1k, 10k and 100k entries, against the specification's algorithm", async () => {
  await seedBenchWorld();
  const setups: Setup[] = [];
  for (const n of SIZES) setups.push(await setUp(n));

  const details = (await roundRobin(setups, 1, localDetails)).map(([d]) => d);
  const local = await roundRobin(setups, ROUNDS, localRound);
  const lookupRpc = await roundRobin(setups, ROUNDS, (s) => timeAsync(() => s.stub.positions(s.poolId, [s.last]), 100, 2));
  // check-options asks the pool for a quote: the wait at the back of each priority class.
  const quoteRpc = await roundRobin(setups, ROUNDS, (s) => timeAsync(() => s.stub.quote(s.poolId, TRANSFER_ENERGY), 100, 2));
  const rpc = (await roundRobin(setups, 1, rpcEnqueueCancel)).map(([r]) => r);
  // The first tick of each pool warms up (tronweb's first import, the node's first blocks).
  await roundRobin(setups, 1, wholeTick);
  const whole = await roundRobin(setups, WHOLE_TICKS, wholeTick);

  const sizes: QueueSizeResult[] = setups.map((s, i) => ({
    size: s.n,
    tick_whole_ms: round(median(whole[i])),
    tick_whole_runs_ms: whole[i].map((m) => round(m)),
    tick_local_ms: round(median(local[i].map((c) => c.tick)), 4),
    spec_tick_local_ms: round(details[i].specTick),
    lookup_rpc_ms: round(median(lookupRpc[i])),
    quote_rpc_ms: round(median(quoteRpc[i])),
    lookup_local_ms: round(median(local[i].map((c) => c.lookup)), 4),
    lookup_position_ms: round(details[i].count, 4),
    lookup_energies_read: details[i].read,
    lookup_energies_read_ms: round(details[i].energies, 4),
    lookup_estimate_beyond_max_wait: details[i].beyond,
    spec_lookup_ms: round(details[i].specLookup, 4),
    enqueue_rpc_ms: round(rpc[i].enqueue),
    enqueue_store_ms: round(details[i].enqueue, 4),
    cancel_rpc_ms: round(rpc[i].cancel),
    cancel_store_ms: round(details[i].cancel, 4),
  }));
  await report("queue", { k: K, sizes });
});
