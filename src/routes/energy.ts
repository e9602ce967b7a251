import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { Env } from "../env";
import { languageOf, type Lang } from "../errors";
import { serviceStatus } from "../domain/status";
import { fallbackConfigOf, getPool } from "../db/pools";
import { statusMessage } from "../i18n";
import { log } from "../log";
import { router } from "./common";

export const energyRoutes = router();

// Every signed-out page polls the status while its figures move slowly (the pool itself re-reads
// the chain every 5 s at most), so the edge answers it from the Cache API for a few seconds: D1
// and the EnergyPool then see a few requests per pool, language and location instead of one per
// visitor.
export const STATUS_CACHE_TTL_SECONDS = 5;
const TTL_MS = STATUS_CACHE_TTL_SECONDS * 1000;
// A copy this old is still served, and the first request to see it also reads the pool again in
// the background. Under steady traffic the copy is replaced before it expires, so the requests of
// a busy moment never all miss together and pile onto the pool.
export const STATUS_REFRESH_AFTER_MS = 3_000;
// When the figures of the stored copy were read. Clients are told to keep an answer only for what
// is left of the TTL, so nobody (browser or proxy) is shown a status older than the TTL.
const GENERATED_AT_HEADER = "x-status-generated-at";
// Per isolate and cache key, when a background refresh was last started: one at a time is enough.
// Plain numbers, safe to share between requests (unlike a promise tied to one request's I/O).
const refreshStartedAt = new Map<string, number>();

const EnergyStatus = z
  .object({
    service_status: z.enum(["normal", "caution", "limited"]),
    message: z.string(),
    energy_available_percentage: z.number(),
    alternative_options_available: z.boolean(),
  })
  .openapi("EnergyStatus");

type EnergyStatusBody = z.infer<typeof EnergyStatus>;

/**
 * One entry per host, pool and language, built from those alone and never from the request's URL:
 * a query string cannot bypass the cache and reach the pool, and languages are never mixed.
 */
function statusCacheKey(requestUrl: string, poolId: string, lang: Lang): Request {
  return new Request(`${new URL(requestUrl).origin}/api/v1/energy/status/cache/${encodeURIComponent(poolId)}/${lang}`);
}

async function readStatus(env: Env, poolId: string, lang: Lang): Promise<EnergyStatusBody> {
  const pool = await getPool(env.DB, poolId);
  if (!pool) throw new Error(`default pool ${poolId} is missing: run the seed or set DEFAULT_POOL_ID`);
  const cfg = fallbackConfigOf(pool);
  const status = await env.ENERGY_POOL.getByName(poolId).status(poolId);
  const level = serviceStatus(status.available_percentage, cfg);
  return {
    service_status: level,
    message: statusMessage(level, lang),
    energy_available_percentage: status.available_percentage,
    alternative_options_available: cfg.trx_payment_enabled || cfg.queue_enabled || cfg.external_pool_enabled,
  };
}

function statusResponse(c: Context<AppEnv>, body: EnergyStatusBody, generatedAt: number) {
  const left = Math.max(0, Math.floor((generatedAt + TTL_MS - Date.now()) / 1000));
  return c.json(body, 200, { "cache-control": `public, max-age=${left}`, vary: "Accept-Language" });
}

/** Reads the pool and stores the answer for the next readers; returns it with the time it was read. */
async function refresh(env: Env, key: Request, poolId: string, lang: Lang): Promise<{ body: EnergyStatusBody; generatedAt: number }> {
  const body = await readStatus(env, poolId, lang);
  const generatedAt = Date.now();
  const copy = new Response(JSON.stringify(body), {
    headers: { "content-type": "application/json", "cache-control": `public, s-maxage=${STATUS_CACHE_TTL_SECONDS}`, [GENERATED_AT_HEADER]: String(generatedAt) },
  });
  // A cache that refuses the copy costs the next visitor a pool read, not this one their answer.
  await caches.default.put(key, copy).catch((e: unknown) => log("status_cache_put_failed", { pool_id: poolId, error: String(e) }));
  return { body, generatedAt };
}

function claimRefresh(key: string, now: number): boolean {
  if (now - (refreshStartedAt.get(key) ?? 0) < STATUS_REFRESH_AFTER_MS) return false;
  refreshStartedAt.set(key, now);
  return true;
}

energyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/energy/status",
    summary: "Service status for users (public; cached at the edge for a few seconds)",
    responses: { 200: { description: "Current status", content: { "application/json": { schema: EnergyStatus } } } },
  }),
  async (c) => {
    const poolId = c.env.DEFAULT_POOL_ID;
    const lang = languageOf(c.req.header("accept-language"));
    const key = statusCacheKey(c.req.url, poolId, lang);
    const cached = await caches.default.match(key);
    const cachedAt = Number(cached?.headers.get(GENERATED_AT_HEADER));
    const now = Date.now();
    // The cache counts its seconds from the store, a few milliseconds after the figures were read:
    // a copy that old by the figures' own clock is not served.
    if (cached && now - cachedAt < TTL_MS) {
      if (now - cachedAt >= STATUS_REFRESH_AFTER_MS && claimRefresh(key.url, now)) {
        c.executionCtx.waitUntil(refresh(c.env, key, poolId, lang).catch((e: unknown) => log("status_refresh_failed", { pool_id: poolId, error: String(e) })));
      }
      return statusResponse(c, await cached.json<EnergyStatusBody>(), cachedAt);
    }
    // Awaited: the next request finds the copy.
    const { body, generatedAt } = await refresh(c.env, key, poolId, lang);
    return statusResponse(c, body, generatedAt);
  },
);
