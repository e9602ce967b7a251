import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../../errors";
import { listPools } from "../../db/pools";
import { getWithdrawal, withdrawalView, WITHDRAWAL_STATUSES, type WithdrawalRow } from "../../db/withdrawals";
import { errorResponses, router } from "../common";
import { json, PoolQuery, poolRowOr404 } from "./shared";

// Operators' view of the pools: status, chart samples, the queue (and its priorities), withdrawals.

export const adminPoolRoutes = router();

adminPoolRoutes.openapi(
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


adminPoolRoutes.openapi(
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

adminPoolRoutes.openapi(
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


const WINDOWS = { "1h": { windowMs: 3_600_000, bucketMs: 30_000 }, "24h": { windowMs: 86_400_000, bucketMs: 300_000 } } as const;

adminPoolRoutes.openapi(
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

adminPoolRoutes.openapi(
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
