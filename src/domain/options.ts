import type { FallbackConfig } from "./config";
import { SLOT_MS } from "./energy";
import { trxPaymentCostSun } from "./fees";
import type { RankedRental } from "./external";

// Building the choices a user sees for one withdrawal. Pure: every input is passed in.

export const OPTION_METHODS = ["standard", "trx_payment", "queue_wait", "external_pool", "postpone"] as const;
export type OptionMethod = (typeof OPTION_METHODS)[number];

export type UnavailableReason =
  | "insufficient_trx_balance"
  | "below_min_trx_balance"
  | "queue_wait_exceeds_max"
  | "never_fits"
  | "exceeds_max_premium";

export interface WithdrawalOption {
  method: OptionMethod;
  immediate: boolean;
  /** Sun the user pays for this option. */
  cost_sun: number;
  estimated_wait_minutes?: number;
  priority?: 0 | 1;
  /** When the model expects enough energy (postpone only), in slots from now. */
  suggested_after_slots?: number;
  provider?: string;
  available: boolean;
  reason?: UnavailableReason;
}

export interface OptionsInput {
  requiredEnergy: number;
  availableEnergy: number;
  /** Entries waiting in the pool's queue: while any wait, the free energy is theirs. */
  queueWaiting: number;
  config: FallbackConfig;
  energyFeeSun: number;
  transactionFeeSun: number;
  userTrxSun: number;
  /** Slots until this withdrawal would start at the back of its priority class; null: never. */
  waitSlots: { normal: number | null; priority: number | null };
  /** Providers that answered, ranked (empty when external energy is off or nobody answered). */
  rentals: RankedRental[];
}

export interface OptionsDecision {
  can_process_immediately: boolean;
  reason: "energy_insufficient" | "queue_waiting" | null;
  options: WithdrawalOption[];
  recommendation: OptionMethod | null;
}

const minutes = (slots: number) => Math.ceil((slots * SLOT_MS) / 60_000);

export function buildOptions(input: OptionsInput): OptionsDecision {
  const fits = input.requiredEnergy <= input.availableEnergy;
  if (fits && input.queueWaiting === 0) {
    const options: WithdrawalOption[] = [{ method: "standard", immediate: true, cost_sun: 0, available: true }];
    return { can_process_immediately: true, reason: null, options, recommendation: "standard" };
  }

  const cfg = input.config;
  const options: WithdrawalOption[] = [];
  if (cfg.trx_payment_enabled) {
    const cost = trxPaymentCostSun({ energy: input.requiredEnergy, energyFeeSun: input.energyFeeSun, transactionFeeSun: input.transactionFeeSun, markup: cfg.trx_payment_markup });
    const reason: UnavailableReason | undefined =
      input.userTrxSun < cfg.trx_payment_min_balance ? "below_min_trx_balance" : input.userTrxSun < cost ? "insufficient_trx_balance" : undefined;
    options.push({ method: "trx_payment", immediate: true, cost_sun: cost, available: !reason, ...(reason ? { reason } : {}) });
  }
  if (cfg.external_pool_enabled) {
    for (const r of input.rentals) {
      const reason: UnavailableReason | undefined = !r.acceptable ? "exceeds_max_premium" : input.userTrxSun < r.charge_sun ? "insufficient_trx_balance" : undefined;
      options.push({ method: "external_pool", immediate: true, cost_sun: r.charge_sun, provider: r.provider, available: !reason, ...(reason ? { reason } : {}) });
    }
  }
  if (cfg.queue_enabled) {
    const maxSlots = (cfg.queue_max_wait_hours * 3_600_000) / SLOT_MS;
    const queueOption = (priority: 0 | 1, slots: number | null, cost: number): WithdrawalOption => {
      const reason: UnavailableReason | undefined =
        slots === null ? "never_fits" : slots > maxSlots ? "queue_wait_exceeds_max" : input.userTrxSun < cost ? "insufficient_trx_balance" : undefined;
      return {
        method: "queue_wait",
        immediate: false,
        cost_sun: cost,
        priority,
        ...(slots !== null ? { estimated_wait_minutes: minutes(slots) } : {}),
        available: !reason,
        ...(reason ? { reason } : {}),
      };
    };
    options.push(queueOption(0, input.waitSlots.normal, 0));
    options.push(queueOption(1, input.waitSlots.priority, cfg.queue_priority_fee));
  }
  const postponeSlots = input.waitSlots.normal;
  options.push({
    method: "postpone",
    immediate: false,
    cost_sun: 0,
    ...(postponeSlots !== null ? { estimated_wait_minutes: minutes(postponeSlots), suggested_after_slots: postponeSlots } : {}),
    available: postponeSlots !== null,
    ...(postponeSlots === null ? { reason: "never_fits" as const } : {}),
  });

  return {
    can_process_immediately: false,
    reason: fits ? "queue_waiting" : "energy_insufficient",
    options,
    recommendation: recommend(options),
  };
}

/**
 * The cheapest available option that sends at once; when none can, the cheapest available one,
 * the shorter wait winning a tie. Ties otherwise keep the listed order.
 */
export function recommend(options: WithdrawalOption[]): OptionMethod | null {
  const available = options.filter((o) => o.available);
  const immediate = available.filter((o) => o.immediate);
  const pool = immediate.length ? immediate : available;
  let best: WithdrawalOption | null = null;
  for (const o of pool) {
    if (best === null || o.cost_sun < best.cost_sun || (o.cost_sun === best.cost_sun && (o.estimated_wait_minutes ?? 0) < (best.estimated_wait_minutes ?? 0))) best = o;
  }
  return best?.method ?? null;
}
