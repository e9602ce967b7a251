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
// and the EnergyPool then see one request per pool, language and TTL in each location instead of
// one per visitor.
export const STATUS_CACHE_TTL_SECONDS = 5;
// When the stored copy was made. Clients are told to keep an answer only for what is left of the
// TTL, so nobody (browser or proxy) is shown a status older than the TTL.
const GENERATED_AT_HEADER = "x-status-generated-at";

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
export function statusCacheKey(requestUrl: string, poolId: string, lang: Lang): Request {
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
  const left = Math.max(0, Math.floor((generatedAt + STATUS_CACHE_TTL_SECONDS * 1000 - Date.now()) / 1000));
  return c.json(body, 200, { "cache-control": `public, max-age=${left}`, vary: "Accept-Language" });
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
    // The cache counts its seconds from the store, a few milliseconds after the figures were read:
    // a copy that old by the figures' own clock is not served.
    if (cached && Date.now() - cachedAt < STATUS_CACHE_TTL_SECONDS * 1000) return statusResponse(c, await cached.json<EnergyStatusBody>(), cachedAt);

    const body = await readStatus(c.env, poolId, lang);
    const generatedAt = Date.now();
    const copy = new Response(JSON.stringify(body), {
      headers: { "content-type": "application/json", "cache-control": `public, s-maxage=${STATUS_CACHE_TTL_SECONDS}`, [GENERATED_AT_HEADER]: String(generatedAt) },
    });
    // Awaited rather than left to waitUntil, so that the next request finds it; a cache that
    // refuses the copy costs the next visitor a pool read, not this one their answer.
    await caches.default.put(key, copy).catch((e: unknown) => log("status_cache_put_failed", { pool_id: poolId, error: String(e) }));
    return statusResponse(c, body, generatedAt);
  },
);
