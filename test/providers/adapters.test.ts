// The adapters inside workerd, where they run in production: fetch with custom headers, WebCrypto
// HMAC / SHA-256, AbortSignal.any and exact JSON parsing, against the devnet's emulators.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createProvider, providerSettingsFromEnv, type ProviderName } from "../../src/providers/index";
import { exactJson, trxToSun } from "../../src/providers/wire";

const RECEIVER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8";
const PRICES: Record<ProviderName, number> = { tronsave: 35, feee: 40, itrx: 38, tronzap: 42 };

async function devnet(path: string, body?: unknown): Promise<any> {
  const res = await fetch(env.DEVNET_URL + path, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  return res.json();
}

// The devnet's credentials are the Worker's secrets in the tests (vitest.config.ts).
const adapter = (name: ProviderName) =>
  createProvider(providerSettingsFromEnv(name, `${env.DEVNET_URL}/providers/${name}`, env as unknown as Record<string, string | undefined>));

beforeEach(async () => {
  await devnet("/devnet/reset", {});
  await devnet("/devnet/fund", { address: RECEIVER, sun: 1_000_000 });
});

describe("adapters in workerd", () => {
  it.each(Object.keys(PRICES) as ProviderName[])("%s quotes, orders and reads the order back", async (name) => {
    const provider = adapter(name);
    const quote = await provider.quote({ energy: 65_000, receiver: RECEIVER, durationSec: 3_600 }, AbortSignal.timeout(5_000));
    expect(quote.costSun).toBe(PRICES[name] * 65_000);
    const placed = await provider.order({ energy: 65_000, receiver: RECEIVER, durationSec: 3_600, externalId: `po-${name}`, maxCostSun: quote.costSun });
    const status = await provider.status({ providerOrderId: placed.providerOrderId, externalId: `po-${name}` });
    expect(status).toMatchObject({ providerOrderId: placed.providerOrderId, state: "pending", costSun: quote.costSun });
  });

  it("keeps TRX decimals exact through JSON", () => {
    const parsed = exactJson('{"pay_amount":8.43276,"total":"2.73"}') as Record<string, unknown>;
    expect(trxToSun(parsed.pay_amount)).toBe(8_432_760);
    expect(trxToSun(parsed.total)).toBe(2_730_000);
  });
});
