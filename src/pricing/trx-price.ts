import { parseUsdPrice } from "../domain/pricing";

// Where the USD value of TRX comes from. Dev and tests use the configured `TRX_PRICE_USD`; a live
// feed implements the same interface (and should cache: check-options calls it on every request).
export interface TrxPriceSource {
  /** Micro-dollars per TRX. */
  microUsdPerTrx(): Promise<number>;
}

export class ConfiguredTrxPrice implements TrxPriceSource {
  readonly #price: number;

  constructor(text: string) {
    this.#price = parseUsdPrice(text);
  }

  async microUsdPerTrx(): Promise<number> {
    return this.#price;
  }
}
