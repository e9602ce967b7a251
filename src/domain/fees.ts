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

// Bandwidth of a signed USDT transfer: raw_data protobuf + one 65-byte signature + 64 (java-tron's
// rule), measured at 345 bytes on the devnet. Charged as burned in the TRX-payment price because the
// fee wallet's daily free bandwidth (600) covers barely one transfer.
export const TRANSFER_BANDWIDTH_BYTES = 345;

/** Markups are kept as basis points so that prices stay integer arithmetic. */
export function markupBasisPoints(markup: number): number {
  return Math.round(markup * 10_000);
}

/**
 * What a user pays to send at once in TRX: the whole transfer's energy burned at the live price
 * (the fee wallet has no staked energy, so the pool contributes none and the shortfall is all of
 * it) plus the bandwidth burn, times the configured markup.
 */
export function trxPaymentCostSun(p: { energy: number; energyFeeSun: number; transactionFeeSun: number; markup: number }): number {
  const base = p.energy * p.energyFeeSun + TRANSFER_BANDWIDTH_BYTES * p.transactionFeeSun;
  return mulDivCeil(base, markupBasisPoints(p.markup), 10_000);
}
