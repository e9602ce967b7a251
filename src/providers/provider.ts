// The one interface every energy-rental provider adapter implements. Amounts are integers: energy
// units and sun. Adapters speak their provider's documented wire format and auth; everything above
// them (choosing, ordering, failover, charging) is provider-agnostic.

export const PROVIDER_NAMES = ["tronsave", "feee", "itrx", "tronzap"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface QuoteRequest {
  energy: number;
  /** Address the energy is delegated to. */
  receiver: string;
  durationSec: number;
}

export interface ProviderQuote {
  provider: ProviderName;
  energy: number;
  durationSec: number;
  /** What the provider charges for the whole order, in sun. */
  costSun: number;
}

export interface OrderRequest extends QuoteRequest {
  /**
   * Our purchase-order id, sent as the provider's external / out-trade id where it has one, so that
   * a retry after a lost reply finds the order instead of buying twice.
   */
  externalId: string;
  /** Refuse to pay more than this (the quote the user accepted, before our markup). */
  maxCostSun: number;
}

export interface PlacedOrder {
  providerOrderId: string;
  costSun: number;
}

export type OrderState = "pending" | "partial" | "delivered" | "failed";

export interface OrderRef {
  providerOrderId: string | null;
  externalId: string;
  /**
   * What was ordered (receiver as given to order()) and when (ms since epoch, taken before the
   * first attempt). TronSave takes no external id: without its order id, an order is recognised
   * among the account's recent orders by these fields and its creation time.
   */
  placed?: { receiver: string; energy: number; durationSec: number; at: number };
}

export interface OrderStatus {
  providerOrderId: string;
  state: OrderState;
  /** Energy delegated so far. */
  deliveredEnergy: number;
  costSun: number | null;
  /** Delegation transaction ids the provider reports, for the on-chain check. */
  delegateTxIds: string[];
  error: string | null;
}

export interface EnergyProvider {
  readonly name: ProviderName;
  quote(req: QuoteRequest, signal?: AbortSignal): Promise<ProviderQuote>;
  order(req: OrderRequest, signal?: AbortSignal): Promise<PlacedOrder>;
  /**
   * The order's state, by the provider's id when known, else by our external id; null when the
   * provider has no such order (so placing it is safe). A provider that cannot look an order up
   * without its own id throws a non-retryable ProviderError instead of answering null.
   */
  status(ref: OrderRef, signal?: AbortSignal): Promise<OrderStatus | null>;
}

/** A provider said no, or could not be reached. `retryable`: the same request may succeed later. */
export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(`${provider}: ${code}: ${message}`);
    this.name = "ProviderError";
  }
}

export interface ProviderSettings {
  name: ProviderName;
  baseUrl: string;
  /** Worker secrets, by provider: see src/providers/index.ts. */
  apiKey?: string;
  apiSecret?: string;
}
