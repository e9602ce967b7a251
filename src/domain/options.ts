// Building the choices a user sees for one withdrawal. Pure: every input is passed in.

export const OPTION_METHODS = ["standard", "trx_payment", "queue_wait", "external_pool", "postpone"] as const;
export type OptionMethod = (typeof OPTION_METHODS)[number];

export interface WithdrawalOption {
  method: OptionMethod;
  immediate: boolean;
  /** Sun the user pays for this option. */
  cost_sun: number;
  estimated_wait_minutes?: number;
  provider?: string;
  available: boolean;
  reason?: string;
}

export interface OptionsInput {
  requiredEnergy: number;
  availableEnergy: number;
}

export interface OptionsDecision {
  can_process_immediately: boolean;
  reason: "energy_insufficient" | null;
  options: WithdrawalOption[];
  recommendation: OptionMethod | null;
}

export function buildOptions(input: OptionsInput): OptionsDecision {
  const fits = input.requiredEnergy <= input.availableEnergy;
  const options: WithdrawalOption[] = fits
    ? [{ method: "standard", immediate: true, cost_sun: 0, available: true }]
    : [];
  return {
    can_process_immediately: fits,
    reason: fits ? null : "energy_insufficient",
    options,
    recommendation: recommend(options),
  };
}

/** The cheapest option that is both available and immediate; ties keep the listed order. */
export function recommend(options: WithdrawalOption[]): OptionMethod | null {
  let best: WithdrawalOption | null = null;
  for (const o of options) {
    if (!o.available || !o.immediate) continue;
    if (best === null || o.cost_sun < best.cost_sun) best = o;
  }
  return best?.method ?? null;
}
