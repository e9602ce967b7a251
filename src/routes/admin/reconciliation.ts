import { createRoute, z } from "@hono/zod-openapi";
import { reconcile } from "../../reconcile";
import { log } from "../../log";
import { errorResponses, identity, router } from "../common";
import { json } from "./shared";

export const adminReconciliationRoutes = router();

adminReconciliationRoutes.openapi(
  createRoute({
    method: "post",
    path: "/admin/reconciliation",
    summary: "Compare ledger, balances, holds, withdrawals and the chain now; report every mismatch",
    request: {
      body: { required: false, content: { "application/json": { schema: z.object({ since_hours: z.number().int().min(1).max(24 * 90).optional() }).strict() } } },
    },
    responses: { 200: json(z.object({ id: z.string(), checked: z.record(z.string(), z.number()), mismatches: z.array(z.record(z.string(), z.string())) }), "Report"), ...errorResponses },
  }),
  async (c) => {
    const sinceHours = (c.req.header("content-type")?.includes("json") ? c.req.valid("json").since_hours : undefined) ?? 24;
    const report = await reconcile(c.env, { since: Date.now() - sinceHours * 3_600_000, trigger: "operator" });
    log("reconciliation_requested", { by: identity(c).userId, run_id: report.id });
    return c.json(report, 200);
  },
);

adminReconciliationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/reconciliation",
    summary: "Recent reconciliation runs (the cron's hourly ones and operators')",
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict() },
    responses: { 200: json(z.object({ runs: z.array(z.record(z.string(), z.unknown())) }), "Runs"), ...errorResponses },
  }),
  async (c) => {
    const rows = (
      await c.env.DB.prepare("SELECT * FROM reconciliation_runs ORDER BY started_at DESC LIMIT ?")
        .bind(c.req.valid("query").limit)
        .all<{ id: string; trigger: string; started_at: number; finished_at: number; checked: string; mismatches: string; mismatch_count: number }>()
    ).results;
    return c.json(
      {
        runs: rows.map((r) => ({
          id: r.id,
          trigger: r.trigger,
          started_at: new Date(r.started_at).toISOString(),
          finished_at: new Date(r.finished_at).toISOString(),
          checked: JSON.parse(r.checked),
          mismatch_count: r.mismatch_count,
          mismatches: JSON.parse(r.mismatches),
        })),
      },
      200,
    );
  },
);
