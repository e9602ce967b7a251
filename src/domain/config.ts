// The fallback configuration of a pool (DESIGN §6). Money values are base units (sun).

export interface ExternalProviderConfig {
  name: "tronsave" | "feee" | "itrx" | "tronzap";
  base_url: string;
  /** What the user pays over the provider's price, e.g. 1.1 = +10 %. */
  markup: number;
}

export interface FallbackConfig {
  trx_payment_enabled: boolean;
  trx_payment_markup: number;
  trx_payment_min_balance: number;
  queue_enabled: boolean;
  queue_max_wait_hours: number;
  queue_priority_fee: number;
  external_pool_enabled: boolean;
  external_pool_providers: ExternalProviderConfig[];
  external_pool_max_premium: number;
  alert_threshold: number;
  critical_threshold: number;
  /** Abuse limits per user: money-moving requests and WebSocket tickets, per minute. */
  user_money_requests_per_minute: number;
  user_ws_tickets_per_minute: number;
}

export const DEFAULT_FALLBACK_CONFIG: FallbackConfig = {
  trx_payment_enabled: true,
  trx_payment_markup: 1.5,
  trx_payment_min_balance: 10_000_000,
  queue_enabled: true,
  queue_max_wait_hours: 24,
  queue_priority_fee: 5_000_000,
  external_pool_enabled: false,
  external_pool_providers: [],
  external_pool_max_premium: 2.0,
  alert_threshold: 20,
  critical_threshold: 10,
  user_money_requests_per_minute: 30,
  user_ws_tickets_per_minute: 10,
};
