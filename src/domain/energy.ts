// TRON's energy model (java-tron ResourceProcessor): used energy decays linearly to zero over the
// account's window, so the pool's future availability is predictable. Wait-time estimates are
// derived from here rather than from a constant.

export const SLOT_MS = 3_000;
export const WINDOW_SLOTS = 28_800;
const PRECISION = 1_000_000;

/** Usage left after `elapsedSlots` of recovery, as java-tron's `recovery` computes it. */
export function decayedUsage(usage: number, elapsedSlots: number, windowSlots = WINDOW_SLOTS): number {
  if (usage <= 0) return 0;
  if (elapsedSlots >= windowSlots) return 0;
  let average = Math.ceil((usage * PRECISION) / windowSlots);
  if (elapsedSlots > 0) average = Math.round(average * ((windowSlots - elapsedSlots) / windowSlots));
  return Math.floor((average * windowSlots) / PRECISION);
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

/**
 * Slots until `needed` energy is free, assuming the current usage keeps decaying and nothing new
 * is consumed; null when it can never fit (more than the whole limit).
 */
export function slotsUntilAvailable(p: PoolEnergy, needed: number, windowSlots = WINDOW_SLOTS): number | null {
  if (needed > p.limit - p.reserved) return null;
  if (needed <= availableEnergy(p)) return 0;
  let lo = 1;
  let hi = windowSlots;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (p.limit - decayedUsage(p.used, mid, windowSlots) - p.reserved >= needed) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
