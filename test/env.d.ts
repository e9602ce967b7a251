// Bindings the tests see through `cloudflare:workers`: the Worker's own plus the test-only ones
// that vitest.config.ts adds.
type WorkerBindings = import("../src/env").Env;

declare namespace Cloudflare {
  interface Env extends WorkerBindings {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    DEVNET_URL: string;
  }
  interface Exports {
    default: { fetch(request: Request): Promise<Response> };
  }
}
