import { beforeAll, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { call, credit, HOLDER, newKey, seedWorld, tokenFor } from "../helpers";

beforeAll(async () => {
  await seedWorld();
  await credit("alice", "USDT", "1000");
  await credit("bob", "USDT", "1000");
  const admin = await tokenFor("ops", "admin");
  const cfg = (await call("/api/v1/admin/config", { token: admin })).body.config;
  const saved = await call("/api/v1/admin/config", { method: "PUT", token: admin, body: { ...cfg, user_money_requests_per_minute: 5, user_ws_tickets_per_minute: 3 } });
  expect(saved.status).toBe(200);
});

/** Limits count in one-minute windows: start a test well inside one, not at its edge. */
async function awayFromWindowEdge() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((r) => setTimeout(r, left + 50));
}

const create = async (user: string, key = newKey()) => call("/api/v1/withdrawals", { token: await tokenFor(user), body: { to_address: HOLDER, amount: "1" }, idempotencyKey: key });

it("limits each user's money-moving requests per minute, exactly, with 429 and Retry-After", async () => {
  await awayFromWindowEdge();
  // Started together: the count is one conditional upsert in D1, so exactly five get through.
  const results = await Promise.all(Array.from({ length: 12 }, () => create("alice")));
  const ok = results.filter((r) => r.status === 201);
  const limited = results.filter((r) => r.status === 429);
  expect(ok).toHaveLength(5);
  expect(limited).toHaveLength(7);
  expect(limited[0].body.error.code).toBe("rate_limited");
  const retryAfter = Number(limited[0].headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  // Refused requests wrote nothing.
  expect((await env.DB.prepare("SELECT count(*) AS n FROM withdrawals WHERE user_id = 'alice'").first<{ n: number }>())!.n).toBe(5);
  // Another user has their own allowance.
  expect((await create("bob")).status).toBe(201);
});

it("does not count replays of a request already made", async () => {
  await awayFromWindowEdge();
  const key = newKey();
  const first = await create("bob", key);
  expect(first.status).toBe(201);
  for (let i = 0; i < 6; i++) {
    const replay = await create("bob", key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  }
});

it("limits WebSocket tickets", async () => {
  await awayFromWindowEdge();
  const token = await tokenFor("bob");
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await call("/api/v1/ws/ticket", { method: "POST", token })).status);
  expect(statuses).toEqual([201, 201, 201, 429, 429]);
});
