import { createRoute, z } from "@hono/zod-openapi";
import { AppError, languageOf } from "../errors";
import { parseAmount } from "../domain/amount";
import { getOwnWithdrawal, transition, withdrawalView, WITHDRAWAL_STATUSES, type WithdrawalRow } from "../db/withdrawals";
import { processMessage } from "../i18n";
import { idempotently } from "../idempotency";
import { AmountString, errorResponses, IdempotencyHeader, IdParam, identity, router, TronAddress } from "./common";
import { ActionResult, body, json, ownOr404, poolOf, requireStatus, Withdrawal } from "./withdrawal-shared";

export const withdrawalRoutes = router();

withdrawalRoutes.openapi(
  createRoute({
    method: "post",
    path: "/withdrawals",
    summary: "Create a USDT withdrawal; the amount is held at once",
    request: { headers: IdempotencyHeader, ...body(z.object({ to_address: TronAddress, amount: AmountString }).strict()) },
    responses: { 201: json(Withdrawal, "Created (or replayed)"), ...errorResponses },
  }),
  async (c) =>
    idempotently(c, async () => {
    const { to_address, amount } = c.req.valid("json");
    const units = parseAmount(amount);
    if (!units.ok) throw new AppError("invalid_request", { detail: "amount" }, "amount");
    const { userId } = identity(c);
    const key = c.req.header("idempotency-key")!;
    const id = crypto.randomUUID();
    const now = Date.now();
    const db = c.env.DB;
    try {
      await db.batch([
        db
          .prepare(
            `INSERT INTO withdrawals (id, user_id, pool_id, to_address, amount, status, priority, fee_sun, idempotency_key, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, 'pending', 0, 0, ?, ?, ?)`,
          )
          .bind(id, userId, c.env.DEFAULT_POOL_ID, to_address, units.units, key, now, now),
        db
          .prepare("INSERT INTO holds (id, user_id, asset, amount, purpose, withdrawal_id, state, created_at) VALUES (?, ?, 'USDT', ?, 'withdrawal', ?, 'held', ?)")
          .bind(crypto.randomUUID(), userId, units.units, id, now),
      ]);
    } catch (e) {
      const text = String(e);
      if (text.includes("CHECK constraint failed")) throw new AppError("insufficient_balance", { asset: "USDT" });
      // The key's earlier invocation died after its batch committed: hand back what it created.
      if (text.includes("UNIQUE constraint failed: withdrawals.user_id, withdrawals.idempotency_key")) {
        const existing = await db.prepare("SELECT * FROM withdrawals WHERE user_id = ? AND idempotency_key = ?").bind(userId, key).first<WithdrawalRow>();
        if (existing) return c.json(withdrawalView(existing), 201);
      }
      throw e;
    }
    const created = (await getOwnWithdrawal(db, id, userId))!;
    await poolOf(c, created.pool_id).announce(created.pool_id, created.id, "created");
    return c.json(withdrawalView(created), 201);
    }),
);

const ListQuery = z
  .object({
    status: z.enum(WITHDRAWAL_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z
      .string()
      .regex(/^\d{1,15}:[0-9a-f-]{36}$/, "cursor from a previous page")
      .optional(),
  })
  .strict();

withdrawalRoutes.openapi(
  createRoute({
    method: "get",
    path: "/withdrawals",
    summary: "The caller's withdrawals, newest first",
    request: { query: ListQuery },
    responses: { 200: json(z.object({ withdrawals: z.array(Withdrawal), next_cursor: z.string().nullable() }), "A page"), ...errorResponses },
  }),
  async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    const where = ["user_id = ?"];
    const args: (string | number)[] = [identity(c).userId];
    if (status) {
      where.push("status = ?");
      args.push(status);
    }
    if (cursor) {
      const [at, id] = cursor.split(":");
      where.push("(created_at < ? OR (created_at = ? AND id < ?))");
      args.push(Number(at), Number(at), id);
    }
    const rows = (
      await c.env.DB.prepare(`SELECT * FROM withdrawals WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT ?`)
        .bind(...args, limit + 1)
        .all<WithdrawalRow>()
    ).results;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return c.json({ withdrawals: page.map(withdrawalView), next_cursor: rows.length > limit && last ? `${last.created_at}:${last.id}` : null }, 200);
  },
);

withdrawalRoutes.openapi(
  createRoute({
    method: "get",
    path: "/withdrawals/{id}",
    summary: "One of the caller's withdrawals",
    request: { params: IdParam },
    responses: { 200: json(Withdrawal, "The withdrawal"), ...errorResponses },
  }),
  async (c) => c.json(withdrawalView(await ownOr404(c, c.req.valid("param").id)), 200),
);

withdrawalRoutes.openapi(
  createRoute({
    method: "post",
    path: "/withdrawals/{id}/cancel",
    summary: "Cancel a withdrawal that has not started (pending, queued or postponed); everything held is refunded",
    request: { params: IdParam, headers: IdempotencyHeader },
    responses: { 200: json(ActionResult, "Cancelled"), ...errorResponses },
  }),
  async (c) =>
    idempotently(c, async () => {
      const w = await ownOr404(c, c.req.valid("param").id);
      requireStatus(w, "pending", "queued", "postponed");
      if (w.status === "pending") {
        const moved = await transition(c.env.DB, w.id, { from: ["pending"], to: "cancelled", holds: { action: "release" }, notify: { kind: "cancelled" } });
        if (!moved) requireStatus((await getOwnWithdrawal(c.env.DB, w.id, w.user_id))!, "pending");
        await poolOf(c, w.pool_id).announce(w.pool_id, w.id, "cancelled");
      } else {
        // Queued and postponed entries live in the pool too: it removes them before refunding.
        const res = await poolOf(c, w.pool_id).cancel(w.pool_id, w.id);
        if (!res.ok) throw new AppError(res.code, res.params);
      }
      const after = (await getOwnWithdrawal(c.env.DB, w.id, w.user_id))!;
      return c.json({ success: true, result: { withdrawal: withdrawalView(after) }, message: processMessage("cancelled", languageOf(c.req.header("accept-language"))) }, 200);
    }),
);

const QueueEntry = z.object({
  withdrawal_id: z.string(),
  position: z.number().int(),
  priority: z.number().int(),
  estimated_time: z.string().nullable(),
  estimated_wait_minutes: z.number().nullable(),
  queued_at: z.string(),
});

withdrawalRoutes.openapi(
  createRoute({
    method: "get",
    path: "/withdrawals/queue/my-position",
    summary: "The caller's queued withdrawals: place in line and estimated start",
    responses: { 200: json(z.object({ in_queue: z.boolean(), entries: z.array(QueueEntry) }), "Positions"), ...errorResponses },
  }),
  async (c) => {
    const rows = (
      await c.env.DB.prepare("SELECT id, pool_id FROM withdrawals WHERE user_id = ? AND status = 'queued' ORDER BY created_at LIMIT 100")
        .bind(identity(c).userId)
        .all<{ id: string; pool_id: string }>()
    ).results;
    const byPool = new Map<string, typeof rows>();
    for (const r of rows) byPool.set(r.pool_id, [...(byPool.get(r.pool_id) ?? []), r]);
    const now = Date.now();
    const entries = (
      await Promise.all(
        [...byPool].map(async ([poolId, ws]) => {
          const { chain_time, positions } = await poolOf(c, poolId).positions(poolId, ws.map((w) => w.id));
          // Pool times are chain times; users read wall-clock times.
          const wall = (t: number) => new Date(now + (t - chain_time)).toISOString();
          return positions.map((p) => ({
            withdrawal_id: p.withdrawal_id,
            position: p.position,
            priority: p.priority,
            estimated_time: p.estimated_start === null ? null : wall(p.estimated_start),
            estimated_wait_minutes: p.estimated_start === null ? null : Math.max(0, Math.ceil((p.estimated_start - chain_time) / 60_000)),
            queued_at: wall(p.queued_at),
          }));
        }),
      )
    ).flat();
    return c.json({ in_queue: entries.length > 0, entries }, 200);
  },
);
