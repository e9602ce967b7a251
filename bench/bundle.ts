import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "../scripts/stack";
import { median, round } from "./stats";
import { wrangler } from "./wrangler";

// Item 6: the deployed bundle's size and the Worker's start-up, and whether tronweb stays off the
// start-up path.

const STARTUP_RUNS = 7;
const TRIVIAL_DIR = join(ROOT, "bench/trivial");

export interface BundleResults {
  bundle_bytes: number;
  bundle_gzip_bytes: number;
  /** wrangler's own figure, as it prints it ("Total Upload: … / gzip: … KiB"). */
  wrangler_reported_gzip_kib: number | null;
  /** Uncompressed bytes per npm package (first level under node_modules), largest first. */
  bytes_by_package: Array<{ package: string; bytes: number }>;
  /** tronweb and the packages only it pulls in. */
  tronweb_only_packages: string[];
  tronweb_bytes: number;
  /** tronweb's module code runs only behind its dynamic import (esbuild's lazy __esm wrapper). */
  tronweb_lazy: boolean;
  startup_ms: number;
  startup_runs_ms: number[];
  /** The same Worker built with tronweb replaced by an empty module. */
  startup_ms_without_tronweb: number;
  bundle_gzip_kib_without_tronweb: number | null;
  /** 0 when the profiler caught no active sample: its start-up is below the sampling interval. */
  trivial_startup_ms: number;
  /** CPU samples of the start-up profiles that fell in tronweb's code (0: it is not evaluated). */
  startup_ms_in_tronweb: number;
  startup_ms_by_package: Array<{ package: string; ms: number }>;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Where each module of an esbuild bundle begins: its `// node_modules/<pkg>/…` or `// src/…` banner. */
function moduleStarts(code: string): Array<{ line: number; owner: string }> {
  const starts: Array<{ line: number; owner: string }> = [];
  code.split("\n").forEach((text, line) => {
    const m = /^\/\/ ((?:node_modules\/((?:@[^/]+\/)?[^/]+))|[^ ]+\/)/.exec(text);
    if (m) starts.push({ line, owner: m[2] ?? "(project)" });
  });
  return starts;
}

function ownerOf(starts: Array<{ line: number; owner: string }>, line: number): string {
  let lo = 0;
  let hi = starts.length - 1;
  let found = "(bundler runtime)";
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid].line <= line) {
      found = starts[mid].owner;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** A package and everything it depends on, as installed. */
function closure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    let pkg: { dependencies?: Record<string, string> };
    try {
      pkg = JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8"));
    } catch {
      return;
    }
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep);
  };
  roots.forEach(visit);
  return seen;
}

/** Packages that are in the bundle only because of tronweb: its closure minus everything else's. */
function tronwebOnly(): string[] {
  const project = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  const others = closure(Object.keys(project.dependencies).filter((d) => d !== "tronweb"));
  return [...closure(["tronweb"])].filter((p) => !others.has(p)).sort();
}

/**
 * esbuild turns `await import("tronweb")` into `Promise.resolve().then(() => (init_x(), x_exports))`
 * and wraps tronweb's modules in lazy `init_*` functions. tronweb is off the start-up path when its
 * entry's init is called from that expression only.
 */
function tronwebIsLazy(code: string): boolean {
  const imported = [...code.matchAll(/Promise\.resolve\(\)\.then\(\(\) => \((init_\w+)\(\), \w+\)\)/g)].map((m) => m[1]);
  const entries = imported.filter((init) => new RegExp(`var ${init} = __esm\\(\\{\\s*"node_modules/tronweb/`).test(code));
  return entries.length > 0 && entries.every((init) => code.split(`${init}()`).length - 1 === 1);
}

/** The modules of a `wrangler deploy --outfile` bundle (multipart form data), as wrangler reads it. */
async function bundleModules(file: string): Promise<Map<string, string>> {
  const bytes = readFileSync(file);
  const boundary = bytes.subarray(2, bytes.indexOf(10)).toString().trim();
  const form = await new Response(bytes, { headers: { "content-type": `multipart/form-data; boundary=${boundary}` } }).formData();
  const modules = new Map<string, string>();
  for (const [name, value] of form.entries()) {
    if (value instanceof Blob && value.type !== "application/source-map") modules.set(name, await value.text());
  }
  return modules;
}

/** Active CPU time of a start-up profile, as `wrangler check startup` counts it, and per owner. */
function summarize(profile: CpuProfile, starts: Array<{ line: number; owner: string }>) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  let activeUs = 0;
  const byOwner = new Map<string, number>();
  profile.timeDeltas.forEach((delta, i) => {
    const frame = nodes.get(profile.samples[i])?.callFrame;
    if (!frame || frame.functionName === "(idle)") return;
    activeUs += delta;
    const owner = frame.url.endsWith("worker.js") && frame.lineNumber >= 0 ? ownerOf(starts, frame.lineNumber) : frame.functionName || "(program)";
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + delta);
  });
  return { activeMs: activeUs / 1000, byOwner };
}

async function startupProfile(args: string[], cwd: string, dir: string, run: number): Promise<CpuProfile> {
  const outfile = join(dir, `startup-${run}.cpuprofile`);
  await wrangler(["check", "startup", ...args, "--outfile", outfile], { cwd });
  return JSON.parse(readFileSync(outfile, "utf8")) as CpuProfile;
}

export async function runBundleBench(): Promise<BundleResults> {
  const dir = mkdtempSync(join(tmpdir(), "energy-fallback-bundle-"));
  try {
    const printed = await wrangler(["deploy", "--dry-run", "--outdir", join(dir, "out")]);
    const files = readdirSync(join(dir, "out")).filter((f) => /\.(m?js|wasm)$/.test(f));
    const code = files.map((f) => readFileSync(join(dir, "out", f)));
    const all = Buffer.concat(code);
    const reported = /gzip: ([\d.]+) KiB/.exec(printed);

    const main = readFileSync(join(dir, "out", "worker.js"), "utf8");
    const starts = moduleStarts(main);
    const lines = main.split("\n");
    const bytesByOwner = new Map<string, number>();
    lines.forEach((text, line) => {
      const owner = ownerOf(starts, line);
      bytesByOwner.set(owner, (bytesByOwner.get(owner) ?? 0) + Buffer.byteLength(text) + 1);
    });
    const onlyTronweb = tronwebOnly();

    // Start-up: `wrangler check startup` profiles the Worker's start in a local workerd. Its bundle
    // is built once; the profiled code is read back from it, so that lines map to packages. A
    // second build has tronweb replaced by an empty module: the difference is what tronweb's mere
    // presence in the bundle costs at start-up. The runs alternate, so that drift touches both.
    const bundleFile = join(dir, "worker.bundle");
    const strippedFile = join(dir, "without-tronweb.bundle");
    await wrangler(["deploy", "--dry-run", "--outfile", bundleFile]);
    const stripped = await wrangler(["deploy", "--dry-run", "--outfile", strippedFile, "--alias", "tronweb:./bench/tronweb-stub.ts"]);
    const strippedGzip = /gzip: ([\d.]+) KiB/.exec(stripped);
    const profiledStarts = moduleStarts((await bundleModules(bundleFile)).get("worker.js") ?? "");
    const runs: number[] = [];
    const strippedRuns: number[] = [];
    const trivialRuns: number[] = [];
    const byOwner = new Map<string, number>();
    for (let i = 0; i < STARTUP_RUNS; i++) {
      const s = summarize(await startupProfile(["--worker", bundleFile], ROOT, dir, i), profiledStarts);
      runs.push(s.activeMs);
      for (const [owner, us] of s.byOwner) byOwner.set(owner, (byOwner.get(owner) ?? 0) + us / 1000 / STARTUP_RUNS);
      strippedRuns.push(summarize(await startupProfile(["--worker", strippedFile], ROOT, dir, i), []).activeMs);
      trivialRuns.push(summarize(await startupProfile([], TRIVIAL_DIR, dir, i), []).activeMs);
    }

    return {
      bundle_bytes: all.length,
      bundle_gzip_bytes: gzipSync(all).length,
      wrangler_reported_gzip_kib: reported ? Number(reported[1]) : null,
      bytes_by_package: [...bytesByOwner].map(([pkg, bytes]) => ({ package: pkg, bytes })).sort((a, b) => b.bytes - a.bytes),
      tronweb_only_packages: onlyTronweb,
      tronweb_bytes: [...bytesByOwner].filter(([pkg]) => onlyTronweb.includes(pkg)).reduce((sum, [, b]) => sum + b, 0),
      tronweb_lazy: tronwebIsLazy(main),
      startup_ms: round(median(runs), 1),
      startup_runs_ms: runs.map((r) => round(r, 1)),
      startup_ms_without_tronweb: round(median(strippedRuns), 1),
      bundle_gzip_kib_without_tronweb: strippedGzip ? Number(strippedGzip[1]) : null,
      trivial_startup_ms: round(median(trivialRuns), 1),
      startup_ms_in_tronweb: round([...byOwner].filter(([pkg]) => onlyTronweb.includes(pkg)).reduce((sum, [, ms]) => sum + ms, 0), 1),
      startup_ms_by_package: [...byOwner].map(([pkg, ms]) => ({ package: pkg, ms: round(ms, 1) })).sort((a, b) => b.ms - a.ms),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
