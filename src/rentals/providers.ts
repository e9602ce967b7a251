import type { Env } from "../env";
import type { ExternalProviderConfig } from "../domain/config";
import type { EnergyProvider } from "../providers/provider";
import { createProvider, providerSettingsFromEnv } from "../providers/index";

/** The adapter for a configured provider: base URL from the fallback config, keys from secrets. */
export function providerFor(env: Env, p: Pick<ExternalProviderConfig, "name" | "base_url">): EnergyProvider {
  return createProvider(providerSettingsFromEnv(p.name, p.base_url, env as unknown as Record<string, string | undefined>));
}
