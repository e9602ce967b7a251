import { createRoute, z } from "@hono/zod-openapi";
import { fallbackConfigOf, getPool } from "../../db/pools";
import { reliability } from "../../domain/external";
import { PROVIDER_NAMES } from "../../providers/provider";
import { providerFigures } from "../../rentals/records";
import { errorResponses, router } from "../common";
import { json } from "./shared";

// External energy as operators see it: every purchase order and each provider's record.

export const adminRentalRoutes = router();

adminRentalRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/purchase-orders",
    summary: "Energy rentals placed with providers, newest first",
    request: {
      query: z
        .object({
          status: z.enum(["created", "ordered", "delivered", "completed", "failed"]).optional(),
          provider: z.enum(PROVIDER_NAMES).optional(),
          withdrawal_id: z.string().min(1).max(64).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        })
        .strict(),
    },
    responses: { 200: json(z.object({ purchase_orders: z.array(z.record(z.string(), z.unknown())) }), "Purchase orders"), ...errorResponses },
  }),
  async (c) => {
    const { status, provider, withdrawal_id, limit } = c.req.valid("query");
    const filters = Object.entries({ status, provider, withdrawal_id }).filter(([, v]) => v !== undefined) as Array<[string, string]>;
    const rows = (
      await c.env.DB.prepare(
        `SELECT * FROM purchase_orders ${filters.length ? `WHERE ${filters.map(([k]) => `${k} = ?`).join(" AND ")}` : ""} ORDER BY created_at DESC LIMIT ?`,
      )
        .bind(...filters.map(([, v]) => v), limit)
        .all<Record<string, unknown> & { created_at: number; updated_at: number }>()
    ).results;
    return c.json(
      { purchase_orders: rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString(), updated_at: new Date(r.updated_at).toISOString() })) },
      200,
    );
  },
);

adminRentalRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/providers",
    summary: "Per provider: orders, success rate, median delivery seconds, average sun per energy, reliability",
    responses: { 200: json(z.object({ providers: z.array(z.record(z.string(), z.unknown())) }), "Figures"), ...errorResponses },
  }),
  async (c) => {
    const figures = await providerFigures(c.env.DB);
    const cfg = fallbackConfigOf((await getPool(c.env.DB, c.env.DEFAULT_POOL_ID))!);
    const names = new Set([...cfg.external_pool_providers.map((p) => p.name), ...Object.keys(figures)]);
    return c.json(
      {
        providers: [...names].map((name) => {
          const f = figures[name] ?? { orders: 0, delivered: 0, failed: 0, success_rate: null, medianDeliverySec: null, avg_sun_per_energy: null };
          return {
            provider: name,
            configured: cfg.external_pool_providers.some((p) => p.name === name),
            orders: f.orders,
            delivered: f.delivered,
            failed: f.failed,
            success_rate: f.success_rate,
            median_delivery_seconds: f.medianDeliverySec,
            avg_sun_per_energy: f.avg_sun_per_energy,
            reliability: reliability(f),
          };
        }),
      },
      200,
    );
  },
);
