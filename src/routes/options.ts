import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { AppError, languageOf } from "../errors";
import { formatAmount } from "../domain/amount";
import { SLOT_MS } from "../domain/energy";
import { buildOptions, OPTION_METHODS, type OptionsDecision, type WithdrawalOption } from "../domain/options";
import { usdOfSun } from "../domain/pricing";
import { fallbackConfigOf, getPool } from "../db/pools";
import { getOwnWithdrawal, withdrawalView, type WithdrawalRow } from "../db/withdrawals";
import { TronClient } from "../tron/client";
import { ConfiguredTrxPrice } from "../pricing/trx-price";
import { optionDescription, processMessage } from "../i18n";
import { idempotently } from "../idempotency";
import type { Quote, RentalCandidate } from "../objects/energy-pool";
import { rankRentals, type RankedRental } from "../domain/external";
import { trxPaymentCostSun } from "../domain/fees";
import { gatherQuotes, QUOTE_VALID_MS } from "../rentals/quotes";
import { providerFigures } from "../rentals/records";
import { errorResponses, IdempotencyHeader, IdParam, router } from "./common";
import { ActionResult, body, json, ownOr404, poolOf, requireStatus } from "./withdrawal-shared";

export const optionRoutes = router();

// A postponement further out than this is a mistake more often than a plan.
const MAX_POSTPONE_MS = 7 * 24 * 3_600_000;

interface Assessment {
  energy: number;
  quote: Quote;
  decision: OptionsDecision;
  rentals: RankedRental[];
}

/** What check-options stored of the providers' quotes: process-with-option holds the user to it. */
interface StoredQuotes {
  quoted_at: number;
  energy: number;
  rentals: RankedRental[];
}

/** Energy simulated on chain for this recipient, the pool's quote, and the options they allow. */
async function assess(c: Context<AppEnv>, w: WithdrawalRow): Promise<Assessment> {
  const pool = await getPool(c.env.DB, w.pool_id);
  if (!pool) throw new Error(`withdrawal ${w.id} names pool ${w.pool_id}, which does not exist`);
  const tron = new TronClient(c.env.TRON_API_URL, { apiKey: c.env.TRON_API_KEY });
  const [energy, trx] = await Promise.all([
    tron.estimateTransferEnergy({ owner: pool.hot_wallet_address, contract: c.env.USDT_CONTRACT, to: w.to_address, amount: w.amount }),
    c.env.DB.prepare("SELECT available FROM balances WHERE user_id = ? AND asset = 'TRX'").bind(w.user_id).first<{ available: number }>(),
  ]);
  const quote = await poolOf(c, w.pool_id).quote(w.pool_id, energy);
  const config = fallbackConfigOf(pool);
  const short = energy > quote.status.energy_available || quote.queue_waiting > 0;
  let rentals: RankedRental[] = [];
  // Providers are asked only when renting is on and could be needed: quotes cost them (and us) time.
  if (short && config.external_pool_enabled && config.external_pool_providers.length && pool.rental_wallet_address) {
    const [quotes, records] = await Promise.all([gatherQuotes(c.env, config.external_pool_providers, energy, pool.rental_wallet_address), providerFigures(c.env.DB)]);
    const burnSun = trxPaymentCostSun({ energy, energyFeeSun: quote.status.energy_fee_sun, transactionFeeSun: quote.status.transaction_fee_sun, markup: 1 });
    rentals = rankRentals(quotes, records, burnSun, config.external_pool_max_premium);
  }
  const decision = buildOptions({
    requiredEnergy: energy,
    availableEnergy: quote.status.energy_available,
    queueWaiting: quote.queue_waiting,
    config,
    energyFeeSun: quote.status.energy_fee_sun,
    transactionFeeSun: quote.status.transaction_fee_sun,
    userTrxSun: trx?.available ?? 0,
    waitSlots: quote.wait_slots,
    rentals,
  });
  return { energy, quote, decision, rentals };
}

const OptionSchema = z
  .object({
    method: z.enum(OPTION_METHODS),
    immediate: z.boolean(),
    cost_trx: z.string(),
    cost_usd: z.string(),
    estimated_wait_minutes: z.number().optional(),
    priority: z.number().int().optional(),
    postpone_until: z.string().optional(),
    provider: z.string().optional(),
    available: z.boolean(),
    reason: z.string().optional(),
    description: z.string(),
  })
  .openapi("WithdrawalOption");

optionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/withdrawals/{id}/check-options",
    summary: "What can be done for this withdrawal now: every enabled option, priced",
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
    const { energy, quote, decision, rentals } = await assess(c, w);
    const stored: StoredQuotes = { quoted_at: Date.now(), energy, rentals };
    await c.env.DB.prepare("UPDATE withdrawals SET energy_required = ?, external_quotes = ?, updated_at = ? WHERE id = ? AND status = 'pending'")
      .bind(energy, JSON.stringify(stored), Date.now(), w.id)
      .run();
    const lang = languageOf(c.req.header("accept-language"));
    const price = await new ConfiguredTrxPrice(c.env.TRX_PRICE_USD).microUsdPerTrx();
    const now = Date.now();
    const view = ({ cost_sun, suggested_after_slots, ...o }: WithdrawalOption) => ({
      ...o,
      cost_trx: formatAmount(cost_sun),
      cost_usd: usdOfSun(cost_sun, price),
      ...(suggested_after_slots !== undefined ? { postpone_until: new Date(now + suggested_after_slots * SLOT_MS).toISOString() } : {}),
      description: optionDescription(o.method, lang),
    });
    return c.json(
      {
        can_process_immediately: decision.can_process_immediately,
        reason: decision.reason,
        required_energy: energy,
        energy_available: quote.status.energy_available,
        options: decision.options.map(view),
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
    postpone_until: z.iso
      .datetime({ offset: true })
      // Checked with the rest of the input, so a refused time writes nothing (not even the key).
      .refine((t) => {
        const delay = Date.parse(t) - Date.now();
        return delay > 0 && delay <= MAX_POSTPONE_MS;
      }, "must be in the future and within 7 days")
      .optional(),
  })
  .strict();

/** The chosen option as the options builder priced it now; refused with its reason when unavailable. */
function chosen(decision: OptionsDecision, method: WithdrawalOption["method"], priority?: 0 | 1): WithdrawalOption {
  const option = decision.options.find((o) => o.method === method && (priority === undefined || o.priority === priority));
  if (!option) throw new AppError("option_unavailable", { method, reason: decision.can_process_immediately ? "energy_available_use_standard" : "not_offered" });
  if (!option.available) throw new AppError("option_unavailable", { method, reason: option.reason ?? "unavailable" });
  return option;
}

optionRoutes.openapi(
  createRoute({
    method: "post",
    path: "/withdrawals/{id}/process-with-option",
    summary: "Carry the withdrawal out with the chosen option",
    request: { params: IdParam, headers: IdempotencyHeader, ...body(ProcessBody) },
    responses: { 200: json(ActionResult, "Processed"), ...errorResponses },
  }),
  async (c) =>
    idempotently(c, async () => {
      const input = c.req.valid("json");
      const w = await ownOr404(c, c.req.valid("param").id);
      requireStatus(w, "pending");
      const pool = poolOf(c, w.pool_id);
      const lang = languageOf(c.req.header("accept-language"));
      const start = { poolId: w.pool_id, withdrawalId: w.id, toAddress: w.to_address, amount: w.amount };

      if (input.method === "external_pool") {
        const res = await pool.processExternal({ ...start, ...(await rentalPlan(c, w, input.provider)) });
        if (!res.ok) throw new AppError(res.code, res.params);
        const after = (await getOwnWithdrawal(c.env.DB, w.id, w.user_id))!;
        const returned = after.status === "pending";
        return c.json(
          {
            success: !returned,
            result: { withdrawal: withdrawalView(after), provider: res.value.provider },
            message: processMessage(returned ? "external_failed" : "external_ordered", lang),
          },
          200,
        );
      }
      if (input.method === "standard") {
        const { energy } = await assess(c, w);
        const res = await pool.processStandard({ ...start, energy });
        if (!res.ok) throw new AppError(res.code, res.params);
        return sentReply(c, w, lang, "standard_sent");
      }

      const { energy, quote, decision } = await assess(c, w);
      if (input.method === "trx_payment") {
        const option = chosen(decision, "trx_payment");
        const res = await pool.processTrxPayment({ ...start, energy, costSun: option.cost_sun });
        if (!res.ok) throw new AppError(res.code, res.params);
        return sentReply(c, w, lang, "trx_payment_sent");
      }
      if (input.method === "queue_wait") {
        const priority = input.priority ?? 0;
        const option = chosen(decision, "queue_wait", priority);
        const res = await pool.enqueue({ ...start, energy, userId: w.user_id, priority, feeSun: option.cost_sun });
        if (!res.ok) throw new AppError(res.code, res.params);
        const after = (await getOwnWithdrawal(c.env.DB, w.id, w.user_id))!;
        const wait = res.value.estimated_start === null ? null : Math.max(0, res.value.estimated_start - quote.status.chain_time);
        return c.json(
          {
            success: true,
            result: {
              withdrawal: withdrawalView(after),
              queue: {
                position: res.value.position,
                priority,
                estimated_time: wait === null ? null : new Date(Date.now() + wait).toISOString(),
                estimated_wait_minutes: wait === null ? null : Math.ceil(wait / 60_000),
              },
            },
            message: processMessage("queued", lang),
          },
          200,
        );
      }

      // postpone: at the user's time, or when the model expects enough energy.
      // The time itself was validated with the body; a moment may have passed since.
      const delayMs = input.postpone_until
        ? Math.max(1_000, Date.parse(input.postpone_until) - Date.now())
        : (chosen(decision, "postpone").suggested_after_slots ?? 0) * SLOT_MS;
      // The pool keeps time by the chain; the user's instant is carried over as a delay from now.
      const res = await pool.postpone({ ...start, energy, userId: w.user_id, dueAt: quote.status.chain_time + delayMs });
      if (!res.ok) throw new AppError(res.code, res.params);
      const after = (await getOwnWithdrawal(c.env.DB, w.id, w.user_id))!;
      return c.json(
        {
          success: true,
          result: { withdrawal: withdrawalView(after) },
          message: processMessage("postponed", lang),
        },
        200,
      );
    }),
);

/**
 * The providers to try for a rental, from the quotes the user saw: the chosen one (or the cheapest)
 * first, then the other acceptable ones in rank order. The first one's charge is the cap: if a
 * fallback provider costs more, the exchange absorbs the difference, never the user.
 */
async function rentalPlan(c: Context<AppEnv>, w: WithdrawalRow, chosenProvider: string | undefined): Promise<{ energy: number; candidates: RentalCandidate[] }> {
  const stored = w.external_quotes ? (JSON.parse(w.external_quotes) as StoredQuotes) : null;
  if (!stored || Date.now() - stored.quoted_at > QUOTE_VALID_MS) throw new AppError("quote_expired");
  const pool = await getPool(c.env.DB, w.pool_id);
  const configured = new Map(fallbackConfigOf(pool!).external_pool_providers.map((p) => [p.name, p]));
  const acceptable = stored.rentals.filter((r) => r.acceptable && configured.has(r.provider as RentalCandidate["provider"]));
  const first = chosenProvider === undefined ? acceptable[0] : acceptable.find((r) => r.provider === chosenProvider);
  if (!first) throw new AppError("option_unavailable", { method: "external_pool", reason: chosenProvider ? "provider_not_acceptable" : "no_provider" });
  const ordered = [first, ...acceptable.filter((r) => r !== first)];
  return {
    energy: stored.energy,
    candidates: ordered.map((r) => {
      const p = configured.get(r.provider as RentalCandidate["provider"])!;
      return { provider: p.name, base_url: p.base_url, markup: p.markup, cost_sun: r.cost_sun, charge_sun: r.charge_sun };
    }),
  };
}

async function sentReply(c: Context<AppEnv>, w: WithdrawalRow, lang: "en" | "ko", sent: "standard_sent" | "trx_payment_sent") {
  const after = (await getOwnWithdrawal(c.env.DB, w.id, w.user_id))!;
  const key = after.status === "failed" ? "standard_failed" : after.status === "broadcast" ? sent : "standard_pending";
  return c.json({ success: after.status !== "failed", result: { withdrawal: withdrawalView(after) }, message: processMessage(key, lang) }, 200);
}
