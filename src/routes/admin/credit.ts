import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../../errors";
import { ASSETS, parseAmount } from "../../domain/amount";
import { idempotently } from "../../idempotency";
import { AmountString, errorResponses, IdempotencyHeader, identity, router } from "../common";
import { json } from "./shared";

// Deposits: the only way money enters a user's balance, through the ledger like every change.

export const adminCreditRoutes = router();

const UserParam = z.object({ id: z.string().min(1).max(128).openapi({ param: { name: "id", in: "path" } }) });

adminCreditRoutes.openapi(
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
