import { mulDivCeil } from "./amount";

// TRON rejects a fee_limit above 15,000 TRX.
export const MAX_FEE_LIMIT_SUN = 15_000_000_000;
// The estimate comes from a simulation against the current state; a recipient's balance or the
// contract's dynamic energy factor can move before the transfer lands, so leave room.
export const FEE_LIMIT_HEADROOM_PERCENT = 130;

/**
 * fee_limit caps ALL energy of the call, staked or burned: it must cover the whole estimate at the
 * live energy price even when the pool pays with staked energy, or the transfer dies OUT_OF_ENERGY.
 */
export function feeLimitSun(estimatedEnergy: number, energyFeeSun: number): number {
  const energy = mulDivCeil(estimatedEnergy, FEE_LIMIT_HEADROOM_PERCENT, 100);
  return Math.min(MAX_FEE_LIMIT_SUN, energy * energyFeeSun);
}

/** TRX burned when `needed` energy exceeds what the account has staked. */
export function burnSun(needed: number, available: number, energyFeeSun: number): number {
  return Math.max(0, needed - available) * energyFeeSun;
}
