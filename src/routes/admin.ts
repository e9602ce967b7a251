import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { ASSETS, formatAmount, parseAmount } from "../domain/amount";
import type { FallbackConfig } from "../domain/config";
import { fallbackConfigOf, getPool, listPools } from "../db/pools";
import { getWithdrawal, withdrawalView, WITHDRAWAL_STATUSES, type WithdrawalRow } from "../db/withdrawals";
import { log } from "../log";
import { PROVIDER_NAMES } from "../providers/provider";
import { providerFigures } from "../rentals/records";
import { reliability } from "../domain/external";
import { reconcile } from "../reconcile";
import { requireAdmin } from "../auth";
import { idempotently } from "../idempotency";
import { AmountString, errorResponses, IdempotencyHeader, identity, router } from "./common";

export const adminRoutes = router();

const AmountOrZero = z.union([z.literal("0"), AmountString]);
const amountUnits = (text: string) => {
  const r = parseAmount(text);
  return r.ok ? r.units : 0;
};
adminRoutes.use("/admin/*", requireAdmin);

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

adminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/pools",
    summary: "Pools with their hot wallet and detailed energy status",
    responses: { 200: json(z.object({ pools: z.array(z.record(z.string(), z.unknown())) }), "Pools"), ...errorResponses },
  }),
  async (c) => {
    const pools = await listPools(c.env.DB);
    const detailed = await Promise.all(
      pools.map(async (p) => {
        const base = { id: p.id, name: p.name, hot_wallet_address: p.hot_wallet_address, active: !!p.active };
        try {
          return { ...base, status: await c.env.ENERGY_POOL.getByName(p.id).status(p.id) };
        } catch (e) {
          // One pool's node trouble must not hide the others from the operator.
          return { ...base, status: null, status_error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
    return c.json({ pools: detailed }, 200);
  },
);

const UserParam = z.object({ id: z.string().min(1).max(128).openapi({ param: { name: "id", in: "path" } }) });

adminRoutes.openapi(
  createRoute({
    method: "post",
    path: "/admin/users/{id}/credit",
    summary: "Credit a user's balance (a deposit)",
    request: {
      params: UserParam,
      headers: IdempotencyHeader,
      body: { required: true, content: { "application/json": { schema: z.object({ asset: z.enum(ASSETS), amount: AmountString, note: z.string().max(200).optional() }).strict() } } },
    },
    responses: { 201: json(z.object({ user_id: z.string(), asset: z.enum(ASSETS), amount: z.string(), entry_id: z.number() }), "Credited"), ...errorResponses },
  }),
  async (c) =>
    idempotently(c, async () => {
    const { id } = c.req.valid("param");
    const { asset, amount } = c.req.valid("json");
    const units = parseAmount(amount);
    if (!units.ok) throw new AppError("invalid_request", { detail: "amount" }, "amount");
    const user = await c.env.DB.prepare("SELECT id FROM users WHERE id = ?").bind(id).first();
    if (!user) throw new AppError("not_found", { what: "User" });
    // The reference is unique: a credit re-run after a lost reply cannot be applied twice.
    const reference = `deposit:${identity(c).userId}:${c.req.header("idempotency-key")}`;
    const inserted = await c.env.DB.prepare(
      `INSERT INTO ledger_entries (user_id, asset, bucket, delta, reason, reference, created_at) VALUES (?, ?, 'available', ?, 'deposit', ?, ?)
       ON CONFLICT (reference) DO NOTHING RETURNING id`,
    )
      .bind(id, asset, units.units, reference, Date.now())
      .first<{ id: number }>();
    const row = inserted ?? (await c.env.DB.prepare("SELECT id FROM ledger_entries WHERE reference = ?").bind(reference).first<{ id: number }>());
    return c.json({ user_id: id, asset, amount, entry_id: row!.id }, 201);
    }),
);

const PoolQuery = z.object({ pool_id: z.string().min(1).max(64).optional() }).strict();

async function poolRowOr404(c: Context<AppEnv>, poolId: string | undefined) {
  const id = poolId ?? c.env.DEFAULT_POOL_ID;
  const row = await getPool(c.env.DB, id);
  if (!row) throw new AppError("not_found", { what: "Pool" });
  return row;
}

adminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/queue",
    summary: "A pool's waiting queue, in order, with estimated starts",
    request: { query: PoolQuery.extend({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict() },
    responses: { 200: json(z.object({ pool_id: z.string(), entries: z.array(z.record(z.string(), z.unknown())) }), "Queue"), ...errorResponses },
  }),
  async (c) => {
    const { pool_id, limit } = c.req.valid("query");
    const row = await poolRowOr404(c, pool_id);
    const { chain_time, positions } = await c.env.ENERGY_POOL.getByName(row.id).queueView(row.id, limit);
    const now = Date.now();
    const wall = (t: number) => new Date(now + (t - chain_time)).toISOString();
    return c.json(
      {
        pool_id: row.id,
        entries: positions.map((p) => ({
          withdrawal_id: p.withdrawal_id,
          position: p.position,
          priority: p.priority,
          energy: p.energy,
          queued_at: wall(p.queued_at),
          waited_minutes: Math.floor((chain_time - p.queued_at) / 60_000),
          estimated_start: p.estimated_start === null ? null : wall(p.estimated_start),
        })),
      },
      200,
    );
  },
);

adminRoutes.openapi(
  createRoute({
    method: "post",
    path: "/admin/withdrawals/{id}/priority",
    summary: "Set a queued withdrawal's priority (2 = urgent, admins only)",
    request: {
      params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) }),
      body: { required: true, content: { "application/json": { schema: z.object({ priority: z.union([z.literal(0), z.literal(1), z.literal(2)]) }).strict() } } },
    },
    responses: { 200: json(z.object({ withdrawal_id: z.string(), priority: z.number().int(), position: z.number().int() }), "Updated"), ...errorResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { priority } = c.req.valid("json");
    const w = await getWithdrawal(c.env.DB, id);
    if (!w) throw new AppError("not_found", { what: "Withdrawal" });
    const res = await c.env.ENERGY_POOL.getByName(w.pool_id).setPriority(w.pool_id, id, priority);
    if (!res.ok) throw new AppError(res.code, res.params);
    return c.json({ withdrawal_id: id, priority, position: res.value.position }, 200);
  },
);

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

adminRoutes.openapi(
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

adminRoutes.openapi(
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

adminRoutes.openapi(
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

adminRoutes.openapi(
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

adminRoutes.openapi(
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

adminRoutes.openapi(
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

const WINDOWS = { "1h": { windowMs: 3_600_000, bucketMs: 30_000 }, "24h": { windowMs: 86_400_000, bucketMs: 300_000 } } as const;

adminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/pools/{id}/history",
    summary: "Available energy over the last hour (30 s points) or day (5 min points)",
    request: {
      params: z.object({ id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }) }),
      query: z.object({ window: z.enum(["1h", "24h"]).default("1h") }).strict(),
    },
    responses: { 200: json(z.object({ pool_id: z.string(), window: z.string(), samples: z.array(z.record(z.string(), z.unknown())) }), "Samples"), ...errorResponses },
  }),
  async (c) => {
    const row = await poolRowOr404(c, c.req.valid("param").id);
    const { window } = c.req.valid("query");
    const { chain_time, samples } = await c.env.ENERGY_POOL.getByName(row.id).history(row.id, WINDOWS[window].windowMs, WINDOWS[window].bucketMs);
    const now = Date.now();
    return c.json({ pool_id: row.id, window, samples: samples.map((s) => ({ ...s, at: new Date(now + (s.at - chain_time)).toISOString() })) }, 200);
  },
);

adminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/withdrawals",
    summary: "Recent withdrawals of every user, newest first",
    request: {
      query: z
        .object({
          status: z.enum(WITHDRAWAL_STATUSES).optional(),
          user_id: z.string().min(1).max(128).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        })
        .strict(),
    },
    responses: { 200: json(z.object({ withdrawals: z.array(z.record(z.string(), z.unknown())) }), "Withdrawals"), ...errorResponses },
  }),
  async (c) => {
    const { status, user_id, limit } = c.req.valid("query");
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (status) {
      where.push("status = ?");
      args.push(status);
    }
    if (user_id) {
      where.push("user_id = ?");
      args.push(user_id);
    }
    const rows = (
      await c.env.DB.prepare(`SELECT * FROM withdrawals ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC LIMIT ?`)
        .bind(...args, limit)
        .all<WithdrawalRow>()
    ).results;
    return c.json({ withdrawals: rows.map((w) => ({ ...withdrawalView(w), user_id: w.user_id, pool_id: w.pool_id })) }, 200);
  },
);

adminRoutes.openapi(
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

adminRoutes.openapi(
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

adminRoutes.openapi(
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

adminRoutes.openapi(
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
