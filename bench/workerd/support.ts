// Shared by the Durable Object benches, which run in workerd under bench/vitest.bench.config.ts.
import { env } from "cloudflare:workers";

export { median, round } from "../stats";

/** Hands a section of results to bench/run.ts, which collects them in Node (workerd writes no files). */
export async function report(section: string, data: unknown): Promise<void> {
  const res = await fetch(env.BENCH_COLLECTOR_URL, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ section, data }) });
  if (!res.ok) throw new Error(`collector refused ${section}: HTTP ${res.status}`);
}

/**
 * Mean milliseconds of one `fn()`, run back to back until `minMs` have passed. The local workerd's
 * clock ticks in whole milliseconds (and moves during synchronous code, unlike production's), so
 * short operations are timed over many runs.
 */
export function timeSync(fn: () => void, minMs = 100, minRuns = 3): number {
  const start = performance.now();
  let runs = 0;
  let now = start;
  while (runs < minRuns || now - start < minMs) {
    fn();
    runs++;
    now = performance.now();
  }
  return (now - start) / runs;
}

/** Mean milliseconds of one awaited `fn()`, as `timeSync`. */
export async function timeAsync(fn: () => Promise<unknown>, minMs = 100, minRuns = 3): Promise<number> {
  const start = performance.now();
  let runs = 0;
  let now = start;
  while (runs < minRuns || now - start < minMs) {
    await fn();
    runs++;
    now = performance.now();
  }
  return (now - start) / runs;
}

const ROLLBACK = new Error("bench rollback");

/**
 * Runs `fn` inside a storage transaction and rolls it back: the same rows serve every repetition.
 * Its result is what `fn` returned. The final commit is therefore never timed, for our code or the
 * baseline alike (which favours the baseline: its tick dirties every row).
 */
export function rolledBack<T>(storage: DurableObjectStorage, fn: () => T): T {
  let out: T | undefined;
  try {
    storage.transactionSync(() => {
      out = fn();
      throw ROLLBACK;
    });
  } catch (e) {
    if (e !== ROLLBACK) throw e;
  }
  return out as T;
}
