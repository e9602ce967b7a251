import { createRoute, z } from "@hono/zod-openapi";
import { languageOf } from "../errors";
import { serviceStatus } from "../domain/status";
import { fallbackConfigOf, getPool } from "../db/pools";
import { statusMessage } from "../i18n";
import { router } from "./common";

export const energyRoutes = router();

const EnergyStatus = z
  .object({
    service_status: z.enum(["normal", "caution", "limited"]),
    message: z.string(),
    energy_available_percentage: z.number(),
    alternative_options_available: z.boolean(),
  })
  .openapi("EnergyStatus");

energyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/energy/status",
    summary: "Service status for users (public)",
    responses: { 200: { description: "Current status", content: { "application/json": { schema: EnergyStatus } } } },
  }),
  async (c) => {
    const poolId = c.env.DEFAULT_POOL_ID;
    const pool = await getPool(c.env.DB, poolId);
    if (!pool) throw new Error(`default pool ${poolId} is missing: run the seed or set DEFAULT_POOL_ID`);
    const cfg = fallbackConfigOf(pool);
    const status = await c.env.ENERGY_POOL.getByName(poolId).status(poolId);
    const level = serviceStatus(status.available_percentage, cfg);
    return c.json(
      {
        service_status: level,
        message: statusMessage(level, languageOf(c.req.header("accept-language"))),
        energy_available_percentage: status.available_percentage,
        alternative_options_available: cfg.trx_payment_enabled || cfg.queue_enabled || cfg.external_pool_enabled,
      },
      200,
    );
  },
);
