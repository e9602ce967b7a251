import { createRoute, z } from "@hono/zod-openapi";
import { formatAmount, ASSETS } from "../domain/amount";
import { errorResponses, identity, router } from "./common";

export const balanceRoutes = router();

const Balances = z
  .object({
    balances: z.object({ TRX: z.string(), USDT: z.string() }),
    held: z.object({ TRX: z.string(), USDT: z.string() }),
  })
  .openapi("Balances");

balanceRoutes.openapi(
  createRoute({
    method: "get",
    path: "/balances",
    summary: "The caller's available and held balances",
    responses: { 200: { description: "Balances", content: { "application/json": { schema: Balances } } }, ...errorResponses },
  }),
  async (c) => {
    const rows = (
      await c.env.DB.prepare("SELECT asset, available, held FROM balances WHERE user_id = ?").bind(identity(c).userId).all<{ asset: string; available: number; held: number }>()
    ).results;
    const of = (asset: string, k: "available" | "held") => formatAmount(rows.find((r) => r.asset === asset)?.[k] ?? 0);
    const pick = (k: "available" | "held") => Object.fromEntries(ASSETS.map((a) => [a, of(a, k)])) as { TRX: string; USDT: string };
    return c.json({ balances: pick("available"), held: pick("held") }, 200);
  },
);
