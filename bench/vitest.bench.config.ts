import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";

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
          JWT_SECRET: "bench-secret-0123456789abcdef0123456789abcdef",
          HOT_WALLET_PRIVATE_KEY: "8b4c6e3b2f1c0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
          FEE_WALLET_PRIVATE_KEY: "1111111111111111111111111111111111111111111111111111111111111111",
          RENTAL_WALLET_PRIVATE_KEY: "5555555555555555555555555555555555555555555555555555555555555555",
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
