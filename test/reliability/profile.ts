import { env } from "cloudflare:workers";

// The reliability suites run short inside `npm test` and long under `npm run test:soak`, whose
// config (vitest.soak.config.ts) passes these settings in as bindings.

export const SOAK = env.RELIABILITY_PROFILE === "soak";

export function numberSetting(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

/** How to run one model sequence again, as the failure report prints it (same profile, same steps). */
export function replayCommand(seed: number, path: string | undefined): string {
  const vars = { MODEL_SEED: String(seed), ...(path ? { MODEL_PATH: path } : {}), RELIABILITY_PROFILE: SOAK ? "soak" : "fast" };
  const assignments = Object.entries(vars).map(([k, v]) => `${k}=${v}`).join(" ");
  return `${assignments} npx vitest run -c test/reliability/vitest.soak.config.ts test/reliability/model.test.ts`;
}
