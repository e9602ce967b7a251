import { beforeAll, beforeEach, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { advance, balances, call, choose, createWithdrawal, credit, exhaustPool, newKey, notifications, pool, seedWorld, tokenFor, withdrawal } from "../helpers";

beforeAll(async () => {
  await seedWorld();
  await credit("alice", "USDT", "1000");
});

beforeEach(async () => {
  for (const w of (await env.DB.prepare("SELECT id FROM withdrawals WHERE status IN ('pending','queued','postponed')").all<{ id: string }>()).results) {
    await call(`/api/v1/withdrawals/${w.id}/cancel`, { method: "POST", token: await tokenFor("alice"), idempotencyKey: newKey() });
  }
  await exhaustPool("alice");
});

it("sleeps until the model's predicted time, then goes through the pool", async () => {
  const w = await createWithdrawal("alice");
  const options = (await call(`/api/v1/withdrawals/${w.id}/check-options`, { method: "POST", token: await tokenFor("alice") })).body;
  const suggested = options.options.find((o: any) => o.method === "postpone");
  expect(suggested.available).toBe(true);
  const res = await choose("alice", w.id, { method: "postpone" });
  expect(res.status).toBe(200);
  expect(res.body.result.withdrawal).toMatchObject({ status: "postponed", method: "postpone" });
  const dueInMinutes = suggested.estimated_wait_minutes as number;
  expect(dueInMinutes).toBeGreaterThan(10);

  // Half-way there: still asleep.
  await advance((dueInMinutes / 2) * 60);
  expect((await withdrawal("alice", w.id)).status).toBe("postponed");
  // Due, and the energy the model predicted is there.
  await advance((dueInMinutes / 2) * 60 + 60);
  expect(["broadcast", "processing"]).toContain((await withdrawal("alice", w.id)).status);
  await advance(90);
  expect((await withdrawal("alice", w.id)).status).toBe("completed");
  const kinds = (await notifications("alice")).filter((n) => n.withdrawal_id === w.id).map((n) => n.kind);
  expect(kinds).toEqual(expect.arrayContaining(["postponed", "postpone_due", "completed"]));
  // Nothing queued, postponed or in flight any more: the pool stops waking itself.
  expect(await runInDurableObject(pool(), (_i, state) => state.storage.getAlarm())).toBeNull();
});

it("returns to pending and tells the user when energy is still short at the due time", async () => {
  const before = await balances("alice");
  const w = await createWithdrawal("alice");
  const until = new Date(Date.now() + 10 * 60_000).toISOString();
  const res = await choose("alice", w.id, { method: "postpone", postpone_until: until });
  expect(res.status).toBe(200);
  expect((await withdrawal("alice", w.id)).status).toBe("postponed");
  await advance(11 * 60);
  const back = await withdrawal("alice", w.id);
  expect(back).toMatchObject({ status: "pending", postpone_until: null });
  const due = (await notifications("alice")).find((n) => n.withdrawal_id === w.id && n.kind === "postpone_due");
  expect(due?.data).toMatchObject({ energy_available: false, status: "pending" });
  // The hold stays: the user chooses again.
  const after = await balances("alice");
  expect(Number(after.held.USDT)).toBe(Number(before.held.USDT) + 1);
});

it("refuses a postponement in the past or too far ahead, naming the field", async () => {
  const w = await createWithdrawal("alice");
  for (const until of [new Date(Date.now() - 60_000).toISOString(), new Date(Date.now() + 8 * 24 * 3_600_000).toISOString(), "tomorrow"]) {
    const res = await choose("alice", w.id, { method: "postpone", postpone_until: until });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("postpone_until");
  }
  expect((await withdrawal("alice", w.id)).status).toBe("pending");
});
