import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { AppError } from "../../errors";
import { getPool } from "../../db/pools";

// Pieces the admin routers share. Every /admin route is behind requireAdmin (src/app.ts).

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

export const PoolQuery = z.object({ pool_id: z.string().min(1).max(64).optional() }).strict();

export async function poolRowOr404(c: Context<AppEnv>, poolId: string | undefined) {
  const row = await getPool(c.env.DB, poolId ?? c.env.DEFAULT_POOL_ID);
  if (!row) throw new AppError("not_found", { what: "Pool" });
  return row;
}
