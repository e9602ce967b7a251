import type { BundleResults } from "./bundle";
import type { Endpoint, HttpResults } from "./http";
import { round } from "./stats";

// The bench's summary: the keys of bench/results.json, each target checked, and the table printed
// at the end of `npm run bench` (Markdown, for the README).

export interface QueueSizeResult {
  size: number;
  tick_whole_ms: number;
  tick_whole_runs_ms: number[];
  tick_local_ms: number;
  spec_tick_local_ms: number;
  lookup_rpc_ms: number;
  quote_rpc_ms: number;
  /** positions() called on the instance inside the object: no RPC round trip. */
  lookup_local_ms: number;
  /** PoolStore.position(): the queue_blocks ahead plus the rows ahead in its own block. */
  lookup_position_ms: number;
  /** Energies the object's estimate took from PoolStore.energiesAhead before it stopped. */
  lookup_energies_read: number;
  /** Reading that many energies alone (pages of the queue_order index). */
  lookup_energies_read_ms: number;
  /** Whether the last entry's estimated start is past queue_max_wait_hours (shown as none). */
  lookup_estimate_beyond_max_wait: boolean;
  spec_lookup_ms: number;
  enqueue_rpc_ms: number;
  enqueue_store_ms: number;
  cancel_rpc_ms: number;
  cancel_store_ms: number;
}

export interface QueueResults {
  k: number;
  sizes: QueueSizeResult[];
}

export interface PoolResults {
  concurrency: number[];
  local_reserve_release_per_sec: number;
  reserve_release_requests_per_sec: Record<string, number>;
  pool_ops_per_sec: number;
  status_rpc_per_sec: Record<string, number>;
  enqueue_cancel_rpc_pairs_per_sec: number;
  enqueue_cancel_concurrency: number;
}

export interface Target {
  key: string;
  value: number;
  limit: string;
  met: boolean;
}

/** Cloudflare's documented soft limit for one Durable Object. */
const DO_SOFT_LIMIT_RPS = 1_000;

const fmt = (n: number, digits = 2) => n.toLocaleString("en-US", { maximumFractionDigits: digits });
const ms = (n: number) => (n >= 100 ? `${fmt(n, 0)} ms` : n >= 1 ? `${fmt(n, 1)} ms` : `${fmt(n * 1000, 0)} µs`);
const times = (n: number) => `${fmt(n, n >= 10 ? 0 : 2)}×`;
const kib = (bytes: number) => `${fmt(bytes / 1024, 1)} KiB`;

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export function buildReport(r: { queue?: QueueResults; pool?: PoolResults; http?: HttpResults; bundle?: BundleResults }) {
  const keys: Record<string, number> = {};
  /** How each key was measured, for readers of results.json. */
  const notes: Record<string, string> = {};
  const targets: Target[] = [];
  const summary: string[][] = [];
  const details: string[] = [];
  const target = (key: string, value: number, limit: string, met: boolean) => targets.push({ key, value, limit, met });
  const mark = (met: boolean) => (met ? "met" : "**missed**");

  if (r.queue) {
    const at = (n: number) => r.queue!.sizes.find((s) => s.size === n)!;
    const [small, mid, big] = [at(1_000), at(10_000), at(100_000)];
    keys.queue_tick_ratio_100k_vs_1k = round(big.tick_whole_ms / small.tick_whole_ms, 2);
    keys.queue_tick_local_ratio_100k_vs_1k = round(big.tick_local_ms / small.tick_local_ms, 2);
    keys.queue_lookup_ratio_100k_vs_1k = round(big.lookup_rpc_ms / small.lookup_rpc_ms, 2);
    keys.queue_lookup_local_ratio_100k_vs_1k = round(big.lookup_local_ms / small.lookup_local_ms, 2);
    keys.speedup_vs_spec_algorithm_10k = round(mid.spec_tick_local_ms / mid.tick_local_ms, 1);
    keys.speedup_vs_spec_algorithm_100k = round(big.spec_tick_local_ms / big.tick_local_ms, 1);
    target("queue_tick_ratio_100k_vs_1k", keys.queue_tick_ratio_100k_vs_1k, "<= 3", keys.queue_tick_ratio_100k_vs_1k <= 3);
    target("queue_tick_local_ratio_100k_vs_1k", keys.queue_tick_local_ratio_100k_vs_1k, "<= 3", keys.queue_tick_local_ratio_100k_vs_1k <= 3);
    target("queue_lookup_ratio_100k_vs_1k", keys.queue_lookup_ratio_100k_vs_1k, "<= 5", keys.queue_lookup_ratio_100k_vs_1k <= 5);
    target("queue_lookup_local_ratio_100k_vs_1k", keys.queue_lookup_local_ratio_100k_vs_1k, "<= 5", keys.queue_lookup_local_ratio_100k_vs_1k <= 5);
    target("speedup_vs_spec_algorithm_100k", keys.speedup_vs_spec_algorithm_100k, ">= 10", keys.speedup_vs_spec_algorithm_100k >= 10);
    notes.queue_tick_ratio_100k_vs_1k = `EnergyPool.alarm() starting ${r.queue.k} entries (D1, devnet, signing included), median wall time, 100k vs 1k waiting`;
    notes.queue_tick_local_ratio_100k_vs_1k = "the tick's PoolStore calls on the object's SQLite only, rolled back";
    notes.queue_lookup_ratio_100k_vs_1k = "RPC positions() for the last entry in line (place from queue_blocks + wait estimate read up to queue_max_wait_hours), wall time seen by the caller";
    notes.queue_lookup_local_ratio_100k_vs_1k = "the same positions() called on the EnergyPool instance inside the object, no RPC round trip";
    notes.speedup_vs_spec_algorithm_100k = "specification's tick (scan all, rewrite every queue_position) / ours, object-local, same rows";
    const k = r.queue.k;
    summary.push(
      [`Alarm tick starting ${k} entries, whole (D1, node, signing), 100k vs 1k waiting`, `${times(keys.queue_tick_ratio_100k_vs_1k)} (${ms(big.tick_whole_ms)} vs ${ms(small.tick_whole_ms)})`, "≤ 3×", mark(keys.queue_tick_ratio_100k_vs_1k <= 3)],
      [`Alarm tick starting ${k} entries, object-local part, 100k vs 1k`, `${times(keys.queue_tick_local_ratio_100k_vs_1k)} (${ms(big.tick_local_ms)} vs ${ms(small.tick_local_ms)})`, "≤ 3×", mark(keys.queue_tick_local_ratio_100k_vs_1k <= 3)],
      ["Position lookup (RPC `positions`: place + estimate), last of 100k vs last of 1k", `${times(keys.queue_lookup_ratio_100k_vs_1k)} (${ms(big.lookup_rpc_ms)} vs ${ms(small.lookup_rpc_ms)})`, "≤ 5×", mark(keys.queue_lookup_ratio_100k_vs_1k <= 5)],
      ["Position lookup, object-local part (`positions()` inside the object), 100k vs 1k", `${times(keys.queue_lookup_local_ratio_100k_vs_1k)} (${ms(big.lookup_local_ms)} vs ${ms(small.lookup_local_ms)})`, "≤ 5×", mark(keys.queue_lookup_local_ratio_100k_vs_1k <= 5)],
      ["Specification's tick (scan all, rewrite every position) / ours, object-local, at 10k", times(keys.speedup_vs_spec_algorithm_10k), "", ""],
      ["Specification's tick / ours, object-local, at 100k", `${times(keys.speedup_vs_spec_algorithm_100k)} (${ms(big.spec_tick_local_ms)} vs ${ms(big.tick_local_ms)})`, "≥ 10×", mark(keys.speedup_vs_spec_algorithm_100k >= 10)],
    );
    details.push(
      `Queue (per operation; RPC = wall time seen by the caller, store = the object's SQL alone; ticks start ${k} entries):\n\n` +
        table(
          ["Waiting", "Enqueue RPC / store", "Position RPC / local", "Cancel RPC / store", "Tick whole", "Tick local", "Spec tick local", "Spec / ours"],
          r.queue.sizes.map((s) => [
            fmt(s.size, 0),
            `${ms(s.enqueue_rpc_ms)} / ${ms(s.enqueue_store_ms)}`,
            `${ms(s.lookup_rpc_ms)} / ${ms(s.lookup_local_ms)}`,
            `${ms(s.cancel_rpc_ms)} / ${ms(s.cancel_store_ms)}`,
            ms(s.tick_whole_ms),
            ms(s.tick_local_ms),
            ms(s.spec_tick_local_ms),
            times(s.spec_tick_local_ms / s.tick_local_ms),
          ]),
        ) +
        `\n\nPosition lookup of the last entry, its parts in the object (1k / 10k / 100k): the store's \`position()\` (queue_blocks ahead + one block's rows) ` +
        `${r.queue.sizes.map((s) => ms(s.lookup_position_ms)).join(" / ")}; the wait estimate read ${r.queue.sizes.map((s) => fmt(s.lookup_energies_read, 0)).join(" / ")} entries ahead ` +
        `(reading them alone ${r.queue.sizes.map((s) => ms(s.lookup_energies_read_ms)).join(" / ")}) and ` +
        `${r.queue.sizes.map((s) => (s.lookup_estimate_beyond_max_wait ? "stopped past the longest wait" : "gave a start")).join(" / ")}; ` +
        `the specification reads a stored position (its query scans: ${r.queue.sizes.map((s) => ms(s.spec_lookup_ms)).join(" / ")}). ` +
        `RPC \`quote()\` (check-options; the wait at the back of each priority class, read up to the longest wait): ${r.queue.sizes.map((s) => ms(s.quote_rpc_ms)).join(" / ")}.`,
    );
  }

  if (r.http) {
    const peak = (e: Endpoint) => Math.max(...Object.values(r.http!.runs[e]).map((x) => x.rps));
    keys.status_throughput_vs_trivial = round(peak("status") / peak("trivial"), 3);
    keys.do_requests_per_1000_status = Math.max(...r.http.absorption.map((a) => a.per_1000));
    target("status_throughput_vs_trivial", keys.status_throughput_vs_trivial, ">= 0.30", keys.status_throughput_vs_trivial >= 0.3);
    target("do_requests_per_1000_status", keys.do_requests_per_1000_status, "<= 10", keys.do_requests_per_1000_status <= 10);
    notes.status_throughput_vs_trivial = "peak req/s of GET /api/v1/energy/status over the trivial Worker's, both under wrangler dev, autocannon at 1/10/50 connections";
    notes.do_requests_per_1000_status = "calls into EnergyPool counted at the Worker's binding (bench/counting-worker.ts) per 1,000 status requests, worst of 10 and 50 connections";
    summary.push(
      ["`GET /energy/status` peak throughput vs a trivial Worker (same wrangler dev)", `${fmt(keys.status_throughput_vs_trivial * 100, 0)} % (${fmt(peak("status"), 0)} vs ${fmt(peak("trivial"), 0)} req/s)`, "≥ 30 %", mark(keys.status_throughput_vs_trivial >= 0.3)],
      ["EnergyPool requests per 1,000 status requests (worst run)", fmt(keys.do_requests_per_1000_status), "≤ 10", mark(keys.do_requests_per_1000_status <= 10)],
    );
    const names: Record<Endpoint, string> = {
      trivial: "trivial Worker",
      status: "GET /energy/status",
      check_options: "POST /withdrawals/:id/check-options",
      create_withdrawal: "POST /withdrawals",
    };
    details.push(
      `HTTP through \`wrangler dev\` (autocannon, ${r.http.run_seconds} s per cell; req/s, p50 / p99 latency):\n\n` +
        table(
          ["Endpoint", ...r.http.concurrency.map((c) => `${c} connection${c > 1 ? "s" : ""}`)],
          (Object.keys(names) as Endpoint[]).map((e) => [
            names[e],
            ...r.http!.concurrency.map((c) => {
              const x = r.http!.runs[e][String(c)];
              return `${fmt(x.rps, 0)}/s, ${x.p50_ms} / ${x.p99_ms} ms`;
            }),
          ]),
        ) +
        "\n\nEdge absorption (status readers in English, Korean and with no Accept-Language): " +
        r.http.absorption.map((a) => `${a.concurrency} connections: ${a.pool_calls} pool requests for ${fmt(a.status_requests, 0)} status requests (${fmt(a.rps, 0)}/s)`).join("; ") +
        ".",
    );
  }

  if (r.pool) {
    keys.pool_ops_per_sec = r.pool.pool_ops_per_sec;
    notes.pool_ops_per_sec =
      "stand-in: reserve + release (processStandard's claim, #settle's release) as one request into the object each (runInDurableObject), best of 1/8/32 callers; the EnergyPool has no reserve/release RPC (bench/README.md)";
    summary.push([
      "Reserve + release per second, one pool, one request each (stand-in: the pool has no such RPC, see bench/README.md)",
      `${fmt(r.pool.pool_ops_per_sec, 0)}/s (${times(r.pool.pool_ops_per_sec / DO_SOFT_LIMIT_RPS)} the ~1,000/s soft limit)`,
      "",
      "",
    ]);
    details.push(
      "One pool's operations per second (callers in the same workerd):\n\n" +
        table(
          ["Operation", ...r.pool.concurrency.map((c) => `${c} caller${c > 1 ? "s" : ""}`)],
          [
            ["reserve + release, one request into the object each", ...r.pool.concurrency.map((c) => `${fmt(r.pool!.reserve_release_requests_per_sec[c], 0)}/s`)],
            ["RPC `status()`", ...r.pool.concurrency.map((c) => `${fmt(r.pool!.status_rpc_per_sec[c], 0)}/s`)],
          ],
        ) +
        `\n\nThe reserve + release step alone, inside the object: ${fmt(r.pool.local_reserve_release_per_sec, 0)}/s. ` +
        `RPC pairs \`enqueue\` + \`cancel\` (D1 transitions included), ${r.pool.enqueue_cancel_concurrency} callers: ${fmt(r.pool.enqueue_cancel_rpc_pairs_per_sec, 0)} pairs/s.`,
    );
  }

  if (r.bundle) {
    const b = r.bundle;
    keys.bundle_gzip_bytes = b.bundle_gzip_bytes;
    keys.startup_ms = b.startup_ms;
    notes.bundle_gzip_bytes = "gzip of the modules written by wrangler deploy --dry-run --outdir";
    notes.startup_ms = "active CPU of the Worker's start-up profiled by wrangler check startup, median of 7";
    summary.push(
      [
        "Bundle, gzip (`wrangler deploy --dry-run --outdir`)",
        `${kib(b.bundle_gzip_bytes)} (${kib(b.bundle_bytes)} raw, of which tronweb and what only it pulls in ${kib(b.tronweb_bytes)}; built without tronweb: ${b.bundle_gzip_kib_without_tronweb ?? "?"} KiB gzip)`,
        "",
        "",
      ],
      [
        "Start-up CPU (`wrangler check startup`, median of 7)",
        `${ms(b.startup_ms)} (runs ${b.startup_runs_ms.map((x) => fmt(x, 0)).join(", ")} ms); the same Worker built without tronweb ${ms(b.startup_ms_without_tronweb)}; trivial Worker ${b.trivial_startup_ms ? ms(b.trivial_startup_ms) : "below one profiler sample"}`,
        "",
        "",
      ],
      [
        "tronweb kept off the start-up path",
        `${b.tronweb_lazy ? "yes" : "**no**"}: initialised only behind its dynamic import; ${ms(b.startup_ms_in_tronweb)} of start-up samples in its code`,
        "",
        "",
      ],
    );
    details.push(
      "Bundle by package (raw bytes): " +
        b.bytes_by_package
          .slice(0, 8)
          .map((p) => `${p.package} ${kib(p.bytes)}`)
          .join(", ") +
        `.\nStart-up CPU by package (mean of the profiles): ${b.startup_ms_by_package
          .slice(0, 6)
          .map((p) => `${p.package} ${ms(p.ms)}`)
          .join(", ")}.`,
    );
  }

  const text = [table(["Measure", "Result", "Target", ""], summary), ...details].join("\n\n");
  return { keys, notes, targets, table: text };
}
