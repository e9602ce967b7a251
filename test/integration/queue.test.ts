import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createScheduledController, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import worker from "../../src/worker";
import {
  advance, balances, call, choose, createWithdrawal, credit, devnet, exhaustPool, freshAddress, HOT_WALLET, newKey, notifications, pool, POOL_ID, seedWorld, startedTransfers, tokenFor, withdrawal,
} from "../helpers";

const myPosition = async (user: string) => (await call("/api/v1/withdrawals/queue/my-position", { token: await tokenFor(user) })).body;
const cancel = async (user: string, id: string) => call(`/api/v1/withdrawals/${id}/cancel`, { method: "POST", token: await tokenFor(user), idempotencyKey: newKey() });
const queueRows = () => runInDurableObject(pool(), (_i, state) => state.storage.sql.exec("SELECT withdrawal_id, state FROM queue").toArray());

/** Each test starts from an empty queue and a pool without a transfer's worth of free energy. */
async function shortPool() {
  for (const w of (await env.DB.prepare("SELECT id, user_id FROM withdrawals WHERE status IN ('pending','queued','postponed')").all<{ id: string; user_id: string }>()).results) {
    await cancel(w.user_id, w.id);
  }
  await exhaustPool("alice");
}

beforeAll(async () => {
  await seedWorld();
  await credit("alice", "USDT", "1000");
  await credit("alice", "TRX", "100");
  await credit("bob", "USDT", "1000");
  await credit("bob", "TRX", "100");
});

beforeEach(shortPool);

describe("queue", () => {
  it("orders by priority, then arrival, and tells each user their place and estimated time", async () => {
    const a = await createWithdrawal("alice");
    const b = await createWithdrawal("bob");
    const c = await createWithdrawal("bob");
    expect((await choose("alice", a.id, { method: "queue_wait" })).body.result.queue.position).toBe(1);
    expect((await choose("bob", b.id, { method: "queue_wait" })).body.result.queue.position).toBe(2);
    const paid = await choose("bob", c.id, { method: "queue_wait", priority: 1 });
    expect(paid.status).toBe(200);
    expect(paid.body.result.withdrawal).toMatchObject({ status: "queued", priority: 1, fee_trx: "5" });
    expect(paid.body.result.queue.position).toBe(1);

    const bobs = await myPosition("bob");
    expect(bobs.in_queue).toBe(true);
    const byId = Object.fromEntries(bobs.entries.map((e: any) => [e.withdrawal_id, e]));
    expect(byId[c.id]).toMatchObject({ position: 1, priority: 1 });
    expect(byId[b.id]).toMatchObject({ position: 3, priority: 0 });
    expect(Date.parse(byId[b.id].estimated_time)).toBeGreaterThan(Date.parse(byId[c.id].estimated_time));
    expect((await myPosition("alice")).entries).toEqual([expect.objectContaining({ withdrawal_id: a.id, position: 2 })]);
    expect((await balances("bob")).held.TRX).toBe("5");
    expect((await notifications("bob")).filter((n) => n.kind === "queued").map((n) => n.withdrawal_id).sort()).toEqual([b.id, c.id].sort());

    // An admin marks alice's withdrawal urgent: it goes to the front, at no fee.
    const admin = await tokenFor("ops", "admin");
    const urgent = await call(`/api/v1/admin/withdrawals/${a.id}/priority`, { token: admin, body: { priority: 2 } });
    expect(urgent.body).toMatchObject({ withdrawal_id: a.id, priority: 2, position: 1 });
    const listed = await call("/api/v1/admin/queue", { token: admin });
    expect(listed.body.entries.map((e: any) => e.withdrawal_id)).toEqual([a.id, c.id, b.id]);
    // A user cannot ask for urgent themselves.
    expect((await choose("bob", (await createWithdrawal("bob")).id, { method: "queue_wait", priority: 2 })).status).toBe(400);
  });

  it("is strict: a head that does not fit blocks smaller entries behind it", async () => {
    const big = await createWithdrawal("alice", await freshAddress());
    const small = await createWithdrawal("alice");
    expect((await choose("alice", big.id, { method: "queue_wait" })).status).toBe(200);
    expect((await choose("alice", small.id, { method: "queue_wait" })).status).toBe(200);
    let sawGap = false;
    for (let i = 0; i < 40 && (await withdrawal("alice", big.id)).status === "queued"; i++) {
      const s = await pool().status(POOL_ID);
      if (s.energy_available >= 64_376) {
        sawGap = true;
        expect((await withdrawal("alice", small.id)).status).toBe("queued");
      }
      await advance(600);
    }
    expect(sawGap).toBe(true);
    for (let i = 0; i < 40 && (await withdrawal("alice", small.id)).status === "queued"; i++) await advance(600);
    const order = (await startedTransfers()).map((t) => t.withdrawal_id);
    expect(order.indexOf(big.id)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(small.id)).toBeGreaterThan(order.indexOf(big.id));
  });

  it("cancel while queued refunds the amount and the priority fee, once", async () => {
    const before = await balances("bob");
    const w = await createWithdrawal("bob");
    expect((await choose("bob", w.id, { method: "queue_wait", priority: 1 })).status).toBe(200);
    expect((await balances("bob")).held).toEqual({ TRX: "5", USDT: "1" });
    const res = await cancel("bob", w.id);
    expect(res.status).toBe(200);
    expect(res.body.result.withdrawal.status).toBe("cancelled");
    expect(await balances("bob")).toEqual(before);
    expect((await cancel("bob", w.id)).status).toBe(409);
    expect(await balances("bob")).toEqual(before);
    expect((await myPosition("bob")).in_queue).toBe(false);
    expect((await queueRows()).map((r: any) => r.withdrawal_id)).not.toContain(w.id);
  });

  it("entries that waited past queue_max_wait_hours return to pending with the fee refunded", async () => {
    const before = await balances("bob");
    const w = await createWithdrawal("bob", await freshAddress());
    expect((await choose("bob", w.id, { method: "queue_wait", priority: 1 })).status).toBe(200);
    const admin = await tokenFor("ops", "admin");
    const cfg = (await call("/api/v1/admin/config", { token: admin })).body.config;
    const saved = await call("/api/v1/admin/config", { method: "PUT", token: admin, body: { ...cfg, queue_max_wait_hours: 1 } });
    expect(saved.status).toBe(200);
    await advance(30 * 60);
    expect((await withdrawal("bob", w.id)).status).toBe("queued");
    await advance(31 * 60);
    const back = await withdrawal("bob", w.id);
    expect(back).toMatchObject({ status: "pending", priority: 0, fee_trx: "0" });
    const after = await balances("bob");
    expect(after.balances.TRX).toBe(before.balances.TRX);
    expect(after.held).toEqual({ TRX: "0", USDT: "1" });
    expect((await notifications("bob")).some((n) => n.withdrawal_id === w.id && n.kind === "queue_expired")).toBe(true);
    await call("/api/v1/admin/config", { method: "PUT", token: admin, body: cfg });
  });

  it("restores a withdrawal queued in D1 but missing from the pool (a crash between the writes)", async () => {
    const w = await createWithdrawal("alice");
    const queued = await choose("alice", w.id, { method: "queue_wait" });
    expect(queued.body).toMatchObject({ success: true });
    await runInDurableObject(pool(), (_i, state) => {
      state.storage.sql.exec("DELETE FROM queue WHERE withdrawal_id = ?", w.id);
      state.storage.sql.exec("DELETE FROM meta WHERE key = 'restored_until'");
    });
    await runInDurableObject(pool(), (_i, state) => state.storage.deleteAlarm());
    expect((await myPosition("alice")).in_queue).toBe(false);
    // No alarm is set: the cron wakes the pool, which finds the entry in D1.
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    expect((await myPosition("alice")).entries).toEqual([expect.objectContaining({ withdrawal_id: w.id, position: 1 })]);
    expect(await runInDurableObject(pool(), (_i, state) => state.storage.getAlarm())).not.toBeNull();
  });
});

describe("alarm safety", () => {
  async function queueReady(n: number) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const w = await createWithdrawal("alice");
      expect((await choose("alice", w.id, { method: "queue_wait" })).status).toBe(200);
      ids.push(w.id);
    }
    // Enough chain time for the recovered energy to cover them.
    await devnet("/devnet/time/advance", { seconds: 4 * 3600 });
    return ids;
  }

  it("running the alarm twice at the same instant sends nothing twice", async () => {
    const ids = await queueReady(2);
    const sentBefore = (await startedTransfers()).length;
    await runInDurableObject(pool(), (instance) => Promise.all([instance.alarm(), instance.alarm()]));
    await runDurableObjectAlarm(pool());
    const started = (await startedTransfers()).slice(sentBefore);
    expect(started.map((t) => t.withdrawal_id).sort()).toEqual([...ids].sort());
    await advance(90);
    for (const id of ids) expect((await withdrawal("alice", id)).status).toBe("completed");
    const onChain = (await devnet(`/devnet/transactions?address=${HOT_WALLET}`)).transactions;
    for (const t of started) expect(onChain.filter((x: any) => x.txid === t.tx_id)).toHaveLength(1);
  });

  it("evicting the pool mid-send loses nothing and sends nothing twice", async () => {
    const [id] = await queueReady(1);
    // The node takes the transaction but its reply never arrives; the pool is evicted meanwhile.
    await devnet("/devnet/faults", { kind: "accept_then_timeout", ms: 2_000, count: 1 });
    const running = runInDurableObject(pool(), (instance) => instance.alarm()).catch((e: unknown) => e);
    for (let i = 0; i < 100 && (await withdrawal("alice", id)).tx_id === null; i++) await new Promise((r) => setTimeout(r, 20));
    const txId = (await withdrawal("alice", id)).tx_id;
    expect(txId).toMatch(/^[0-9a-f]{64}$/);
    await evictDurableObject(pool());
    await running;
    await fetch(`${env.DEVNET_URL}/devnet/faults`, { method: "DELETE" });
    await advance(90);
    await advance(90);
    const done = await withdrawal("alice", id);
    expect(done).toMatchObject({ status: "completed", tx_id: txId });
    const mine = (await startedTransfers()).filter((t) => t.withdrawal_id === id);
    expect(mine).toHaveLength(1);
    const onChain = (await devnet(`/devnet/transactions?address=${HOT_WALLET}`)).transactions.filter((t: any) => t.txid === txId);
    expect(onChain).toHaveLength(1);
  });
});
