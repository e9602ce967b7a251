// Bindings that bench/vitest.bench.config.ts adds for the Durable Object benches.
declare namespace Cloudflare {
  interface Env {
    BENCH_COLLECTOR_URL: string;
  }
}
