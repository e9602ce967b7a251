// `npm run bench`: every measurement of bench/README.md on this machine's workerd, in one go; prints
// the table and writes bench/results.json. `npm run bench -- queue bundle` runs only those sections
// (queue, pool, http, bundle). Targets are ratios or counts within one run, so they hold on any
// machine; absolute times are this machine's.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { cpus } from "node:os";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDevnet } from "../devnet/server";
import { ROOT } from "../scripts/stack";
import { runBundleBench, type BundleResults } from "./bundle";
import { runHttpBench, type HttpResults } from "./http";
import { buildReport, type QueueResults, type PoolResults } from "./report";

const SECTIONS = ["queue", "pool", "http", "bundle"] as const;
type Section = (typeof SECTIONS)[number];
const WORKERD_FILES: Partial<Record<Section, string>> = { queue: "bench/workerd/queue.measure.ts", pool: "bench/workerd/pool-ops.measure.ts" };

const say = (line: string) => console.log(line);

function chosenSections(): Section[] {
  const args = process.argv.slice(2);
  const unknown = args.filter((a: string) => !(SECTIONS as readonly string[]).includes(a));
  if (unknown.length) throw new Error(`unknown section(s) ${unknown.join(", ")}: choose among ${SECTIONS.join(", ")}`);
  return args.length ? (args as Section[]) : [...SECTIONS];
}

/**
 * The Durable Object benches run in workerd through vitest (bench/vitest.bench.config.ts); they
 * need the devnet, and send their results here, since code in workerd cannot write files.
 */
async function runWorkerdBenches(files: string[]): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  const collector = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const { section, data } = JSON.parse(body) as { section: string; data: unknown };
      results[section] = data;
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  const devnet = await startDevnet({ port: 0 });
  try {
    const { port } = collector.address() as { port: number };
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--config", "bench/vitest.bench.config.ts", ...files], {
        cwd: ROOT,
        env: { ...process.env, BENCH_DEVNET_URL: devnet.url, BENCH_COLLECTOR_URL: `http://127.0.0.1:${port}` },
        stdio: "inherit",
      });
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the workerd benches failed (exit ${code})`))));
    });
  } finally {
    collector.close();
    await devnet.close();
  }
  return results;
}

const startedAt = Date.now();
const sections = chosenSections();
const workerdFiles = sections.flatMap((s) => WORKERD_FILES[s] ?? []);
const workerd = workerdFiles.length ? await runWorkerdBenches(workerdFiles) : {};
let http: HttpResults | undefined;
if (sections.includes("http")) {
  say("HTTP through wrangler dev:");
  http = await runHttpBench(say);
}
let bundle: BundleResults | undefined;
if (sections.includes("bundle")) {
  say("Bundle and start-up...");
  bundle = await runBundleBench();
}

const report = buildReport({ queue: workerd.queue as QueueResults | undefined, pool: workerd.pool as PoolResults | undefined, http, bundle });
say("");
say(report.table);
const results = {
  generated_at: new Date().toISOString(),
  duration_s: Math.round((Date.now() - startedAt) / 1000),
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? null, node: process.version },
  sections,
  ...report.keys,
  notes: report.notes,
  targets: report.targets,
  details: { queue: workerd.queue ?? null, pool: workerd.pool ?? null, http: http ?? null, bundle: bundle ?? null },
};
writeFileSync(join(ROOT, "bench/results.json"), JSON.stringify(results, null, 2) + "\n");
say(`\nbench/results.json written (${results.duration_s} s).`);
