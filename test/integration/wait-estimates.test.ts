import { beforeAll, expect, it } from "vitest";
import { runDurableObjectAlarm } from "cloudflare:test";
import { choose, createWithdrawal, credit, devnet, exhaustPool, freshAddress, pool, POOL_ID, seedWorld, startedTransfers } from "../helpers";

// Wait estimates come from TRON's recovery model; this compares them with what the pool's alarm
// actually does on the devnet, advancing chain time in small steps.
const STEP_SECONDS = 30;

beforeAll(async () => {
  await seedWorld();
  await credit("alice", "USDT", "1000");
  await exhaustPool("alice");
});

it("estimated starts match actual starts within 10% of the wait (or 2 minutes)", async () => {
  const ids: string[] = [];
  for (const to of [undefined, await freshAddress(), undefined, undefined, await freshAddress()]) {
    const w = await createWithdrawal("alice", to);
    expect((await choose("alice", w.id, { method: "queue_wait" })).status).toBe(200);
    ids.push(w.id);
  }
  const { chain_time: enqueuedAt, positions } = await pool().positions(POOL_ID, ids);
  const estimated = new Map(positions.map((p) => [p.withdrawal_id, p.estimated_start!]));
  expect([...estimated.values()].every((t) => t > enqueuedAt)).toBe(true);

  const started = new Map<string, number>();
  for (let step = 0; started.size < ids.length && step < 4_000; step++) {
    await devnet("/devnet/time/advance", { seconds: STEP_SECONDS });
    await runDurableObjectAlarm(pool());
    for (const t of await startedTransfers()) if (ids.includes(t.withdrawal_id)) started.set(t.withdrawal_id, t.started_at);
  }
  expect(started.size).toBe(ids.length);

  const rows = ids.map((id) => {
    const wait = estimated.get(id)! - enqueuedAt;
    const error = Math.abs(started.get(id)! - estimated.get(id)!);
    return { id, wait_min: wait / 60_000, error_min: error / 60_000, allowed_min: Math.max(0.1 * wait, 120_000) / 60_000 };
  });
  console.log(JSON.stringify(rows));
  for (const r of rows) expect(r.error_min, JSON.stringify(r)).toBeLessThanOrEqual(r.allowed_min);
  // The queue drained in order, so the estimates must be increasing too.
  const order = ids.map((id) => estimated.get(id)!);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
});
