import { beforeAll, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { createScheduledController, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import worker from "../../src/worker";
import { call, DEVNET_PROVIDERS, devnet, HOT_WALLET, newKey, pool, POOL_ID, seedWorld, tokenFor } from "../helpers";
import { poolRows, Violation } from "./audit";
import { numberSetting, replayCommand, SOAK } from "./profile";
import { advanceChain, PROVIDER_NAMES, settle, startWorld, type World } from "./world";

// Model-based fault test: random sequences of user and operator actions interleaved with injected
// faults, run against the real Worker, EnergyPool and D1 with the devnet as the chain; after every
// step the auditor checks the money and state invariants (./audit.ts). Each sequence is one
// fast-check run with a seed of its own, printed on failure with the command that replays it.

// Evicting the object costs ~10 s in this runtime (it waits for in-flight work to drain).
const MAX_EVICTIONS_PER_SEQUENCE = 1;
const FAST = { sequences: 4, maxCommands: 60 };
const SOAK_PROFILE = { steps: numberSetting(env.SOAK_STEPS, 10_000), maxCommands: 400 };

type Status = "pending" | "queued" | "postponed" | "processing" | "broadcast" | "completed" | "failed" | "cancelled";

interface MoneyRequest {
  what: string;
  path: string;
  token: string;
  body: unknown;
  key: string;
  status: number;
  response: unknown;
}

interface Model {
  /** Withdrawals created so far, with the status the service last reported for each. */
  withdrawals: Array<{ id: string; user: string; status: Status }>;
  /** Recent money-moving requests, to send again with the same Idempotency-Key. */
  sent: MoneyRequest[];
  evictions: number;
  /** A node timeout was injected on the build path: 503 chain_unavailable is then a fair answer. */
  nodeOutage: boolean;
}

type Answer = { status: number; body: any; headers: Headers };
type Allowed = Record<number, readonly string[] | "any">;

function expectAnswer(what: string, res: Answer, allowed: Allowed): void {
  const codes = allowed[res.status];
  if (codes === undefined || (codes !== "any" && !codes.includes(res.body?.error?.code))) {
    throw new Violation(`${what} answered ${res.status} ${JSON.stringify(res.body).slice(0, 600)}`);
  }
}

const CANCELLABLE: readonly Status[] = ["pending", "queued", "postponed"];

abstract class Step implements fc.AsyncCommand<Model, World> {
  check(_m: Readonly<Model>): boolean {
    return true;
  }

  async run(m: Model, w: World): Promise<void> {
    const t0 = Date.now();
    const note = await this.act(m, w);
    const t1 = Date.now();
    w.commandSteps++;
    w.trace.push(`${this.toString()}${note ? ` -> ${note}` : ""}`);
    await w.audit.check(this.toString());
    w.trace[w.trace.length - 1] += ` [act ${t1 - t0} ms, audit ${Date.now() - t1} ms]`;
  }

  /** Performs the step and checks the service's answer; returns what to note in the trace. */
  protected abstract act(m: Model, w: World): Promise<string | void>;
  abstract toString(): string;
}

function pick(m: Readonly<Model>, index: number, prefer: readonly Status[]) {
  const preferred = m.withdrawals.filter((x) => prefer.includes(x.status));
  const list = preferred.length ? preferred : m.withdrawals;
  return list[index % list.length];
}

function remember(m: Model, req: MoneyRequest) {
  m.sent.push(req);
  if (m.sent.length > 5) m.sent.shift();
}

async function money(m: Model, what: string, path: string, token: string, body: unknown): Promise<Answer> {
  const key = newKey("model");
  const res = await call(path, { method: "POST", token, body, idempotencyKey: key });
  remember(m, { what, path, token, body, key, status: res.status, response: res.body });
  return res;
}

class Create extends Step {
  constructor(readonly user: number, readonly recipient: number, readonly amount: string) {
    super();
  }
  async act(m: Model, w: World) {
    const user = w.users[this.user % w.users.length];
    const to = w.recipients[this.recipient % w.recipients.length];
    const res = await money(m, "create", "/api/v1/withdrawals", w.tokens.get(user)!, { to_address: to, amount: this.amount });
    expectAnswer("create", res, { 201: "any", 409: ["insufficient_balance"] });
    if (res.status === 201) m.withdrawals.push({ id: res.body.id, user, status: "pending" });
    return `${res.status} ${res.body.id ?? res.body.error.code}`;
  }
  toString() {
    return `create(user ${this.user}, recipient ${this.recipient}, ${this.amount} USDT)`;
  }
}

class CheckOptions extends Step {
  constructor(readonly index: number) {
    super();
  }
  check(m: Readonly<Model>) {
    return m.withdrawals.length > 0;
  }
  async act(m: Model, w: World) {
    const target = pick(m, this.index, ["pending"]);
    const waiting = w.audit.last.waiting.length;
    const res = await call(`/api/v1/withdrawals/${target.id}/check-options`, { method: "POST", token: w.tokens.get(target.user) });
    expectAnswer("check-options", res, { 200: "any", 409: ["invalid_state"] });
    if (res.status === 200) {
      const methods = (res.body.options as Array<{ method: string }>).map((o) => o.method);
      if (res.body.can_process_immediately && waiting > 0) throw new Violation(`check-options offers the standard path while ${waiting} entries wait in the queue`);
      if (!res.body.can_process_immediately && methods.includes("standard")) throw new Violation(`check-options offers standard while refusing it: ${JSON.stringify(res.body)}`);
    }
    return `${target.id} ${res.status} ${res.status === 200 ? res.body.recommendation : res.body.error.code}`;
  }
  toString() {
    return `check-options(w ${this.index})`;
  }
}

type Choice =
  | { method: "standard" }
  | { method: "trx_payment" }
  | { method: "queue_wait"; priority?: 0 | 1 }
  | { method: "external_pool"; provider?: (typeof PROVIDER_NAMES)[number] }
  | { method: "postpone"; minutes?: number };

/** The request body for a choice; a postponement is asked for a number of minutes from now. */
function bodyOf(choice: Choice): Record<string, unknown> {
  const { minutes, ...rest } = choice as Choice & { minutes?: number };
  return minutes === undefined ? rest : { ...rest, postpone_until: new Date(Date.now() + minutes * 60_000).toISOString() };
}

// The statuses a withdrawal may be left in when process-with-option answers 200, per method.
const AFTER_CHOICE: Record<Choice["method"], readonly Status[]> = {
  standard: ["processing", "broadcast", "failed"],
  trx_payment: ["processing", "broadcast", "failed"],
  queue_wait: ["queued"],
  external_pool: ["processing", "broadcast", "pending"],
  postpone: ["postponed"],
};

class Process extends Step {
  constructor(readonly index: number, readonly choice: Choice, readonly checkFirst: boolean) {
    super();
  }
  check(m: Readonly<Model>) {
    return m.withdrawals.length > 0;
  }
  async act(m: Model, w: World) {
    const target = pick(m, this.index, ["pending"]);
    const token = w.tokens.get(target.user)!;
    if (this.checkFirst) {
      const options = await call(`/api/v1/withdrawals/${target.id}/check-options`, { method: "POST", token });
      expectAnswer("check-options", options, { 200: "any", 409: ["invalid_state"] });
    }
    const body = bodyOf(this.choice);
    const res = await money(m, `process ${this.choice.method}`, `/api/v1/withdrawals/${target.id}/process-with-option`, token, body);
    expectAnswer(`process-with-option ${JSON.stringify(body)}`, res, {
      200: "any",
      409: ["invalid_state", "energy_insufficient", "insufficient_balance", "quote_expired"],
      422: ["option_unavailable"],
      503: m.nodeOutage ? ["chain_unavailable"] : [],
    });
    if (res.status === 200) {
      const after = res.body.result.withdrawal as { status: Status };
      if (!AFTER_CHOICE[this.choice.method].includes(after.status)) throw new Violation(`${this.choice.method} left the withdrawal ${after.status}: ${JSON.stringify(res.body)}`);
      const failedOrReturned = after.status === "failed" || after.status === "pending";
      if (res.body.success === failedOrReturned) throw new Violation(`success is ${res.body.success} for a withdrawal left ${after.status}`);
      target.status = after.status;
      if (this.choice.method === "standard") {
        // Free energy belongs to the queue first: the standard path stays closed while anyone waits.
        const waiting = (await poolRows()).waiting.length;
        if (waiting > 0) throw new Violation(`the standard path sent ${target.id} while ${waiting} queue entries wait`);
      }
    }
    return `${target.id} ${res.status} ${res.status === 200 ? res.body.result.withdrawal.status : res.body.error.code}`;
  }
  toString() {
    return `process(w ${this.index}, ${JSON.stringify(this.choice)}${this.checkFirst ? ", after check-options" : ""})`;
  }
}

class Cancel extends Step {
  constructor(readonly index: number) {
    super();
  }
  check(m: Readonly<Model>) {
    return m.withdrawals.length > 0;
  }
  async act(m: Model, w: World) {
    const target = pick(m, this.index, CANCELLABLE);
    const res = await money(m, "cancel", `/api/v1/withdrawals/${target.id}/cancel`, w.tokens.get(target.user)!, undefined);
    expectAnswer("cancel", res, { 200: "any", 409: ["invalid_state"] });
    if (res.status === 200) {
      if (res.body.result.withdrawal.status !== "cancelled") throw new Violation(`cancel answered 200 with ${JSON.stringify(res.body)}`);
      target.status = "cancelled";
    }
    return `${target.id} ${res.status}`;
  }
  toString() {
    return `cancel(w ${this.index})`;
  }
}

class SetPriority extends Step {
  constructor(readonly index: number, readonly priority: 0 | 1 | 2) {
    super();
  }
  check(m: Readonly<Model>) {
    return m.withdrawals.length > 0;
  }
  async act(m: Model, w: World) {
    const target = pick(m, this.index, ["queued"]);
    const res = await call(`/api/v1/admin/withdrawals/${target.id}/priority`, { token: w.admin, body: { priority: this.priority } });
    expectAnswer("admin priority", res, { 200: "any", 409: ["invalid_state"] });
    return `${target.id} ${res.status}`;
  }
  toString() {
    return `admin-priority(w ${this.index}, ${this.priority})`;
  }
}

class Deposit extends Step {
  constructor(readonly user: number, readonly asset: "TRX" | "USDT", readonly amount: string) {
    super();
  }
  async act(m: Model, w: World) {
    const user = w.users[this.user % w.users.length];
    const res = await money(m, "deposit", `/api/v1/admin/users/${user}/credit`, w.admin, { asset: this.asset, amount: this.amount });
    expectAnswer("deposit", res, { 201: "any" });
  }
  toString() {
    return `deposit(user ${this.user}, ${this.amount} ${this.asset})`;
  }
}

/** The same request again with the same Idempotency-Key: the first answer, and nothing moves. */
class Replay extends Step {
  constructor(readonly index: number) {
    super();
  }
  check(m: Readonly<Model>) {
    return m.sent.length > 0;
  }
  async act(m: Model, _w: World) {
    const req = m.sent[this.index % m.sent.length];
    const counts = () =>
      env.DB.prepare("SELECT (SELECT count(*) FROM holds) AS holds, (SELECT count(*) FROM withdrawals) AS withdrawals, (SELECT count(*) FROM ledger_entries) AS entries").first();
    const before = await counts();
    const res = await call(req.path, { method: "POST", token: req.token, body: req.body, idempotencyKey: req.key });
    // A server error frees the key (nothing to replay), so the retry runs afresh.
    if (req.status >= 500) {
      expectAnswer(`retry of ${req.what}`, res, { 200: "any", 201: "any", 409: "any", 422: "any", 503: ["chain_unavailable"] });
      req.status = res.status;
      req.response = res.body;
      return `retried ${res.status}`;
    }
    if (res.status !== req.status || JSON.stringify(res.body) !== JSON.stringify(req.response) || res.headers.get("idempotent-replayed") !== "true") {
      throw new Violation(`replay of ${req.what} answered ${res.status} ${JSON.stringify(res.body)}; first answer ${req.status} ${JSON.stringify(req.response)}`);
    }
    const after = await counts();
    if (JSON.stringify(after) !== JSON.stringify(before)) throw new Violation(`replay of ${req.what} wrote: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    return `replayed ${req.what} ${res.status}`;
  }
  toString() {
    return `replay(request ${this.index})`;
  }
}

/**
 * A double click: the same request sent several times at once with one Idempotency-Key. One runs;
 * the others see it running (409) or get its answer replayed; it takes effect once.
 */
class ConcurrentDuplicate extends Step {
  constructor(readonly index: number, readonly choice: Choice, readonly copies: number) {
    super();
  }
  check(m: Readonly<Model>) {
    return m.withdrawals.length > 0;
  }
  async act(m: Model, w: World) {
    const target = pick(m, this.index, ["pending"]);
    const key = newKey("twice");
    const path = `/api/v1/withdrawals/${target.id}/process-with-option`;
    const token = w.tokens.get(target.user)!;
    const body = bodyOf(this.choice);
    const answers = await Promise.all(Array.from({ length: this.copies }, () => call(path, { method: "POST", token, body, idempotencyKey: key })));
    const ran = answers.filter((a) => !(a.status === 409 && a.body?.error?.code === "idempotency_in_progress"));
    if (ran.length === 0) throw new Violation(`every copy was told the request is still running: ${JSON.stringify(answers.map((a) => a.body))}`);
    const first = JSON.stringify([ran[0].status, ran[0].body]);
    if (ran.some((a) => JSON.stringify([a.status, a.body]) !== first)) throw new Violation(`copies with one key got different answers: ${JSON.stringify(ran.map((a) => [a.status, a.body]))}`);
    expectAnswer(`process-with-option ${JSON.stringify(this.choice)}`, ran[0], {
      200: "any",
      409: ["invalid_state", "energy_insufficient", "insufficient_balance", "quote_expired"],
      422: ["option_unavailable"],
      503: m.nodeOutage ? ["chain_unavailable"] : [],
    });
    if (ran[0].status === 200) target.status = ran[0].body.result.withdrawal.status;
    remember(m, { what: `process ${this.choice.method}`, path, token, body, key, status: ran[0].status, response: ran[0].body });
    return `${target.id} ${answers.map((a) => a.status).join("/")}`;
  }
  toString() {
    return `concurrent-duplicate(w ${this.index}, ${JSON.stringify(this.choice)} x${this.copies})`;
  }
}

/**
 * Two different requests for one withdrawal at once, each with its own key (two tabs, or a client
 * that mints a key per click): whichever wins, the other is refused and money moves once.
 */
class RacingChoices extends Step {
  constructor(readonly index: number, readonly choices: Array<Choice | { method: "cancel" }>) {
    super();
  }
  check(m: Readonly<Model>) {
    return m.withdrawals.length > 0;
  }
  async act(m: Model, w: World) {
    const target = pick(m, this.index, ["pending"]);
    const token = w.tokens.get(target.user)!;
    const answers = await Promise.all(
      this.choices.map((c) =>
        c.method === "cancel"
          ? money(m, "cancel", `/api/v1/withdrawals/${target.id}/cancel`, token, undefined)
          : money(m, `process ${c.method}`, `/api/v1/withdrawals/${target.id}/process-with-option`, token, bodyOf(c)),
      ),
    );
    for (const [i, a] of answers.entries()) {
      expectAnswer(`racing ${JSON.stringify(this.choices[i])}`, a, {
        200: "any",
        409: ["invalid_state", "energy_insufficient", "insufficient_balance", "quote_expired"],
        422: ["option_unavailable"],
        503: m.nodeOutage ? ["chain_unavailable"] : [],
      });
    }
    return `${target.id} ${answers.map((a) => `${a.status} ${a.status === 200 ? a.body.result.withdrawal.status : a.body.error.code}`).join(" / ")}`;
  }
  toString() {
    return `racing(w ${this.index}, ${this.choices.map((c) => JSON.stringify(c)).join(" vs ")})`;
  }
}

/**
 * The operator changes the hot wallet's stake. Lowering it below what the pool already promised
 * would make in-flight transfers burn TRX through no fault of the pool, so it is never lowered
 * below the energy used plus reserved (about 10 energy per TRX on the devnet).
 */
class Stake extends Step {
  constructor(readonly trx: number) {
    super();
  }
  async act() {
    const s = await pool().status(POOL_ID);
    const floor = Math.ceil((s.energy_used + s.energy_reserved + 1_000) / 9.9);
    const trx = Math.max(this.trx, floor);
    await devnet("/devnet/stake", { address: HOT_WALLET, trx });
    await pool().refresh(POOL_ID);
    return `${trx} TRX`;
  }
  toString() {
    return `stake(${this.trx} TRX)`;
  }
}

class Advance extends Step {
  constructor(readonly seconds: number) {
    super();
  }
  async act() {
    return (await advanceChain(this.seconds)) ? "alarm ran" : "no alarm";
  }
  toString() {
    return `advance(${this.seconds} s)`;
  }
}

/** Alarms run at least once and may repeat: two at the same instant, then the scheduled one. */
class AlarmTwice extends Step {
  async act() {
    await runInDurableObject(pool(), (instance) => Promise.all([instance.alarm(), instance.alarm()]));
    await runDurableObjectAlarm(pool());
  }
  toString() {
    return "alarm-twice";
  }
}

class Cron extends Step {
  async act() {
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
  }
  toString() {
    return "cron";
  }
}

/** The object is evicted, optionally while its alarm is sending and the node holds the reply. */
class Evict extends Step {
  constructor(readonly midSend: boolean) {
    super();
  }
  check(m: Readonly<Model>) {
    return m.evictions < MAX_EVICTIONS_PER_SEQUENCE;
  }
  async act(m: Model) {
    m.evictions++;
    if (!this.midSend) {
      // Only a running object can be evicted: wake it first.
      await pool().status(POOL_ID);
      await evictDurableObject(pool());
      return;
    }
    await devnet("/devnet/faults", { kind: "accept_then_timeout", ms: 1_000 });
    const running = runInDurableObject(pool(), (instance) => instance.alarm()).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await evictDurableObject(pool());
    const outcome = await running;
    return outcome instanceof Error ? `alarm cut: ${outcome.message}` : "alarm finished";
  }
  toString() {
    return `evict(${this.midSend ? "mid-send" : "idle"})`;
  }
}

type NodeFault =
  | { kind: "broadcast_error"; code: string }
  | { kind: "accept_never_mine" }
  | { kind: "accept_then_timeout"; ms: number }
  | { kind: "timeout"; path: "/wallet/broadcasttransaction" | "/wallet/triggersmartcontract"; ms: number };

class InjectNodeFault extends Step {
  constructor(readonly fault: NodeFault) {
    super();
  }
  async act(m: Model) {
    if (this.fault.kind === "timeout" && this.fault.path === "/wallet/triggersmartcontract") m.nodeOutage = true;
    await devnet("/devnet/faults", this.fault);
  }
  toString() {
    return `node-fault(${JSON.stringify(this.fault)})`;
  }
}

class InjectProviderFault extends Step {
  constructor(readonly provider: (typeof PROVIDER_NAMES)[number], readonly mode: string) {
    super();
  }
  async act() {
    await devnet(`/devnet/providers/${this.provider}`, { mode: this.mode, count: 1, hang_ms: 300 });
  }
  toString() {
    return `provider-fault(${this.provider}, ${this.mode})`;
  }
}

class WebhookDown extends Step {
  constructor(readonly count: number) {
    super();
  }
  async act() {
    await devnet("/devnet/hooks/fail", { count: this.count });
  }
  toString() {
    return `webhook-down(${this.count})`;
  }
}

const index = fc.nat(1_000);
const choice: fc.Arbitrary<Choice> = fc.oneof(
  { arbitrary: fc.constant({ method: "standard" as const }), weight: 3 },
  { arbitrary: fc.constant({ method: "trx_payment" as const }), weight: 2 },
  { arbitrary: fc.record({ method: fc.constant("queue_wait" as const), priority: fc.option(fc.constantFrom(0 as const, 1 as const), { nil: undefined }) }), weight: 3 },
  { arbitrary: fc.record({ method: fc.constant("external_pool" as const), provider: fc.option(fc.constantFrom(...PROVIDER_NAMES), { nil: undefined }) }), weight: 2 },
  { arbitrary: fc.record({ method: fc.constant("postpone" as const), minutes: fc.option(fc.integer({ min: 1, max: 3 * 24 * 60 }), { nil: undefined }) }), weight: 1 },
);
const nodeFault: fc.Arbitrary<NodeFault> = fc.oneof(
  fc.record({
    kind: fc.constant("broadcast_error" as const),
    code: fc.constantFrom("SERVER_BUSY", "NO_CONNECTION", "BANDWITH_ERROR", "SIGERROR", "TAPOS_ERROR", "TRANSACTION_EXPIRATION_ERROR", "CONTRACT_VALIDATE_ERROR", "DUP_TRANSACTION_ERROR", "OTHER_ERROR"),
  }),
  fc.constant({ kind: "accept_never_mine" as const }),
  fc.record({ kind: fc.constant("accept_then_timeout" as const), ms: fc.integer({ min: 50, max: 300 }) }),
  fc.record({ kind: fc.constant("timeout" as const), path: fc.constantFrom("/wallet/broadcasttransaction" as const, "/wallet/triggersmartcontract" as const), ms: fc.integer({ min: 50, max: 300 }) }),
);

const step = fc.oneof(
  { arbitrary: fc.tuple(fc.nat(1), fc.nat(3), fc.constantFrom("0.5", "1", "2.25", "7")).map(([u, r, a]) => new Create(u, r, a) as Step), weight: 12 },
  { arbitrary: index.map((i) => new CheckOptions(i) as Step), weight: 4 },
  { arbitrary: fc.tuple(index, choice, fc.boolean()).map(([i, c, first]) => new Process(i, c, first) as Step), weight: 20 },
  { arbitrary: index.map((i) => new Cancel(i) as Step), weight: 4 },
  { arbitrary: fc.tuple(index, fc.constantFrom(0 as const, 1 as const, 2 as const)).map(([i, p]) => new SetPriority(i, p) as Step), weight: 4 },
  { arbitrary: fc.tuple(fc.nat(1), fc.constantFrom("TRX" as const, "USDT" as const), fc.constantFrom("5", "50")).map(([u, a, n]) => new Deposit(u, a, n) as Step), weight: 2 },
  { arbitrary: index.map((i) => new Replay(i) as Step), weight: 6 },
  { arbitrary: fc.tuple(index, choice, fc.integer({ min: 2, max: 3 })).map(([i, c, n]) => new ConcurrentDuplicate(i, c, n) as Step), weight: 3 },
  { arbitrary: fc.tuple(index, fc.array(fc.oneof(choice, fc.constant({ method: "cancel" as const })), { minLength: 2, maxLength: 3 })).map(([i, cs]) => new RacingChoices(i, cs) as Step), weight: 3 },
  { arbitrary: fc.constantFrom(5_000, 12_000, 20_000, 30_000, 100_000).map((t) => new Stake(t) as Step), weight: 4 },
  { arbitrary: fc.constantFrom(3, 15, 30, 60, 90, 300, 600, 1_800, 3_600).map((s) => new Advance(s) as Step), weight: 16 },
  // Past queue_max_wait_hours (24 h): waiting entries expire, postponements fall due.
  { arbitrary: fc.constant(null).map(() => new Advance(25 * 3_600) as Step), weight: 1 },
  { arbitrary: fc.constant(null).map(() => new AlarmTwice() as Step), weight: 2 },
  { arbitrary: fc.constant(null).map(() => new Cron() as Step), weight: 1 },
  { arbitrary: fc.boolean().map((mid) => new Evict(mid) as Step), weight: 1 },
  { arbitrary: nodeFault.map((f) => new InjectNodeFault(f) as Step), weight: 8 },
  { arbitrary: fc.tuple(fc.constantFrom(...PROVIDER_NAMES), fc.constantFrom("fail_quote", "fail_order", "timeout_after_accept", "partial", "never_deliver")).map(([p, mode]) => new InjectProviderFault(p, mode) as Step), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 6 }).map((n) => new WebhookDown(n) as Step), weight: 1 },
);

beforeAll(async () => {
  await seedWorld({ config: { external_pool_enabled: true, external_pool_providers: DEVNET_PROVIDERS } });
  // Alerts (the stake moves across the thresholds) go to a webhook that the faults take down.
  const hook = await call("/api/v1/admin/webhooks", {
    token: await tokenFor("ops", "admin"),
    body: { kind: "generic", url: `${env.DEVNET_URL}/hooks/model`, secret: "model-test-webhook-secret" },
  });
  expect(hook.status).toBe(201);
});

interface Outcome {
  seed: number;
  steps: number;
  failure: string | null;
}

/** What the sequences reached, so that a run shows it exercised more than refusals. */
const reached = new Map<string, number>();

async function tally(w: World): Promise<void> {
  const users = w.users.map(() => "?").join(", ");
  const rows = await env.DB.prepare(
    `SELECT status || ' ' || coalesce(method, '-') || coalesce(' ' || failure_reason, '') AS k, count(*) AS n FROM withdrawals WHERE user_id IN (${users}) GROUP BY 1
     UNION ALL
     SELECT 'rental ' || p.provider || ' ' || p.status, count(*) FROM purchase_orders p JOIN withdrawals x ON x.id = p.withdrawal_id WHERE x.user_id IN (${users}) GROUP BY 1`,
  )
    .bind(...w.users, ...w.users)
    .all<{ k: string; n: number }>();
  for (const r of rows.results) reached.set(r.k, (reached.get(r.k) ?? 0) + r.n);
}

async function runSequence(seed: number, label: string, maxCommands: number, path: string | undefined): Promise<Outcome> {
  let world: World | null = null;
  const result = await fc.check(
    fc.asyncProperty(fc.array(step, { minLength: Math.ceil(maxCommands * 0.75), maxLength: maxCommands }), async (commands) => {
      world = await startWorld(label);
      const w = world;
      await fc.asyncModelRun(() => ({ model: { withdrawals: [], sent: [], evictions: 0, nodeOutage: false }, real: w }), commands);
      await settle(w);
      await tally(w);
    }),
    { seed, numRuns: 1, endOnFailure: true, ...(path ? { path } : {}) },
  );
  const w = world as World | null;
  if (!result.failed) return { seed, steps: w?.commandSteps ?? 0, failure: null };
  const error = result.errorInstance instanceof Error ? `${result.errorInstance.name}: ${result.errorInstance.message}` : String(result.errorInstance);
  const failure = [
    `sequence ${label} failed (seed ${seed}, path ${result.counterexamplePath ?? "0"}):`,
    error,
    `last steps:\n    ${(w?.trace ?? []).slice(-25).join("\n    ")}`,
    `replay: ${replayCommand(seed, result.counterexamplePath ?? undefined)}`,
  ].join("\n");
  // The next sequence starts from whatever this one left behind: settle what can be settled (best
  // effort; this sequence's failure is reported already).
  if (w) await settle(w).catch(() => undefined);
  return { seed, steps: w?.commandSteps ?? 0, failure };
}

it(
  "random user, operator and fault sequences keep every money and state invariant",
  async () => {
    const replaying = env.MODEL_SEED !== undefined && env.MODEL_SEED !== "";
    const base = replaying ? numberSetting(env.MODEL_SEED, 0) : Math.floor(Math.random() * 2 ** 31);
    const maxCommands = SOAK ? SOAK_PROFILE.maxCommands : FAST.maxCommands;
    const outcomes: Outcome[] = [];
    const done = () =>
      replaying ? outcomes.length === 1 : SOAK ? outcomes.reduce((s, o) => s + o.steps, 0) >= SOAK_PROFILE.steps : outcomes.length === FAST.sequences;
    const started = Date.now();
    while (!done()) {
      const seed = (base + outcomes.length) % 2 ** 31;
      const outcome = await runSequence(seed, `m${outcomes.length}-${seed}`, maxCommands, replaying ? env.MODEL_PATH : undefined);
      outcomes.push(outcome);
      console.log(`sequence ${outcomes.length}: seed ${seed}, ${outcome.steps} steps, ${outcome.failure ? "VIOLATION" : "ok"}, ${Math.round((Date.now() - started) / 1000)} s so far`);
    }
    const steps = outcomes.reduce((s, o) => s + o.steps, 0);
    const failures = outcomes.flatMap((o) => (o.failure ? [o.failure] : []));
    console.log(`reached: ${JSON.stringify(Object.fromEntries([...reached].sort(([a], [b]) => a.localeCompare(b))))}`);
    console.log(`${SOAK ? "soak" : "model"}: ${outcomes.length} sequences, ${steps} steps, ${failures.length} violations`);
    expect(failures, failures.join("\n\n")).toEqual([]);
  },
  SOAK ? 40 * 60_000 : 5 * 60_000,
);
