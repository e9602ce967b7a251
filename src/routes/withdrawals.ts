import { createRoute, z } from "@hono/zod-openapi";
import { AppError, languageOf } from "../errors";
import { parseAmount } from "../domain/amount";
import { buildOptions, OPTION_METHODS } from "../domain/options";
import { parseUsdPrice, usdOfSun } from "../domain/pricing";
import { getOwnWithdrawal, transition, withdrawalView, WITHDRAWAL_STATUSES, type WithdrawalRow } from "../db/withdrawals";
import { getPool } from "../db/pools";
import { TronClient } from "../tron/client";
import { optionDescription, processMessage } from "../i18n";
import { idempotently } from "../idempotency";
import { AmountString, errorResponses, IdempotencyHeader, IdParam, identity, router, TronAddress } from "./common";
import { formatAmount } from "../domain/amount";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";

export const withdrawalRoutes = router();

const Withdrawal = z
  .object({
    id: z.string(),
    asset: z.literal("USDT"),
    to_address: z.string(),
    amount: z.string(),
    status: z.enum(WITHDRAWAL_STATUSES),
    method: z.string().nullable(),
    priority: z.number().int(),
    energy_required: z.number().int().nullable(),
    fee_trx: z.string(),
    tx_id: z.string().nullable(),
    failure_reason: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Withdrawal");

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });

async function ownOr404(c: Context<AppEnv>, id: string): Promise<WithdrawalRow> {
  const w = await getOwnWithdrawal(c.env.DB, id, identity(c).userId);
  // Another user's withdrawal is reported exactly like a missing one, so ids cannot be probed.
  if (!w) throw new AppError("not_found", { what: "Withdrawal" });
  return w;
}

function requireStatus(w: WithdrawalRow, ...allowed: WithdrawalRow["status"][]) {
  if (!allowed.includes(w.status)) throw new AppError("invalid_state", { status: w.status, expected: allowed.join(" or ") });
}

function tron(c: Context<AppEnv>) {
  return new TronClient(c.env.TRON_API_URL, { apiKey: c.env.TRON_API_KEY });
}

async function estimateEnergy(c: Context<AppEnv>, w: WithdrawalRow): Promise<{ energy: number; hotWallet: string }> {
  const pool = await getPool(c.env.DB, w.pool_id);
  if (!pool) throw new Error(`withdrawal ${w.id} names pool ${w.pool_id}, which does not exist`);
  const energy = await tron(c).estimateTransferEnergy({ owner: pool.hot_wallet_address, contract: c.env.USDT_CONTRACT, to: w.to_address, amount: w.amount });
  return { energy, hotWallet: pool.hot_wallet_address };
}

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

const OptionSchema = z
  .object({
    method: z.enum(OPTION_METHODS),
    immediate: z.boolean(),
    cost_trx: z.string(),
    cost_usd: z.string(),
    estimated_wait_minutes: z.number().optional(),
    provider: z.string().optional(),
    available: z.boolean(),
    reason: z.string().optional(),
    description: z.string(),
  })
  .openapi("WithdrawalOption");

withdrawalRoutes.openapi(
  createRoute({
    method: "post",
    path: "/withdrawals/{id}/check-options",
    summary: "What the pool can do for this withdrawal now",
    request: { params: IdParam },
    responses: {
      200: json(
        z.object({
          can_process_immediately: z.boolean(),
          reason: z.string().nullable(),
          required_energy: z.number().int(),
          energy_available: z.number().int(),
          options: z.array(OptionSchema),
          recommendation: z.enum(OPTION_METHODS).nullable(),
        }),
        "Options",
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const w = await ownOr404(c, c.req.valid("param").id);
    requireStatus(w, "pending");
    const [{ energy }, status] = await Promise.all([estimateEnergy(c, w), c.env.ENERGY_POOL.getByName(w.pool_id).status(w.pool_id)]);
    await c.env.DB.prepare("UPDATE withdrawals SET energy_required = ?, updated_at = ? WHERE id = ? AND status = 'pending'").bind(energy, Date.now(), w.id).run();
    const decision = buildOptions({ requiredEnergy: energy, availableEnergy: status.energy_available });
    const lang = languageOf(c.req.header("accept-language"));
    const price = parseUsdPrice(c.env.TRX_PRICE_USD);
    return c.json(
      {
        can_process_immediately: decision.can_process_immediately,
        reason: decision.reason,
        required_energy: energy,
        energy_available: status.energy_available,
        options: decision.options.map(({ cost_sun, ...o }) => ({
          ...o,
          cost_trx: formatAmount(cost_sun),
          cost_usd: usdOfSun(cost_sun, price),
          description: optionDescription(o.method, lang),
        })),
        recommendation: decision.recommendation,
      },
      200,
    );
  },
);

const ProcessBody = z
  .object({
    method: z.enum(OPTION_METHODS),
    priority: z.union([z.literal(0), z.literal(1)]).optional(),
    provider: z.string().min(1).max(64).optional(),
    postpone_until: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

withdrawalRoutes.openapi(
  createRoute({
    method: "post",
    path: "/withdrawals/{id}/process-with-option",
    summary: "Carry the withdrawal out with the chosen option",
    request: { params: IdParam, headers: IdempotencyHeader, ...body(ProcessBody) },
    responses: {
      200: json(z.object({ success: z.boolean(), result: z.object({ withdrawal: Withdrawal }), message: z.string() }), "Processed"),
      ...errorResponses,
    },
  }),
  async (c) =>
    idempotently(c, async () => {
    const { method } = c.req.valid("json");
    const w = await ownOr404(c, c.req.valid("param").id);
    requireStatus(w, "pending");
    if (method !== "standard") throw new AppError("option_unavailable", { method });
    const { energy } = await estimateEnergy(c, w);
    const res = await c.env.ENERGY_POOL.getByName(w.pool_id).processStandard({
      poolId: w.pool_id,
      withdrawalId: w.id,
      toAddress: w.to_address,
      amount: w.amount,
      energy,
    });
    if (!res.ok) throw new AppError(res.code, res.params);
    const after = (await getOwnWithdrawal(c.env.DB, w.id, w.user_id))!;
    const lang = languageOf(c.req.header("accept-language"));
    const key = after.status === "failed" ? "standard_failed" : after.status === "broadcast" ? "standard_sent" : "standard_pending";
    return c.json({ success: after.status !== "failed", result: { withdrawal: withdrawalView(after) }, message: processMessage(key, lang) }, 200);
    }),
);

withdrawalRoutes.openapi(
  createRoute({
    method: "post",
    path: "/withdrawals/{id}/cancel",
    summary: "Cancel a withdrawal that has not started; the amount is refunded",
    request: { params: IdParam, headers: IdempotencyHeader },
    responses: { 200: json(z.object({ success: z.boolean(), result: z.object({ withdrawal: Withdrawal }), message: z.string() }), "Cancelled"), ...errorResponses },
  }),
  async (c) =>
    idempotently(c, async () => {
    const w = await ownOr404(c, c.req.valid("param").id);
    requireStatus(w, "pending");
    const moved = await transition(c.env.DB, w.id, { from: ["pending"], to: "cancelled", holds: "release" });
    const after = (await getOwnWithdrawal(c.env.DB, w.id, w.user_id))!;
    if (!moved) requireStatus(after, "pending");
    return c.json({ success: true, result: { withdrawal: withdrawalView(after) }, message: processMessage("cancelled", languageOf(c.req.header("accept-language"))) }, 200);
    }),
);
