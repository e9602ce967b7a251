import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { SOAK_DEVNET_PORT } from "./ports.ts";

// `npm run test:soak`: the reliability suites (test/reliability) in their long profile, in workerd
// against the real Worker, Durable Object and D1, with a devnet of their own. The same bindings as
// vitest.config.ts, plus the profile settings taken from the environment:
//   RELIABILITY_PROFILE  soak (default) or fast
//   MODEL_SEED, MODEL_PATH  replay one model sequence (a failure prints both)
//   SOAK_STEPS, FUZZ_REQUESTS  override the targets (10,000 model steps, 5,000 fuzz requests)

const root = fileURLToPath(new URL("../..", import.meta.url));
const devnetUrl = `http://127.0.0.1:${SOAK_DEVNET_PORT}`;

/** The model test prints the closing `soak:` line, so it runs last. */
class ModelLast extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files);
    const last = (f: TestSpecification) => (f.moduleId.endsWith("model.test.ts") ? 1 : 0);
    return [...sorted].sort((a, b) => last(a) - last(b));
  }
}

export default defineConfig(async () => ({
  root,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: `${root}/wrangler.toml` },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(`${root}/migrations`),
          TRON_API_URL: devnetUrl,
          DEVNET_URL: devnetUrl,
          JWT_SECRET: "test-secret-0123456789abcdef0123456789abcdef",
          HOT_WALLET_PRIVATE_KEY: "8b4c6e3b2f1c0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
          FEE_WALLET_PRIVATE_KEY: "1111111111111111111111111111111111111111111111111111111111111111",
          RENTAL_WALLET_PRIVATE_KEY: "5555555555555555555555555555555555555555555555555555555555555555",
          PROVIDER_TRONSAVE_API_KEY: "devnet-tronsave-key",
          PROVIDER_FEEE_API_KEY: "devnet-feee-key",
          PROVIDER_ITRX_API_KEY: "devnet-itrx-key",
          PROVIDER_ITRX_API_SECRET: "devnet-itrx-secret",
          PROVIDER_TRONZAP_API_TOKEN: "devnet-tronzap-key",
          PROVIDER_TRONZAP_API_SECRET: "devnet-tronzap-secret",
          RELIABILITY_PROFILE: process.env.RELIABILITY_PROFILE ?? "soak",
          MODEL_SEED: process.env.MODEL_SEED ?? "",
          MODEL_PATH: process.env.MODEL_PATH ?? "",
          SOAK_STEPS: process.env.SOAK_STEPS ?? "",
          FUZZ_REQUESTS: process.env.FUZZ_REQUESTS ?? "",
        },
      },
    }),
  ],
  test: {
    name: "reliability",
    include: ["test/reliability/**/*.test.ts"],
    setupFiles: ["./test/apply-migrations.ts"],
    globalSetup: ["./test/reliability/soak-global-setup.ts"],
    fileParallelism: false,
    sequence: { sequencer: ModelLast },
    testTimeout: 45 * 60_000,
    hookTimeout: 120_000,
    // The pool's structured logs (one JSON line per event) would drown the progress lines.
    onConsoleLog: (log: string) => !log.trimStart().startsWith('{"event"'),
  },
}));
