// TRON's energy model (java-tron ResourceProcessor): used energy decays linearly to zero over the
// account's window, and new use merges with the decaying remainder into one ramp whose window is
// the usage-weighted mix of the remaining window and a full one (`increaseV2`). Availability in
// the future is therefore predictable, and wait estimates are derived from here.

export const SLOT_MS = 3_000;
export const WINDOW_SLOTS = 28_800;

/** Usage `usage` now, falling linearly to zero `remainingSlots` from now. */
export interface Ramp {
  usage: number;
  remainingSlots: number;
}

export function usageAfter(r: Ramp, slots: number): number {
  if (r.usage <= 0 || slots >= r.remainingSlots) return 0;
  if (slots <= 0) return r.usage;
  return (r.usage * (r.remainingSlots - slots)) / r.remainingSlots;
}

/** The ramp `slots` from now, once `energy` more has been consumed at that moment. */
export function consumeAt(r: Ramp, slots: number, energy: number): Ramp {
  const remain = usageAfter(r, slots);
  const usage = remain + energy;
  if (usage <= 0) return { usage: 0, remainingSlots: WINDOW_SLOTS };
  const remainingWindow = Math.max(0, r.remainingSlots - slots);
  return { usage, remainingSlots: Math.min(WINDOW_SLOTS, (remain * remainingWindow + energy * WINDOW_SLOTS) / usage) };
}

/** First slot from now at which `needed` energy is free under `limit`; null if it never will be. */
export function slotsUntilFree(r: Ramp, limit: number, needed: number): number | null {
  if (needed > limit) return null;
  if (limit - r.usage >= needed) return 0;
  return Math.ceil(r.remainingSlots * (1 - (limit - needed) / r.usage));
}

/**
 * The ramp as the chain reports it: usage already decayed to the head block, the window of the last
 * consumption (`energy_window_size`, in thousandths of a slot when `energy_window_optimized`) and
 * when that consumption happened.
 */
export function rampFromAccount(a: { used: number; windowSize: number; windowOptimized: boolean; lastConsumeMs: number; headMs: number }): Ramp {
  const window = a.windowSize <= 0 ? WINDOW_SLOTS : a.windowOptimized ? a.windowSize / 1000 : a.windowSize;
  const elapsed = a.lastConsumeMs > 0 ? Math.max(0, (a.headMs - a.lastConsumeMs) / SLOT_MS) : 0;
  return { usage: a.used, remainingSlots: Math.max(1, window - elapsed) };
}

export interface PoolEnergy {
  /** EnergyLimit of the hot wallet. */
  limit: number;
  /** EnergyUsed of the hot wallet, already decayed to the head block. */
  used: number;
  /** Energy promised to withdrawals that the chain does not reflect yet. */
  reserved: number;
}

export function availableEnergy(p: PoolEnergy): number {
  return Math.max(0, p.limit - p.used - p.reserved);
}

export function usagePercent(p: PoolEnergy): number {
  if (p.limit <= 0) return 100;
  return Math.min(100, ((p.limit - availableEnergy(p)) * 100) / p.limit);
}
