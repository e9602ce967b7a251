import type { EnergyPool } from "./objects/energy-pool";

export interface Env {
  DB: D1Database;
  ENERGY_POOL: DurableObjectNamespace<EnergyPool>;
  ASSETS: Fetcher;
  TRON_API_URL: string;
  TRON_API_KEY?: string;
  JWT_SECRET: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  HOT_WALLET_PRIVATE_KEY: string;
  FEE_WALLET_PRIVATE_KEY?: string;
  RENTAL_WALLET_PRIVATE_KEY?: string;
  DEFAULT_POOL_ID: string;
  USDT_CONTRACT: string;
  ALARM_INTERVAL_SECONDS: string;
  TRX_PRICE_USD: string;
  /** Comma-separated origins that may open WebSockets (the dashboard's). */
  WS_ALLOWED_ORIGINS?: string;
}
