import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";

// Tests run in workerd against the real Worker, Durable Object and D1; the TRON chain is the
// project's devnet, started once in Node by test/global-setup.ts on its own port.
import { testDevnetPort } from "./test/ports.ts";
import { DEVNET_SECRETS } from "./test/worker-bindings.ts";

const TEST_DEVNET_PORT = await testDevnetPort();

export default defineConfig(async () => ({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("migrations"),
                TRON_API_URL: `http://127.0.0.1:${TEST_DEVNET_PORT}`,
                DEVNET_URL: `http://127.0.0.1:${TEST_DEVNET_PORT}`,
                ...DEVNET_SECRETS,
              },
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: ["test/devnet/**", "test/browser/**"],
          setupFiles: ["./test/apply-migrations.ts"],
          globalSetup: ["./test/global-setup.ts"],
          // Test files share one devnet (one chain clock): run them one after another.
          fileParallelism: false,
          // Structured logs are for operators; show them only for failing tests.
          silent: "passed-only",
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "devnet",
          environment: "node",
          include: ["test/devnet/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        // The dashboard in headless Chromium against `wrangler dev` and a devnet of its own, which
        // the test starts (and stops) itself on free ports.
        test: {
          name: "browser",
          environment: "node",
          include: ["test/browser/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
}));
