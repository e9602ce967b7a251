import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../../errors";
import { getPool } from "../../db/pools";
import { log } from "../../log";
import { errorResponses, identity, router } from "../common";
import { json, PoolQuery } from "./shared";

// Alert webhooks and the alert history with each delivery's outcome.

export const adminAlertRoutes = router();

const WebhookInput = z
  .object({
    kind: z.enum(["slack", "discord", "generic"]),
    url: z.url({ protocol: /^https?$/ }).max(500),
    secret: z.string().min(16).max(200).optional(),
    pool_id: z.string().min(1).max(64).optional(),
  })
  .strict()
  .refine((v) => v.kind !== "generic" || v.secret !== undefined, { message: "a generic webhook is signed: give a secret of 16+ characters", path: ["secret"] });

interface WebhookRow {
  id: string;
  pool_id: string | null;
  kind: string;
  url: string;
  secret: string | null;
  active: number;
  created_at: number;
}

// The secret is write-only: reads show whether one is set, never its value.
const webhookView = (w: WebhookRow) => ({
  id: w.id,
  pool_id: w.pool_id,
  kind: w.kind,
  url: w.url,
  signed: w.secret !== null,
  active: !!w.active,
  created_at: new Date(w.created_at).toISOString(),
});

adminAlertRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/webhooks",
    summary: "Alert webhooks",
    responses: { 200: json(z.object({ webhooks: z.array(z.record(z.string(), z.unknown())) }), "Webhooks"), ...errorResponses },
  }),
  async (c) => {
    const rows = (await c.env.DB.prepare("SELECT * FROM webhooks ORDER BY created_at").all<WebhookRow>()).results;
    return c.json({ webhooks: rows.map(webhookView) }, 200);
  },
);

adminAlertRoutes.openapi(
  createRoute({
    method: "post",
    path: "/admin/webhooks",
    summary: "Add an alert webhook: Slack ({text}), Discord ({content}) or generic JSON signed with HMAC-SHA256",
    request: { body: { required: true, content: { "application/json": { schema: WebhookInput } } } },
    responses: { 201: json(z.record(z.string(), z.unknown()), "Added"), ...errorResponses },
  }),
  async (c) => {
    const input = c.req.valid("json");
    if (input.pool_id && !(await getPool(c.env.DB, input.pool_id))) throw new AppError("not_found", { what: "Pool" });
    const row: WebhookRow = { id: crypto.randomUUID(), pool_id: input.pool_id ?? null, kind: input.kind, url: input.url, secret: input.secret ?? null, active: 1, created_at: Date.now() };
    await c.env.DB.prepare("INSERT INTO webhooks (id, pool_id, kind, url, secret, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)")
      .bind(row.id, row.pool_id, row.kind, row.url, row.secret, row.created_at)
      .run();
    log("webhook_added", { id: row.id, kind: row.kind, by: identity(c).userId });
    return c.json(webhookView(row), 201);
  },
);

adminAlertRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/admin/webhooks/{id}",
    summary: "Remove an alert webhook",
    request: { params: z.object({ id: z.string().uuid().openapi({ param: { name: "id", in: "path" } }) }) },
    responses: { 200: json(z.object({ deleted: z.boolean() }), "Removed"), ...errorResponses },
  }),
  async (c) => {
    const res = await c.env.DB.prepare("DELETE FROM webhooks WHERE id = ?").bind(c.req.valid("param").id).run();
    if ((res.meta.changes ?? 0) === 0) throw new AppError("not_found", { what: "Webhook" });
    return c.json({ deleted: true }, 200);
  },
);

adminAlertRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/alerts",
    summary: "Alert history, newest first, with each delivery's outcome",
    request: { query: PoolQuery.extend({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict() },
    responses: { 200: json(z.object({ alerts: z.array(z.record(z.string(), z.unknown())) }), "Alerts"), ...errorResponses },
  }),
  async (c) => {
    const { pool_id, limit } = c.req.valid("query");
    const alerts = (
      await c.env.DB.prepare(`SELECT * FROM alerts ${pool_id ? "WHERE pool_id = ?" : ""} ORDER BY created_at DESC LIMIT ?`)
        .bind(...(pool_id ? [pool_id] : []), limit)
        .all<{ id: string; pool_id: string; level: string; usage_percentage: number; energy_available: number; energy_limit: number; message: string; created_at: number }>()
    ).results;
    const deliveries = alerts.length
      ? (
          await c.env.DB.prepare(`SELECT * FROM alert_deliveries WHERE alert_id IN (${alerts.map(() => "?").join(",")}) ORDER BY created_at`)
            .bind(...alerts.map((a) => a.id))
            .all<{ alert_id: string; channel: string; webhook_id: string | null; status: string; attempts: number; last_status: number | null; last_error: string | null }>()
        ).results
      : [];
    return c.json(
      {
        alerts: alerts.map((a) => ({
          ...a,
          created_at: new Date(a.created_at).toISOString(),
          deliveries: deliveries
            .filter((d) => d.alert_id === a.id)
            .map((d) => ({ channel: d.channel, webhook_id: d.webhook_id, status: d.status, attempts: d.attempts, last_status: d.last_status, last_error: d.last_error })),
        })),
      },
      200,
    );
  },
);
