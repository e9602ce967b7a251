import worker, { EnergyPool } from "../src/worker";
import type { Env } from "../src/env";

// The project's Worker, unchanged, with its EnergyPool binding wrapped so that every call it makes
// into a pool is counted: the edge-absorption bench reads the count from /__bench/pool-calls.
// `wrangler dev bench/counting-worker.ts` runs it with the project's wrangler.toml (bindings, D1,
// the EnergyPool class exported below).

export { EnergyPool };

let poolCalls = 0;

/** A stub whose every method call (RPC or fetch) counts as one request into the object. */
function countedStub<T extends object>(stub: T): T {
  return new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        poolCalls++;
        return Reflect.apply(value, target, args);
      };
    },
  });
}

function countedNamespace(ns: Env["ENERGY_POOL"]): Env["ENERGY_POOL"] {
  return new Proxy(ns, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      // Only the calls that hand out a stub need wrapping; the rest (idFromName, ...) pass through.
      if (prop !== "get" && prop !== "getByName") return value.bind(target);
      return (...args: unknown[]) => countedStub(Reflect.apply(value, target, args) as object);
    },
  });
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    if (new URL(request.url).pathname === "/__bench/pool-calls") return Response.json({ pool_calls: poolCalls });
    return worker.fetch(request, { ...env, ENERGY_POOL: countedNamespace(env.ENERGY_POOL) }, ctx);
  },
} satisfies ExportedHandler<Env>;
