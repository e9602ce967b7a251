import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { SOAK_DEVNET_PORT } from "./ports.ts";
import { DEVNET_SECRETS } from "../worker-bindings.ts";

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
          ...DEVNET_SECRETS,
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
