import { mulDivCeil } from "./amount";
import { markupBasisPoints } from "./fees";

// Choosing among energy providers: what the user would pay each, which are acceptable, and in which
// order to try them. Pure: quotes and past performance come in as data.

export interface ProviderRecord {
  /** Orders placed with the provider so far. */
  orders: number;
  /** Of those, delivered (and used). */
  delivered: number;
  /** Median seconds from order to delivery over the delivered ones; null before the first. */
  medianDeliverySec: number | null;
}

/**
 * 0..1: the success rate with one imagined success and one failure added (so that a new provider
 * starts at 0.5, not at 0 or 1), discounted by how long delivery takes (half at one minute).
 */
export function reliability(r: ProviderRecord): number {
  const success = (r.delivered + 1) / (r.orders + 2);
  const speed = r.medianDeliverySec === null ? 0.5 : 1 / (1 + r.medianDeliverySec / 60);
  return success * (0.5 + 0.5 * speed);
}

/** What the user pays for a rental: the provider's cost plus the provider's configured markup. */
export function rentalChargeSun(costSun: number, markup: number): number {
  return mulDivCeil(costSun, markupBasisPoints(markup), 10_000);
}

export interface ProviderQuoteIn {
  provider: string;
  costSun: number;
  markup: number;
}

export interface RankedRental {
  provider: string;
  cost_sun: number;
  charge_sun: number;
  reliability: number;
  acceptable: boolean;
}

/**
 * A provider is acceptable while the user's total stays within `maxPremium` × burning the energy;
 * the list is ordered by what the user pays, ties broken by the better record.
 */
export function rankRentals(quotes: ProviderQuoteIn[], records: Record<string, ProviderRecord>, burnSun: number, maxPremium: number): RankedRental[] {
  const ceiling = BigInt(burnSun) * BigInt(markupBasisPoints(maxPremium));
  return quotes
    .map((q) => {
      const charge = rentalChargeSun(q.costSun, q.markup);
      return {
        provider: q.provider,
        cost_sun: q.costSun,
        charge_sun: charge,
        reliability: reliability(records[q.provider] ?? { orders: 0, delivered: 0, medianDeliverySec: null }),
        acceptable: BigInt(charge) * 10_000n <= ceiling,
      };
    })
    .sort((a, b) => a.charge_sun - b.charge_sun || b.reliability - a.reliability);
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
