import { createRoute, z } from "@hono/zod-openapi";
import { formatAmount, parseAmount } from "../../domain/amount";
import type { FallbackConfig } from "../../domain/config";
import { fallbackConfigOf } from "../../db/pools";
import { PROVIDER_NAMES } from "../../providers/provider";
import { log } from "../../log";
import { AmountString, errorResponses, identity, router } from "../common";
import { json, PoolQuery, poolRowOr404 } from "./shared";

const AmountOrZero = z.union([z.literal("0"), AmountString]);
const amountUnits = (text: string) => {
  const r = parseAmount(text);
  return r.ok ? r.units : 0;
};

export const adminConfigRoutes = router();

const ConfigSchema = z
  .object({
    trx_payment_enabled: z.boolean(),
    trx_payment_markup: z.number().min(1).max(10).multipleOf(0.0001),
    trx_payment_min_balance: AmountOrZero,
    queue_enabled: z.boolean(),
    queue_max_wait_hours: z.number().int().min(1).max(168),
    queue_priority_fee: AmountOrZero,
    external_pool_enabled: z.boolean(),
    external_pool_providers: z
      .array(
        z
          .object({
            name: z.enum(PROVIDER_NAMES),
            base_url: z.url({ protocol: /^https?$/ }).max(300),
            markup: z.number().min(1).max(3).multipleOf(0.0001),
          })
          .strict(),
      )
      .max(PROVIDER_NAMES.length)
      .refine((list) => new Set(list.map((p) => p.name)).size === list.length, { message: "each provider at most once" }),
    external_pool_max_premium: z.number().min(0.1).max(10).multipleOf(0.0001),
    alert_threshold: z.number().min(1).max(90),
    critical_threshold: z.number().min(0).max(89),
    user_money_requests_per_minute: z.number().int().min(1).max(100_000),
    user_ws_tickets_per_minute: z.number().int().min(1).max(100_000),
  })
  .strict()
  .refine((v) => v.critical_threshold < v.alert_threshold, { message: "must be below alert_threshold", path: ["critical_threshold"] })
  .openapi("FallbackConfig");

/** Money fields are decimal TRX strings in the API and sun inside. */
function configView(cfg: FallbackConfig) {
  return { ...cfg, trx_payment_min_balance: formatAmount(cfg.trx_payment_min_balance), queue_priority_fee: formatAmount(cfg.queue_priority_fee) };
}

adminConfigRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/config",
    summary: "A pool's fallback configuration",
    request: { query: PoolQuery },
    responses: { 200: json(z.object({ pool_id: z.string(), config: z.record(z.string(), z.unknown()) }), "Config"), ...errorResponses },
  }),
  async (c) => {
    const row = await poolRowOr404(c, c.req.valid("query").pool_id);
    return c.json({ pool_id: row.id, config: configView(fallbackConfigOf(row)) }, 200);
  },
);

adminConfigRoutes.openapi(
  createRoute({
    method: "put",
    path: "/admin/config",
    summary: "Replace a pool's fallback configuration (every field, validated)",
    request: { query: PoolQuery, body: { required: true, content: { "application/json": { schema: ConfigSchema } } } },
    responses: { 200: json(z.object({ pool_id: z.string(), config: z.record(z.string(), z.unknown()) }), "Saved"), ...errorResponses },
  }),
  async (c) => {
    const row = await poolRowOr404(c, c.req.valid("query").pool_id);
    const input = c.req.valid("json");
    const cfg: FallbackConfig = {
      ...input,
      trx_payment_min_balance: amountUnits(input.trx_payment_min_balance),
      queue_priority_fee: amountUnits(input.queue_priority_fee),
    };
    await c.env.DB.prepare("UPDATE pools SET fallback_config = ? WHERE id = ?").bind(JSON.stringify(cfg), row.id).run();
    await c.env.ENERGY_POOL.getByName(row.id).refresh(row.id);
    log("fallback_config_updated", { pool_id: row.id, by: identity(c).userId, config: cfg });
    return c.json({ pool_id: row.id, config: configView(cfg) }, 200);
  },
);
