// `npm run demo`: a narrated scenario against a running `npm run dev`. Users withdraw until the
// pool runs short, every fallback option is taken, chain time moves so that the queue drains by
// itself, an alert fires and recovers, and a table shows what each user paid and waited.
//
// Each run uses fresh Idempotency-Keys and new withdrawals, tops the demo users up, and puts the
// stake (and any config it had to change) back at the end, so it can run again on the same stack.
import { DEMO_HOLDER, DEMO_STAKE_TRX, devSecrets, HOT_WALLET, POOL_ID, signToken } from "./stack";

const API = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;
const DEVNET = process.env.DEVNET_URL ?? `http://127.0.0.1:${process.env.DEVNET_PORT ?? 8790}`;
// About 290k energy: with the ~193k that the first three transfers used, one more fits (crossing the
// warning threshold) and the next does not.
const SHORT_STAKE_TRX = 29_000;
const WITHDRAWAL_USDT = "5";
// Queue entries that wait longer than queue_max_wait_hours (24 h here) go back to pending.
const MAX_ADVANCE_S = 23 * 3600;
// Past a predicted start, so that the alarm tick that follows sees the energy free.
const ADVANCE_MARGIN_S = 600;
const ALARM_WAIT_MS = 150_000;

const RUN = Date.now().toString(36);
let keySeq = 0;
const newKey = (what: string) => `demo-${RUN}-${++keySeq}-${what}`;

// ---------------------------------------------------------------- narration

const say = (text = "") => console.log(`   ${text}`);
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

function table(headers: string[], rows: string[][], alignRight: number[] = []): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (alignRight.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  say(line(headers));
  say(widths.map((w) => "─".repeat(w)).join("  "));
  for (const r of rows) say(line(r));
}

const sunOf = (trx: string) => {
  const [whole, frac = ""] = trx.split(".");
  return Number(whole) * 1_000_000 + Number(frac.padEnd(6, "0"));
};
const trxOf = (sun: number) => {
  const digits = String(sun).padStart(7, "0");
  const frac = digits.slice(-6).replace(/0+$/, "");
  return digits.slice(0, -6) + (frac ? `.${frac}` : "");
};

// ---------------------------------------------------------------- HTTP

interface Reply {
  status: number;
  body: any;
}

async function call(method: string, url: string, opts: { token?: string; body?: unknown; key?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.key) headers["idempotency-key"] = opts.key;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (the cron trigger answers "ok").
  }
  return { status: res.status, body };
}

function expect(reply: Reply, status: number, what: string): any {
  if (reply.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

const devnet = async (path: string, body?: unknown) =>
  expect(await call(body === undefined ? "GET" : "POST", DEVNET + path, { body }), 200, `devnet ${path}`);

// ---------------------------------------------------------------- the demo's state

type User = "alice" | "bob";

interface Tracked {
  label: string;
  user: User;
  id: string;
  option: string;
  /** Chain time when the user chose, to measure the wait in chain time. */
  chosenAt: number;
  status: string;
}

const ctx = {
  tokens: {} as Record<User | "ops", string>,
  tracked: [] as Tracked[],
  /** Alerts already printed, or raised before this run (their times are chain times, so not comparable). */
  seenAlerts: new Set<string>(),
  alertsBefore: new Set<string>(),
  config: null as Record<string, unknown> | null,
  restoreConfig: null as Record<string, unknown> | null,
  stakeShrunk: false,
  pending: null as { user: User; id: string; options: any } | null,
};

const api = (method: string, path: string, who: User | "ops", opts: { body?: unknown; key?: string } = {}) =>
  call(method, `${API}/api/v1${path}`, { token: ctx.tokens[who], ...opts });

async function chainNow(): Promise<number> {
  return (await devnet("/devnet/state")).now;
}

/** The cron's handler in `wrangler dev`: the pool re-reads the chain and re-checks its alert level. */
async function nudge(): Promise<void> {
  expect(await call("GET", `${API}/cdn-cgi/handler/scheduled`), 200, "scheduled trigger");
}

async function poolStatus() {
  const { pools } = expect(await api("GET", "/admin/pools", "ops"), 200, "admin pools");
  const pool = pools.find((p: any) => p.id === POOL_ID) ?? pools[0];
  if (!pool.status) throw new Error(`the pool's status is unavailable: ${pool.status_error}`);
  return pool.status;
}

async function sayPool(prefix = "pool"): Promise<void> {
  const s = await poolStatus();
  say(
    `${prefix}: limit ${int(s.energy_limit)} · used ${int(s.energy_used)} · reserved ${int(s.energy_reserved)} · ` +
      `available ${int(s.energy_available)} (${s.available_percentage.toFixed(1)} %) · queued ${s.queue_length} · postponed ${s.postponed}`,
  );
  await reportAlerts();
}

async function alertsOfThisRun(): Promise<any[]> {
  const { alerts } = expect(await api("GET", `/admin/alerts?pool_id=${POOL_ID}&limit=50`, "ops"), 200, "alerts");
  return alerts.filter((a: any) => !ctx.alertsBefore.has(a.id)).reverse();
}

/** Prints the alerts raised since the demo started, each once. */
async function reportAlerts(): Promise<void> {
  for (const a of await alertsOfThisRun()) {
    if (ctx.seenAlerts.has(a.id)) continue;
    ctx.seenAlerts.add(a.id);
    const deliveries = a.deliveries.map((d: any) => `${d.channel}:${d.status}`).join(", ") || "none";
    say(`🔔 ALERT ${a.level.toUpperCase()}: ${a.usage_percentage.toFixed(1)} % used, ${int(a.energy_available)} / ${int(a.energy_limit)} energy left (deliveries: ${deliveries})`);
  }
}

async function createWithdrawal(user: User): Promise<string> {
  const w = expect(await api("POST", "/withdrawals", user, { body: { to_address: DEMO_HOLDER, amount: WITHDRAWAL_USDT }, key: newKey("create") }), 201, "create withdrawal");
  return w.id;
}

async function checkOptions(user: User, id: string) {
  return expect(await api("POST", `/withdrawals/${id}/check-options`, user), 200, "check-options");
}

async function choose(user: User, id: string, label: string, body: Record<string, unknown>) {
  const chosenAt = await chainNow();
  const r = expect(await api("POST", `/withdrawals/${id}/process-with-option`, user, { body, key: newKey(String(body.method)) }), 200, `process ${body.method}`);
  const option = body.method === "queue_wait" ? `queue (priority ${body.priority ?? 0})` : String(body.method);
  ctx.tracked.push({ label, user, id, option, chosenAt, status: r.result.withdrawal.status });
  return r;
}

function describeOptions(options: any[]): void {
  table(
    ["option", "cost TRX", "cost USD", "wait", "available"],
    options.map((o) => [
      o.method === "queue_wait" ? `queue_wait (priority ${o.priority})` : o.method,
      o.cost_trx,
      o.cost_usd,
      o.immediate ? "now" : o.estimated_wait_minutes === undefined ? "—" : duration(o.estimated_wait_minutes * 60_000),
      o.available ? "yes" : `no (${o.reason})`,
    ]),
    [1, 2],
  );
}

/** A pending withdrawal that the pool cannot take now, with the options it was offered. */
async function shortWithdrawal(user: User) {
  const id = await createWithdrawal(user);
  const options = await checkOptions(user, id);
  if (options.can_process_immediately) throw new Error("the pool unexpectedly has room again");
  return { id, options };
}

/** Polls the tracked withdrawals until `done` holds, printing each status change. */
async function follow(done: (tracked: Tracked[]) => boolean, timeoutMs = ALARM_WAIT_MS): Promise<void> {
  const start = Date.now();
  let dots = 0;
  while (Date.now() - start < timeoutMs) {
    let changed = false;
    for (const w of ctx.tracked) {
      const now = expect(await api("GET", `/withdrawals/${w.id}`, w.user), 200, "withdrawal");
      if (now.status !== w.status) {
        if (dots) process.stdout.write("\n");
        dots = 0;
        say(`[+${duration(Date.now() - start)}] ${w.label}: ${w.status} → ${now.status}`);
        w.status = now.status;
        changed = true;
      }
    }
    if (changed) await reportAlerts();
    if (done(ctx.tracked)) {
      if (dots) process.stdout.write("\n");
      return;
    }
    process.stdout.write(dots++ === 0 ? "   waiting for the pool's alarm (every 30 s) ." : ".");
    await sleep(3_000);
  }
  process.stdout.write("\n");
  throw new Error(`timed out after ${duration(timeoutMs)}: ${ctx.tracked.map((w) => `${w.label}=${w.status}`).join(", ")}`);
}

const FINAL = ["completed", "failed", "cancelled", "pending"];
const allFinal = (tracked: Tracked[]) => tracked.every((w) => FINAL.includes(w.status));

/** Moves the chain 90 s on (19 blocks solidify a transfer) and waits until the pool has settled all. */
async function confirmAll(): Promise<void> {
  await devnet("/devnet/time/advance", { seconds: 90 });
  say("devnet clock advanced 90 s: the transfers are now solidified on chain");
  await follow(allFinal);
}

/** Seconds of chain time until the next waiting withdrawal is expected to start, and which one. */
async function nextStart(): Promise<{ seconds: number; label: string } | null> {
  const { entries } = expect(await api("GET", `/admin/queue?pool_id=${POOL_ID}`, "ops"), 200, "admin queue");
  const candidates: Array<{ seconds: number; label: string }> = [];
  const head = entries[0];
  if (head?.estimated_start) {
    // Queue estimates are wall-clock times.
    candidates.push({ seconds: (Date.parse(head.estimated_start) - Date.now()) / 1000, label: labelOf(head.withdrawal_id) });
  }
  const chain = await chainNow();
  for (const w of ctx.tracked.filter((t) => t.status === "postponed")) {
    // postpone_until is the pool's own (chain) time.
    const { postpone_until } = expect(await api("GET", `/withdrawals/${w.id}`, w.user), 200, "withdrawal");
    candidates.push({ seconds: (Date.parse(postpone_until) - chain) / 1000, label: w.label });
  }
  candidates.sort((a, b) => a.seconds - b.seconds);
  return candidates[0] ?? null;
}

const labelOf = (id: string) => ctx.tracked.find((w) => w.id === id)?.label ?? id.slice(0, 8);

// ---------------------------------------------------------------- the steps

interface Step {
  title: string;
  run(): Promise<void>;
}

const steps: Step[] = [
  {
    title: "Preflight: the API, the devnet and the tokens",
    async run() {
      const up = await Promise.all([
        call("GET", `${API}/api/v1/energy/status`).catch(() => null),
        call("GET", `${DEVNET}/devnet/state`).catch(() => null),
      ]);
      if (up.some((r) => r?.status !== 200)) {
        throw new Error(`start the stack first with \`npm run dev\` (API ${API}, devnet ${DEVNET})`);
      }
      const secret = process.env.JWT_SECRET ?? devSecrets().JWT_SECRET;
      if (!secret) throw new Error("JWT_SECRET not found in the environment, .dev.vars or .dev.vars.example");
      ctx.tokens = {
        alice: await signToken("alice", { secret }),
        bob: await signToken("bob", { secret }),
        ops: await signToken("ops", { secret, admin: true }),
      };
      const check = await api("GET", `/admin/alerts?pool_id=${POOL_ID}&limit=200`, "ops");
      if (check.status === 401) throw new Error("the API refused the demo's token: is `npm run dev` using this checkout's .dev.vars?");
      for (const a of expect(check, 200, "alerts").alerts) ctx.alertsBefore.add(a.id);
      say(`API ${API} · devnet ${DEVNET} · run ${RUN}`);
    },
  },
  {
    title: "Clean slate: leftovers cancelled, yesterday's energy recovered, users topped up",
    async run() {
      let cancelled = 0;
      for (const user of ["alice", "bob"] as const) {
        for (const status of ["pending", "queued", "postponed"]) {
          const { withdrawals } = expect(await api("GET", `/admin/withdrawals?user_id=${user}&status=${status}&limit=200`, "ops"), 200, "admin withdrawals");
          for (const w of withdrawals) {
            const r = await api("POST", `/withdrawals/${w.id}/cancel`, user, { key: newKey("cancel") });
            if (r.status === 200) cancelled++;
          }
        }
      }
      if (cancelled) say(`cancelled ${cancelled} withdrawals left by an earlier run (refunded)`);

      const { config } = expect(await api("GET", `/admin/config?pool_id=${POOL_ID}`, "ops"), 200, "config");
      ctx.config = config;
      // The scenario needs both options on and entries that survive the time it skips.
      // External energy is off by default (the spec's default); the demo turns it on against the
      // devnet's provider emulators, wherever this devnet listens.
      const providers = (config.external_pool_providers as Array<{ name: string; markup: number }>).map((p) => ({ ...p, base_url: `${DEVNET}/providers/${p.name}` }));
      const needed = {
        trx_payment_enabled: true,
        queue_enabled: true,
        queue_max_wait_hours: Math.max(24, config.queue_max_wait_hours),
        external_pool_enabled: providers.length > 0,
        external_pool_providers: providers,
      };
      if (Object.entries(needed).some(([k, v]) => JSON.stringify(config[k]) !== JSON.stringify(v))) {
        ctx.restoreConfig = config;
        expect(await api("PUT", `/admin/config?pool_id=${POOL_ID}`, "ops", { body: { ...config, ...needed } }), 200, "config");
        say(`config adjusted for the demo (restored at the end): ${JSON.stringify(needed)}`);
      }

      await devnet("/devnet/stake", { address: HOT_WALLET, trx: DEMO_STAKE_TRX });
      if ((await poolStatus()).energy_used > 0) {
        await devnet("/devnet/time/advance", { seconds: 24 * 3600 });
        say("devnet clock advanced 24 h: energy used earlier has fully recovered");
      }
      for (const user of ["alice", "bob"] as const) {
        for (const [asset, amount] of [["USDT", "100"], ["TRX", "60"]]) {
          expect(await api("POST", `/admin/users/${user}/credit`, "ops", { body: { asset, amount }, key: newKey("credit") }), 201, "credit");
        }
      }
      say("alice and bob were each credited 100 USDT and 60 TRX (admin deposit)");
      await nudge();
      await sayPool();
    },
  },
  {
    title: "Users withdraw on the standard path: the pool's own energy, sent at once",
    async run() {
      for (const [i, user] of (["alice", "bob", "alice"] as const).entries()) {
        const id = await createWithdrawal(user);
        const options = await checkOptions(user, id);
        if (!options.can_process_immediately) throw new Error(`the pool refused ${user} at once: ${options.reason}`);
        const label = `${user} #${i + 1}`;
        const r = await choose(user, id, label, { method: "standard" });
        say(`${label}: ${WITHDRAWAL_USDT} USDT, standard → ${r.result.withdrawal.status} (${int(options.required_energy)} energy reserved from the pool)`);
      }
      await sayPool();
    },
  },
  {
    title: "Their transfers confirm; the pool's alarm settles them",
    async run() {
      await confirmAll();
      await sayPool();
    },
  },
  {
    title: `The operator's stake shrinks to ${int(SHORT_STAKE_TRX)} TRX (devnet); users keep withdrawing until the pool runs short`,
    async run() {
      await devnet("/devnet/stake", { address: HOT_WALLET, trx: SHORT_STAKE_TRX });
      ctx.stakeShrunk = true;
      await nudge();
      await sayPool();
      const users: User[] = ["bob", "alice"];
      for (let i = 0; i < 10; i++) {
        const user = users[i % 2];
        const id = await createWithdrawal(user);
        const options = await checkOptions(user, id);
        if (!options.can_process_immediately) {
          ctx.pending = { user, id, options };
          say(`${user} asks for ${WITHDRAWAL_USDT} USDT: ${int(options.required_energy)} energy needed, ${int(options.energy_available)} free → ${options.reason}`);
          return;
        }
        const label = `${user} #${ctx.tracked.length + 1}`;
        const r = await choose(user, id, label, { method: "standard" });
        say(`${label}: standard → ${r.result.withdrawal.status}`);
        await sayPool();
      }
      throw new Error("the pool never ran short");
    },
  },
  {
    title: "The pool is short: what the user is offered (check-options)",
    async run() {
      const { options } = ctx.pending!;
      describeOptions(options.options);
      say(`recommendation: ${options.recommendation}`);
    },
  },
  {
    title: "Option: pay the network fee in TRX (sent at once from the fee wallet)",
    async run() {
      const { user, id, options } = ctx.pending!;
      const offer = options.options.find((o: any) => o.method === "trx_payment");
      if (!offer?.available) throw new Error(`trx_payment is not available: ${offer?.reason ?? "not offered"}`);
      const r = await choose(user, id, `${user} (TRX)`, { method: "trx_payment" });
      say(`${user} pays ${r.result.withdrawal.fee_trx} TRX → ${r.result.withdrawal.status}; the pool's own energy is untouched`);
      await sayPool();
    },
  },
  {
    title: "Option: wait in the queue for free (priority 0)",
    async run() {
      const { id, options } = await shortWithdrawal("bob");
      const r = await choose("bob", id, "bob (queue)", { method: "queue_wait", priority: 0 });
      const q = r.result.queue;
      say(`bob queued at position ${q.position}, estimated wait ${q.estimated_wait_minutes === null ? "unknown" : duration(q.estimated_wait_minutes * 60_000)} (reason: ${options.reason})`);
    },
  },
  {
    title: "Option: wait in the queue with priority (pays the priority fee, goes ahead of the free entries)",
    async run() {
      const { id } = await shortWithdrawal("alice");
      const r = await choose("alice", id, "alice (priority)", { method: "queue_wait", priority: 1 });
      const q = r.result.queue;
      say(`alice pays ${r.result.withdrawal.fee_trx} TRX and is queued at position ${q.position}, estimated wait ${duration(q.estimated_wait_minutes * 60_000)}`);
    },
  },
  {
    title: "Option: postpone until the pool is expected to have the energy",
    async run() {
      const { id } = await shortWithdrawal("bob");
      const r = await choose("bob", id, "bob (postpone)", { method: "postpone" });
      say(`bob's withdrawal sleeps until ${r.result.withdrawal.postpone_until} (the energy model's prediction)`);
    },
  },
  {
    title: "Option: rent energy from an external provider",
    async run() {
      const { id, options } = await shortWithdrawal("alice");
      const offers = options.options.filter((o: any) => o.method === "external_pool");
      if (!offers.some((o: any) => o.available)) throw new Error(`external_pool is not offered: ${JSON.stringify(offers)}`);
      const burn = options.options.find((o: any) => o.method === "trx_payment");
      table(
        ["provider", "cost (TRX)", "available"],
        offers.map((o: any) => [o.provider, o.cost_trx, o.available ? "yes" : o.reason]),
        [1],
      );
      const r = await choose("alice", id, "alice (rental)", { method: "external_pool" });
      say(`alice rents ${int(options.required_energy)} energy from ${r.result.provider} for ${r.result.withdrawal.fee_trx} TRX${burn ? ` (paying the burn in TRX would cost ${burn.cost_trx})` : ""} → ${r.result.withdrawal.status}`);
      // The emulated provider delegates after a few seconds of chain time; the pool sends once both
      // the provider and the rental wallet's energy on chain say it arrived.
      await devnet("/devnet/time/advance", { seconds: 6 });
      say("the provider delegates the energy on chain; the pool's alarm sends the withdrawal from the rental wallet once it sees it");
      const { purchase_orders } = expect(await api("GET", `/admin/purchase-orders?withdrawal_id=${id}`, "ops"), 200, "purchase orders");
      for (const po of purchase_orders) say(`purchase order ${po.id.slice(0, 8)}: ${po.provider} ${po.status}, ${int(po.energy)} energy, quoted ${trxOf(po.quoted_cost_sun)} TRX`);
    },
  },
  {
    title: "The queue as operators see it (GET /api/v1/admin/queue)",
    async run() {
      const { entries } = expect(await api("GET", `/admin/queue?pool_id=${POOL_ID}`, "ops"), 200, "admin queue");
      table(
        ["#", "withdrawal", "priority", "energy", "estimated start"],
        entries.map((e: any) => [String(e.position), labelOf(e.withdrawal_id), String(e.priority), int(e.energy), e.estimated_start ?? "cannot fit"]),
        [0, 3],
      );
      await sayPool();
    },
  },
  {
    title: "Chain time passes: energy recovers and the pool's alarm starts the waiting withdrawals by itself",
    async run() {
      const waiting = (tracked: Tracked[]) => tracked.filter((w) => w.status === "queued" || w.status === "postponed");
      for (let stage = 0; stage < 6 && waiting(ctx.tracked).length; stage++) {
        const next = await nextStart();
        if (!next) throw new Error("the pool expects none of the waiting withdrawals to ever fit");
        const seconds = Math.min(MAX_ADVANCE_S, Math.max(60, Math.ceil(next.seconds) + ADVANCE_MARGIN_S));
        await devnet("/devnet/time/advance", { seconds });
        say(`devnet clock advanced ${duration(seconds * 1000)}: ${next.label} is expected to start`);
        const before = waiting(ctx.tracked).length;
        await follow((tracked) => waiting(tracked).length < before && !tracked.some((w) => w.status === "processing"));
      }
      await confirmAll();
      await sayPool();
    },
  },
  {
    title: "The operator restores the stake (the alert's advice): the alert recovers",
    async run() {
      await devnet("/devnet/stake", { address: HOT_WALLET, trx: DEMO_STAKE_TRX });
      ctx.stakeShrunk = false;
      await nudge();
      await sayPool();
      const levels = async () => (await alertsOfThisRun()).map((a) => a.level);
      for (let i = 0; i < 10 && !(await levels()).includes("recovery"); i++) await sleep(1_000);
      await reportAlerts();
      const seen = await levels();
      say(seen.length ? `alerts this run, oldest first: ${seen.join(" → ")}` : "no alert fired during this run");
    },
  },
  {
    title: "Summary: what each user paid and waited",
    async run() {
      const { transactions } = await devnet("/devnet/transactions");
      const minedAt = new Map<string, number>(transactions.map((t: any) => [t.txid, t.block_timestamp]));
      const rows = await Promise.all(
        ctx.tracked.map(async (w) => {
          const now = expect(await api("GET", `/withdrawals/${w.id}`, w.user), 200, "withdrawal");
          const mined = now.tx_id ? minedAt.get(now.tx_id) : undefined;
          return { w, now, waitedMs: mined === undefined ? null : Math.max(0, mined - w.chosenAt) };
        }),
      );
      table(
        ["withdrawal", "user", "option", "amount USDT", "fee TRX", "status", "waited (chain time)"],
        rows.map(({ w, now, waitedMs }) => [w.label, w.user, w.option, now.amount, now.fee_trx, now.status, waitedMs === null ? "—" : duration(waitedMs)]),
        [3, 4],
      );
      say();
      const perUser = (["alice", "bob"] as const).map((user) => {
        const mine = rows.filter((r) => r.w.user === user);
        const fees = mine.reduce((sum, r) => sum + sunOf(r.now.fee_trx), 0);
        const longest = Math.max(0, ...mine.map((r) => r.waitedMs ?? 0));
        return [user, String(mine.length), trxOf(fees), duration(longest)];
      });
      table(["user", "withdrawals", "fees paid TRX", "longest wait"], perUser, [1, 2]);
    },
  },
];

// ---------------------------------------------------------------- run

let failed = false;
try {
  for (const [i, s] of steps.entries()) {
    console.log(`\n[${i + 1}/${steps.length}] ${s.title}`);
    await s.run();
  }
  console.log("\nDone. The dashboard at " + API + "/ shows the same story (sign in with `npm run token -- ops --admin`).");
} catch (e) {
  failed = true;
  console.error(`\nDemo stopped: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  if (ctx.stakeShrunk) {
    await devnet("/devnet/stake", { address: HOT_WALLET, trx: DEMO_STAKE_TRX }).catch(() => undefined);
    console.log(`(the hot wallet's stake was put back to ${int(DEMO_STAKE_TRX)} TRX)`);
  }
  if (ctx.restoreConfig && ctx.tokens.ops) {
    const r = await api("PUT", `/admin/config?pool_id=${POOL_ID}`, "ops", { body: ctx.restoreConfig });
    console.log(r.status === 200 ? "(the pool's config was put back as it was)" : `could not restore the config: ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
