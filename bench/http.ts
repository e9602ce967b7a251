import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevnet } from "../devnet/server";
import { DEMO_HOLDER, devSecrets, freePort, prepareDatabase, ROOT, seedChain, signToken, startWrangler, waitUntilServing, type WranglerDev } from "../scripts/stack";
import type { LoadResult, LoadSpec } from "./load";
import { round } from "./stats";
import { startWranglerDev, wrangler } from "./wrangler";

// Items 3 and 4: the API through `wrangler dev` (workerd) under load from autocannon, next to a
// trivial Worker run the same way, and how many status requests reach the EnergyPool.

const CONCURRENCY = [1, 10, 50];
const RUN_SECONDS = 5;
const WARMUP_SECONDS = 2;
/** Longer than two status TTLs, so that each run sees the cache expire and refill. */
const ABSORPTION_SECONDS = 12;
const ABSORPTION_CONCURRENCY = [10, 50];
const CHECK_OPTIONS_WITHDRAWALS = 20;

export type Endpoint = "trivial" | "status" | "check_options" | "create_withdrawal";

export interface HttpResults {
  concurrency: number[];
  run_seconds: number;
  runs: Record<Endpoint, Record<string, LoadResult>>;
  absorption: Array<{ concurrency: number; status_requests: number; pool_calls: number; per_1000: number; rps: number }>;
}

/** One autocannon run in a child process (bench/load.ts). */
function load(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench/load.ts"), JSON.stringify(spec)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`load generator failed (exit ${code}): ${err}`));
      const result = JSON.parse(out.trim().split("\n").at(-1)!) as LoadResult;
      // A run that mostly measured errors measures nothing.
      if (result.non_2xx + result.errors > result.requests / 100) return reject(new Error(`${spec.method ?? "GET"} ${spec.url}: ${JSON.stringify(result)}`));
      resolve(result);
    });
  });
}

async function json(res: Response): Promise<any> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.url}: HTTP ${res.status} ${text}`);
  return JSON.parse(text);
}

async function poolCalls(worker: WranglerDev): Promise<number> {
  return (await json(await fetch(`${worker.url}/__bench/pool-calls`))).pool_calls as number;
}

export async function runHttpBench(say: (line: string) => void): Promise<HttpResults> {
  const work = mkdtempSync(join(tmpdir(), "energy-fallback-http-"));
  const devnet = await startDevnet({ port: 0 });
  const running: WranglerDev[] = [];
  try {
    await seedChain(devnet.url);
    await prepareDatabase({ persistTo: work, output: "capture" });
    // The bench's one user sends thousands of money requests a minute: its limit is raised so that
    // the endpoint is measured, not the per-user limiter.
    await wrangler(["d1", "execute", "DB", "--local", "--persist-to", work, "--command", "UPDATE pools SET fallback_config = json_set(fallback_config, '$.user_money_requests_per_minute', 100000) WHERE id = 'pool-main'"]);
    const secrets = devSecrets();
    const vars = { ...secrets, TRON_API_URL: devnet.url };
    const varArgs = Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);

    const service = startWrangler({ port: await freePort(), inspectorPort: await freePort(), vars, persistTo: work, output: "capture" });
    running.push(service);
    const trivial = startWranglerDev({ cwd: join(ROOT, "bench/trivial"), args: ["--persist-to", join(work, "trivial")], port: await freePort(), inspectorPort: await freePort() });
    running.push(trivial);
    await Promise.all([waitUntilServing(service), waitUntilServing(trivial)]);

    const authorization = `Bearer ${await signToken("alice", { secret: secrets.JWT_SECRET })}`;
    const createBody = JSON.stringify({ to_address: DEMO_HOLDER, amount: "0.000001" });
    const ids: string[] = [];
    for (let i = 0; i < CHECK_OPTIONS_WITHDRAWALS; i++) {
      const res = await fetch(`${service.url}/api/v1/withdrawals`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json", "idempotency-key": `bench-fixture-${Date.now()}-${i}` },
        body: createBody,
      });
      ids.push((await json(res)).id as string);
    }

    const specs: Record<Endpoint, Omit<LoadSpec, "connections" | "durationSec">> = {
      trivial: { url: `${trivial.url}/` },
      status: { url: `${service.url}/api/v1/energy/status`, headers: { "accept-language": "en" } },
      check_options: {
        url: `${service.url}/api/v1/withdrawals/${ids[0]}/check-options`,
        method: "POST",
        headers: { authorization },
        paths: ids.map((id) => `/api/v1/withdrawals/${id}/check-options`),
      },
      create_withdrawal: {
        url: `${service.url}/api/v1/withdrawals`,
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: createBody,
        uniqueHeader: "idempotency-key",
      },
    };
    const endpoints = Object.keys(specs) as Endpoint[];
    for (const e of endpoints) await load({ ...specs[e], connections: 10, durationSec: WARMUP_SECONDS });
    const runs = Object.fromEntries(endpoints.map((e) => [e, {}])) as HttpResults["runs"];
    // Endpoint after endpoint at each concurrency, so that a drift of the machine's speed over the
    // run touches the trivial Worker and the service alike.
    for (const connections of CONCURRENCY) {
      for (const e of endpoints) {
        const r = await load({ ...specs[e], connections, durationSec: RUN_SECONDS });
        runs[e][String(connections)] = r;
        say(`  ${e.padEnd(17)} c=${String(connections).padEnd(3)} ${round(r.rps, 0)} req/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms`);
      }
    }

    // Edge absorption: the same Worker with its EnergyPool binding counted (bench/counting-worker.ts),
    // on the same storage, readers in English, Korean and without Accept-Language.
    await service.stop();
    const counting = startWranglerDev({ args: ["bench/counting-worker.ts", "--persist-to", work, ...varArgs], port: await freePort(), inspectorPort: await freePort() });
    running.push(counting);
    await waitUntilServing(counting);
    const absorption: HttpResults["absorption"] = [];
    for (const connections of ABSORPTION_CONCURRENCY) {
      const before = await poolCalls(counting);
      const r = await load({
        url: `${counting.url}/api/v1/energy/status`,
        headerVariants: [{ "accept-language": "en-US,en;q=0.9" }, { "accept-language": "ko-KR,ko;q=0.9" }, {}],
        connections,
        durationSec: ABSORPTION_SECONDS,
      });
      const calls = (await poolCalls(counting)) - before;
      absorption.push({ concurrency: connections, status_requests: r.requests, pool_calls: calls, per_1000: round((calls * 1000) / r.requests, 2), rps: round(r.rps, 0) });
      say(`  absorption        c=${String(connections).padEnd(3)} ${calls} pool calls for ${r.requests} status requests`);
    }
    return { concurrency: CONCURRENCY, run_seconds: RUN_SECONDS, runs, absorption };
  } finally {
    for (const w of running.reverse()) await w.stop();
    await devnet.close();
    rmSync(work, { recursive: true, force: true });
  }
}
