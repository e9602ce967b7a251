import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AppError } from "../errors";
import type { AppEnv } from "../app-env";
import { getOwnWithdrawal, WITHDRAWAL_STATUSES, type WithdrawalRow } from "../db/withdrawals";
import { identity } from "./common";

export const Withdrawal = z
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
    postpone_until: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Withdrawal");

export const ActionResult = z.object({ success: z.boolean(), result: z.object({ withdrawal: Withdrawal }).passthrough(), message: z.string() });

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
export const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });

export async function ownOr404(c: Context<AppEnv>, id: string): Promise<WithdrawalRow> {
  const w = await getOwnWithdrawal(c.env.DB, id, identity(c).userId);
  // Another user's withdrawal is reported exactly like a missing one, so ids cannot be probed.
  if (!w) throw new AppError("not_found", { what: "Withdrawal" });
  return w;
}

export function requireStatus(w: WithdrawalRow, ...allowed: WithdrawalRow["status"][]) {
  if (!allowed.includes(w.status)) throw new AppError("invalid_state", { status: w.status, expected: allowed.join(" or ") });
}

export function poolOf(c: Context<AppEnv>, poolId: string) {
  return c.env.ENERGY_POOL.getByName(poolId);
}
