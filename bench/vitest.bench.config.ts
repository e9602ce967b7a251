import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { DEVNET_SECRETS } from "../test/worker-bindings.ts";

// The Durable Object benches run in workerd exactly as the tests do: the same plugin, wrangler.toml
// and migrations, the real EnergyPool and D1. bench/run.ts starts the devnet and the collector that
// receives the results, and passes their URLs in the environment.
const devnetUrl = process.env.BENCH_DEVNET_URL;
const collectorUrl = process.env.BENCH_COLLECTOR_URL;
if (!devnetUrl || !collectorUrl) throw new Error("run the benches with `npm run bench` (bench/run.ts starts the devnet and the collector)");

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations("migrations"),
          TRON_API_URL: devnetUrl,
          DEVNET_URL: devnetUrl,
          BENCH_COLLECTOR_URL: collectorUrl,
          // An alarm firing in the middle of a measurement would run a second tick beside the one
          // being timed: the benches run every tick themselves.
          ALARM_INTERVAL_SECONDS: "3600",
          ...DEVNET_SECRETS,
        },
      },
    }),
  ],
  test: {
    name: "bench",
    include: ["bench/workerd/**/*.measure.ts"],
    setupFiles: ["./test/apply-migrations.ts"],
    // One chain, one machine: measurements must not share the CPU with each other.
    fileParallelism: false,
    // The service's structured logs are for operators; they are shown only when a bench fails.
    silent: "passed-only" as const,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
}));
