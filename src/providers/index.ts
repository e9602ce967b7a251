// Building adapters from configuration: which Worker secrets each provider needs, their
// production hosts, and the adapter for a provider's settings.
import { FeeeProvider } from "./feee";
import { ItrxProvider } from "./itrx";
import { ProviderError, type EnergyProvider, type ProviderName, type ProviderSettings } from "./provider";
import { TronsaveProvider } from "./tronsave";
import { TronzapProvider } from "./tronzap";
import type { AdapterOptions } from "./wire";

export { ProviderError, PROVIDER_NAMES, type EnergyProvider, type ProviderName, type ProviderSettings } from "./provider";
export type { AdapterOptions, Fetcher } from "./wire";

/** The Worker secrets holding each provider's credentials (`apiKey` is TronZap's API token). */
export const PROVIDER_SECRETS: Record<ProviderName, { apiKey: string; apiSecret?: string }> = {
  tronsave: { apiKey: "PROVIDER_TRONSAVE_API_KEY" },
  feee: { apiKey: "PROVIDER_FEEE_API_KEY" },
  itrx: { apiKey: "PROVIDER_ITRX_API_KEY", apiSecret: "PROVIDER_ITRX_API_SECRET" },
  tronzap: { apiKey: "PROVIDER_TRONZAP_API_TOKEN", apiSecret: "PROVIDER_TRONZAP_API_SECRET" },
};

/** Production API hosts (TronSave's Nile testnet is https://api-dev.tronsave.io). */
export const PROVIDER_BASE_URLS: Record<ProviderName, string> = {
  tronsave: "https://api.tronsave.io",
  feee: "https://feee.io",
  itrx: "https://itrx.io",
  tronzap: "https://api.tronzap.com",
};

/** Every secret name a provider needs. */
export function providerSecretNames(name: ProviderName): string[] {
  const { apiKey, apiSecret } = PROVIDER_SECRETS[name];
  return apiSecret ? [apiKey, apiSecret] : [apiKey];
}

/** A provider's settings: its base URL (the devnet emulator's, or production's) and its secrets from `env`. */
export function providerSettingsFromEnv(name: ProviderName, baseUrl: string, env: Record<string, string | undefined>): ProviderSettings {
  const { apiKey, apiSecret } = PROVIDER_SECRETS[name];
  return { name, baseUrl, apiKey: env[apiKey] || undefined, apiSecret: apiSecret ? env[apiSecret] || undefined : undefined };
}

/** The adapter for `settings`; a provider whose secrets are missing is refused, not called. */
export function createProvider(settings: ProviderSettings, options: AdapterOptions = {}): EnergyProvider {
  const { apiSecret } = PROVIDER_SECRETS[settings.name];
  if (!settings.apiKey || (apiSecret && !settings.apiSecret)) {
    const missing = providerSecretNames(settings.name).join(" and ");
    throw new ProviderError(settings.name, "not_configured", `set the Worker secret(s) ${missing}`, false);
  }
  switch (settings.name) {
    case "tronsave":
      return new TronsaveProvider(settings, options);
    case "feee":
      return new FeeeProvider(settings, options);
    case "itrx":
      return new ItrxProvider(settings, options);
    case "tronzap":
      return new TronzapProvider(settings, options);
  }
}
