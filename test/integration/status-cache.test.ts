import { afterEach, beforeAll, expect, it, vi } from "vitest";
import { exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { EnergyPool } from "../../src/objects/energy-pool";
import { STATUS_CACHE_TTL_SECONDS, STATUS_REFRESH_AFTER_MS } from "../../src/routes/energy";
import { pool, POOL_ID, seedWorld } from "../helpers";

// The cache key includes the host: each test asks on a host of its own, so that no entry left by
// another test (or file) within the TTL answers for it.
let hosts = 0;
const freshHost = () => `http://status-cache-${Date.now()}-${++hosts}.test`;

async function getStatus(host: string, opts: { lang?: string; query?: string } = {}) {
  const headers: Record<string, string> = opts.lang ? { "accept-language": opts.lang } : {};
  const res = await exports.default.fetch(new Request(`${host}/api/v1/energy/status${opts.query ?? ""}`, { headers }));
  return { status: res.status, headers: res.headers, body: (await res.json()) as { message: string; energy_available_percentage: number } };
}

const maxAge = (headers: Headers) => Number(/max-age=(\d+)/.exec(headers.get("cache-control") ?? "")?.[1]);

beforeAll(async () => {
  await seedWorld();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sleepUntil = (t: number) => sleep(t - Date.now());

it("answers from the edge cache within the TTL, refreshes it in the background near its end, and reaches the pool again after an idle TTL", async () => {
  const host = freshHost();
  const { energy_limit } = await pool().status(POOL_ID);
  const poolReads = vi.spyOn(EnergyPool.prototype, "status");

  const first = await getStatus(host);
  const answeredAt = Date.now();
  expect(first.status).toBe(200);
  expect(first.body.energy_available_percentage).toBe(100);
  expect(poolReads).toHaveBeenCalledTimes(1);
  // What is left of the TTL, in whole seconds: the copy was stored a moment after it was read.
  expect(maxAge(first.headers)).toBeGreaterThanOrEqual(STATUS_CACHE_TTL_SECONDS - 1);
  expect(maxAge(first.headers)).toBeLessThanOrEqual(STATUS_CACHE_TTL_SECONDS);
  expect(first.headers.get("vary")).toBe("Accept-Language");

  // Half the pool is promised away: a request that reached the pool would report it at once.
  const reserve = (energy: number) =>
    runInDurableObject(pool(), (_i, state) => {
      state.storage.sql.exec("DELETE FROM reservations WHERE withdrawal_id = 'status-cache-test'");
      if (energy) state.storage.sql.exec("INSERT INTO reservations (withdrawal_id, energy, origin, created_at) VALUES ('status-cache-test', ?, 'direct', 0)", energy);
    });
  await reserve(Math.floor(energy_limit / 2));

  const second = await getStatus(host);
  expect(second.body).toEqual(first.body);
  // A query string is not a way around the cache.
  expect((await getStatus(host, { query: "?fresh=1" })).body).toEqual(first.body);
  expect(poolReads).toHaveBeenCalledTimes(1);

  // Near the end of the TTL the copy is still what everyone gets, and one of them has the pool
  // read again in the background, for all of them.
  await sleepUntil(answeredAt + STATUS_REFRESH_AFTER_MS + 200);
  const late = await Promise.all([getStatus(host), getStatus(host), getStatus(host)]);
  for (const r of late) {
    expect(r.body).toEqual(first.body);
    expect(maxAge(r.headers)).toBeLessThanOrEqual(STATUS_CACHE_TTL_SECONDS - Math.floor(STATUS_REFRESH_AFTER_MS / 1000));
  }
  await vi.waitFor(async () => expect((await getStatus(host)).body.energy_available_percentage).toBeCloseTo(50, 0));
  expect(poolReads).toHaveBeenCalledTimes(2);

  // Nobody asks for a whole TTL: the copy expires and the next reader reaches the pool.
  await reserve(0);
  await sleep(STATUS_CACHE_TTL_SECONDS * 1000 + 300);
  const afterIdle = await getStatus(host);
  expect(poolReads).toHaveBeenCalledTimes(3);
  expect(afterIdle.body.energy_available_percentage).toBe(100);
}, 20_000);

it("keeps each language apart: a Korean reader never gets the English copy, nor the other way round", async () => {
  const host = freshHost();
  const poolReads = vi.spyOn(EnergyPool.prototype, "status");

  const en = await getStatus(host, { lang: "en-US,en;q=0.9" });
  const ko = await getStatus(host, { lang: "ko-KR,ko;q=0.9" });
  expect(poolReads).toHaveBeenCalledTimes(2);
  expect(en.body.message).toMatch(/^[\x20-\x7e]+$/);
  expect(ko.body.message).toMatch(/[가-힣]/);

  const [enAgain, koAgain, none] = await Promise.all([getStatus(host, { lang: "en" }), getStatus(host, { lang: "ko" }), getStatus(host)]);
  expect(enAgain.body.message).toBe(en.body.message);
  expect(koAgain.body.message).toBe(ko.body.message);
  // No Accept-Language is English, and shares the English copy.
  expect(none.body.message).toBe(en.body.message);
  expect(poolReads).toHaveBeenCalledTimes(2);
});
