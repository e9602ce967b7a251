import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import { AppError } from "./errors";
import { fallbackConfigOf, getPool } from "./db/pools";

// Per-user abuse limits in fixed one-minute windows, counted in D1: each increment is a single
// conditional upsert, so concurrent requests cannot both take the last slot.

const WINDOW_MS = 60_000;
export type LimitBucket = "money" | "ws_ticket";

async function limitOf(c: Context<AppEnv>, bucket: LimitBucket): Promise<number> {
  const pool = await getPool(c.env.DB, c.env.DEFAULT_POOL_ID);
  const cfg = pool ? fallbackConfigOf(pool) : null;
  return bucket === "money" ? cfg?.user_money_requests_per_minute ?? 30 : cfg?.user_ws_tickets_per_minute ?? 10;
}

/** Counts one request against the user's limit, or refuses it with 429 and Retry-After. */
export async function consumeLimit(c: Context<AppEnv>, userId: string, bucket: LimitBucket): Promise<void> {
  const limit = await limitOf(c, bucket);
  const now = Date.now();
  const windowStart = now - (now % WINDOW_MS);
  const row = await c.env.DB.prepare(
    `INSERT INTO rate_limits (user_id, bucket, window_start, count) VALUES (?, ?, ?, 1)
     ON CONFLICT (user_id, bucket, window_start) DO UPDATE SET count = count + 1 WHERE rate_limits.count < ?
     RETURNING count`,
  )
    .bind(userId, bucket, windowStart, limit)
    .first<{ count: number }>();
  if (!row) {
    const retryAfter = Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
    c.header("Retry-After", String(retryAfter));
    throw new AppError("rate_limited", { limit, retry_after: retryAfter });
  }
}

/** Old windows are useless: the cron drops them. */
export async function purgeLimits(db: D1Database, now: number): Promise<number> {
  const res = await db.prepare("DELETE FROM rate_limits WHERE window_start < ?").bind(now - 2 * WINDOW_MS).run();
  return res.meta.changes ?? 0;
}
