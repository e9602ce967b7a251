// Resource arithmetic of java-tron's ResourceProcessor / EnergyProcessor, reproduced
// operation by operation so that numbers match a real node to the unit. Integer steps run
// in BigInt (java-tron's "harden" path); the decay step stays a double multiply plus
// Math.round because that is what the Java code does and its rounding is observable.

const WINDOW_SIZE = 28_800;
const WINDOW_SIZE_PRECISION = 1_000;
export const TOTAL_ENERGY_CURRENT_LIMIT = 180_000_000_000;
export const FREE_NET_LIMIT = 600;
export const TOTAL_NET_LIMIT = 43_200_000_000;

const PRECISION = 1_000_000n;
const FULL_WINDOW_V2 = WINDOW_SIZE * WINDOW_SIZE_PRECISION;

/** One account's usage of one resource, as java-tron stores it (window kept in V2 form). */
export interface Usage {
  usage: number;
  /** Slot of the last consumption; 0 together with usage 0 means "never used". */
  lastSlot: number;
  /** energy_window_size with energy_window_optimized = true; 0 = never written. */
  windowSizeV2: number;
}

export const freshUsage = (): Usage => ({ usage: 0, lastSlot: 0, windowSizeV2: 0 });

function windowSize(u: Usage): number {
  if (u.windowSizeV2 === 0 || u.windowSizeV2 < WINDOW_SIZE_PRECISION) return WINDOW_SIZE;
  return Math.floor(u.windowSizeV2 / WINDOW_SIZE_PRECISION);
}

function windowSizeV2(u: Usage): number {
  return u.windowSizeV2 === 0 ? FULL_WINDOW_V2 : u.windowSizeV2;
}

function divideCeil(numerator: bigint, denominator: bigint): bigint {
  return numerator / denominator + (numerator % denominator > 0n ? 1n : 0n);
}

function decayAverage(average: bigint, lastSlot: number, now: number, window: number): bigint {
  if (lastSlot === now) return average;
  if (lastSlot + window <= now) return 0n;
  const decay = (window - (now - lastSlot)) / window;
  return BigInt(Math.round(Number(average) * decay));
}

/** ResourceProcessor.increase(lastUsage, usage, lastTime, now, windowSize): fixed-window ramp. */
export function increase(lastUsage: number, usage: number, lastSlot: number, now: number, window = WINDOW_SIZE): number {
  const w = BigInt(window);
  const averageLast = decayAverage(divideCeil(BigInt(lastUsage) * PRECISION, w), lastSlot, now, window);
  const average = averageLast + divideCeil(BigInt(usage) * PRECISION, w);
  return Number((average * w) / PRECISION);
}

/** ResourceProcessor.recovery: the usage left at slot `now` under the account's own window. */
export function recovery(u: Usage, now: number): number {
  return increase(u.usage, 0, u.lastSlot, now, windowSize(u));
}

/**
 * EnergyProcessor.useEnergy through ResourceProcessor.increaseV2: the decayed remainder and
 * the new use merge into one ramp whose window is their usage-weighted mix.
 */
export function consume(u: Usage, usage: number, now: number): Usage {
  const oldWindow = windowSize(u);
  const ow = BigInt(oldWindow);
  const w = BigInt(WINDOW_SIZE);
  const averageLast = decayAverage(divideCeil(BigInt(u.usage) * PRECISION, ow), u.lastSlot, now, oldWindow);
  const average = divideCeil(BigInt(usage) * PRECISION, w);
  const newUsage = (averageLast * ow + average * w) / PRECISION;
  const remainUsage = (averageLast * ow) / PRECISION;
  if (remainUsage === 0n) return { usage: Number(newUsage), lastSlot: now, windowSizeV2: FULL_WINDOW_V2 };

  const remainWindow = BigInt(windowSizeV2(u)) - BigInt(now - u.lastSlot) * BigInt(WINDOW_SIZE_PRECISION);
  const merged = divideCeil(
    remainUsage * remainWindow + BigInt(usage) * w * BigInt(WINDOW_SIZE_PRECISION),
    newUsage,
  );
  const capped = merged < BigInt(FULL_WINDOW_V2) ? merged : BigInt(FULL_WINDOW_V2);
  return { usage: Number(newUsage), lastSlot: now, windowSizeV2: Number(capped) };
}

/** EnergyProcessor.calculateGlobalEnergyLimitV2, including its double arithmetic. */
export function energyLimit(stakeSun: bigint, totalEnergyWeight: number): number {
  if (totalEnergyWeight <= 0) return 0;
  return Math.trunc((Number(stakeSun) / 1e6) * (TOTAL_ENERGY_CURRENT_LIMIT / totalEnergyWeight));
}
