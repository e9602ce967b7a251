import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import type { ErrorCode } from "../errors";
import { availableEnergy, consumeAt, rampFromAccount, SLOT_MS, usagePercent, type Ramp } from "../domain/energy";
import { feeLimitSun } from "../domain/fees";
import { StartSimulation, type Priority } from "../domain/queue";
import type { FallbackConfig } from "../domain/config";
import { nextAlert, type AlertLevel } from "../domain/alerts";
import { userView } from "../domain/status";
import { fallbackConfigOf, getPool, type PoolRow } from "../db/pools";
import { getWithdrawal, InsufficientBalanceError, transition, withdrawalView, type Transition, type WithdrawalRow } from "../db/withdrawals";
import { statusMessage } from "../i18n";
import { TronClient, type SignedTransaction, type TransactionInfo } from "../tron/client";
import { addressOfKey, assertIsTransfer, restamp, signTransaction } from "../tron/signer";
import { errorText, log } from "../log";
import { PoolStore, type Origin, type TransferRow, type Wallet } from "./pool-store";
import { ADMIN_CHANNEL, PoolSockets, USER_CHANNEL, userTag, type SocketIdentity } from "./pool-sockets";
import { PoolAlerts } from "./pool-alerts";
import { DELIVERY_DEADLINE_MS, PoolRentals, type RentalCandidate } from "./pool-rentals";

export type { RentalCandidate } from "./pool-rentals";

// Headers the Worker sets on a WebSocket upgrade after checking the ticket; the object is reachable
// only through the Worker, so they are trusted here.
export const WS_IDENTITY_HEADERS = { user: "x-pool-user", role: "x-pool-role", lang: "x-pool-lang", pool: "x-pool-id" } as const;

// One EnergyPool per hot wallet. It is the only place that promises the wallet's energy, so the
// check "does it fit?" and the reservation are one synchronous SQL step: no await between them
// means no other request (nor the alarm) can interleave and take the same energy.
//
// Its clock is the chain's: waits, expiry and due times are measured in chain time (the head block
// plus the time since it was read), because energy recovers with blocks, not with wall time.

// The chain's view is cached briefly: every status read would otherwise be node round trips.
const SNAPSHOT_TTL_MS = 5_000;
const PARAMETERS_TTL_MS = 60_000;
const CONFIG_TTL_MS = 30_000;
// A reservation with no transfer behind it this long (chain time) was left by an interrupted start:
// far beyond the node timeouts of a live start, so a slow one is never mistaken for it.
const ORPHAN_AFTER_MS = 120_000;
// Bounds one alarm's work; the rest waits for the next tick.
const MAX_STARTS_PER_TICK = 50;
// The chart's resolution and reach: a point per alarm tick at most, a day and an hour of margin.
const SAMPLE_EVERY_MS = 30_000;
const SAMPLES_KEPT_MS = 25 * 3_600_000;
// Rows restored from D1 are looked for a little before the last scan, for clock skew between the
// Worker that wrote them and this object.
const RESTORE_MARGIN_MS = 60_000;

interface Snapshot {
  limit: number;
  used: number;
  ramp: Ramp;
  headMs: number;
  fetchedAt: number;
}

export interface PoolStatus {
  pool_id: string;
  hot_wallet_address: string;
  energy_limit: number;
  energy_used: number;
  energy_reserved: number;
  energy_available: number;
  usage_percentage: number;
  available_percentage: number;
  reservations: number;
  in_flight: number;
  queue_length: number;
  queue_by_priority: Record<"0" | "1" | "2", number>;
  postponed: number;
  energy_fee_sun: number;
  transaction_fee_sun: number;
  chain_time: number;
  snapshot_age_ms: number;
}

export interface Quote {
  status: PoolStatus;
  queue_waiting: number;
  /** Slots until a new entry would start at the back of each priority class; null: never. */
  wait_slots: { normal: number | null; priority: number | null };
}

export interface QueuePosition {
  withdrawal_id: string;
  position: number;
  priority: number;
  energy: number;
  queued_at: number;
  /** Pool (chain) time at which it is expected to start; null: it cannot fit. */
  estimated_start: number | null;
  state: "waiting" | "starting";
}

interface SendSpec {
  withdrawalId: string;
  toAddress: string;
  amount: number;
  energy: number;
}

export interface StartRequest extends SendSpec {
  poolId: string;
}

export type PoolResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; params: Record<string, string | number> };

const fail = (code: ErrorCode, params: Record<string, string | number> = {}): PoolResult<never> => ({ ok: false, code, params });

export class EnergyPool extends DurableObject<Env> {
  readonly #store: PoolStore;
  readonly #tron: TronClient;
  readonly #sockets: PoolSockets;
  readonly #alerts: PoolAlerts;
  readonly #rentals: PoolRentals;
  /** Users whose queue entries an operation added, moved or removed: they get a queue_update. */
  readonly #queueTouched = new Set<string>();
  #snapshot: Snapshot | null = null;
  #refreshing: Promise<Snapshot> | null = null;
  #parameters: { energyFeeSun: number; transactionFeeSun: number; fetchedAt: number } | null = null;
  #pool: { row: PoolRow; config: FallbackConfig; fetchedAt: number } | null = null;
  #ticking: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new PoolStore(ctx.storage.sql);
    this.#tron = new TronClient(env.TRON_API_URL, { apiKey: env.TRON_API_KEY });
    this.#sockets = new PoolSockets(ctx);
    this.#alerts = new PoolAlerts(env.DB, this.#store, this.#sockets);
    this.#rentals = new PoolRentals({
      env,
      store: this.#store,
      tron: this.#tron,
      pool: () => this.#pool!,
      now: () => this.#chainNow(this.#snapshot!),
      move: (id, t) => this.#move(id, t),
      send: (spec, wallet, origin) => this.#send(spec, wallet, origin),
      dropStart: (id) => this.#dropStart(id),
    });
  }

  // ---------------------------------------------------------------- subscribers

  /** A WebSocket upgrade the Worker already authenticated (ticket, origin). */
  async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const h = (name: string) => request.headers.get(name) ?? "";
    const id: SocketIdentity = {
      userId: h(WS_IDENTITY_HEADERS.user),
      role: h(WS_IDENTITY_HEADERS.role) === "admin" ? "admin" : "user",
      lang: h(WS_IDENTITY_HEADERS.lang) === "ko" ? "ko" : "en",
    };
    if (!id.userId) return new Response("missing identity: connect through /api/v1/ws", { status: 400 });
    const poolId = h(WS_IDENTITY_HEADERS.pool);
    await this.#bind(poolId);
    const { 0: client, 1: server } = new WebSocketPair();
    this.#sockets.accept(server, id);
    const status = await this.status(poolId);
    this.#sockets.sendOne(server, this.#energyMessage(status, id));
    this.#sockets.sendOne(server, await this.#queueMessage(id.userId));
    log("ws_connected", { pool_id: poolId, user_id: id.userId, role: id.role, sockets: this.#sockets.count() });
    await this.#ensureAlarm();
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const id = this.#sockets.identity(ws);
    const poolId = this.#store.meta("pool_id");
    if (!id || !poolId || typeof message !== "string") return;
    // The one thing a client may ask: the current state again (after a reconnect, say).
    if (message === "refresh" || message.includes('"refresh"')) {
      this.#sockets.sendOne(ws, this.#energyMessage(await this.status(poolId), id));
      this.#sockets.sendOne(ws, await this.#queueMessage(id.userId));
    }
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // Closing back completes the handshake; without it clients see 1006.
    this.#sockets.close(ws, code, reason);
  }

  async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    log("ws_error", { user_id: this.#sockets.identity(ws)?.userId ?? null, error: errorText(error) });
    this.#sockets.close(ws, 1011, "error");
  }

  /** A change made outside the pool (created, or cancelled while pending): tell the owner. */
  async announce(poolId: string, withdrawalId: string, event: string): Promise<void> {
    await this.#bind(poolId);
    const w = await getWithdrawal(this.env.DB, withdrawalId);
    if (w) this.#announce(w, event);
    await this.#publish();
  }

  // ---------------------------------------------------------------- reads

  async status(poolId: string): Promise<PoolStatus> {
    const { row } = await this.#bind(poolId);
    const [snap, params] = await Promise.all([this.#freshSnapshot(row.hot_wallet_address), this.#chainParameters()]);
    const reserved = this.#store.reservedEnergy();
    const pool = { limit: snap.limit, used: snap.used, reserved };
    const usage = usagePercent(pool);
    return {
      pool_id: poolId,
      hot_wallet_address: row.hot_wallet_address,
      energy_limit: snap.limit,
      energy_used: snap.used,
      energy_reserved: reserved,
      energy_available: availableEnergy(pool),
      usage_percentage: round2(usage),
      available_percentage: round2(100 - usage),
      reservations: this.ctx.storage.sql.exec("SELECT count(*) AS n FROM reservations").one().n as number,
      in_flight: this.#store.openTransferCount(),
      queue_length: this.#store.waitingCount(),
      queue_by_priority: this.#store.waitingByPriority(),
      postponed: this.#store.postponedCount(),
      energy_fee_sun: params.energyFeeSun,
      transaction_fee_sun: params.transactionFeeSun,
      chain_time: this.#chainNow(snap),
      snapshot_age_ms: Date.now() - snap.fetchedAt,
    };
  }

  /** What the pool can offer a withdrawal needing `energy`: used by check-options. */
  async quote(poolId: string, energy: number): Promise<Quote> {
    const status = await this.status(poolId);
    const snap = this.#snapshot!;
    // Past the longest allowed wait the exact figure does not matter: one slot beyond it is enough
    // for check-options to say queue_wait_exceeds_max, without reading the rest of a long queue.
    const endOf = (priority: number) => {
      const start = this.#startOf(snap, { priority, seq: Number.MAX_SAFE_INTEGER, energy });
      return start === "beyond" ? this.#maxWaitSlots() + 1 : start;
    };
    return { status, queue_waiting: status.queue_length, wait_slots: { normal: endOf(0), priority: endOf(1) } };
  }

  async positions(poolId: string, withdrawalIds: string[]): Promise<{ chain_time: number; positions: QueuePosition[] }> {
    const { row } = await this.#bind(poolId);
    const snap = await this.#freshSnapshot(row.hot_wallet_address);
    const out: QueuePosition[] = [];
    for (const id of withdrawalIds) {
      const e = this.#store.queueEntry(id);
      if (!e) continue;
      const starting = e.state === "starting";
      const start = starting ? 0 : this.#startOf(snap, e);
      // Beyond the longest wait, the entry leaves the queue before it would start: no time to show.
      const estimate = start === "beyond" ? null : start;
      out.push({
        withdrawal_id: id,
        position: starting ? 0 : this.#store.position(e),
        priority: e.priority,
        energy: e.energy,
        queued_at: e.queued_at,
        estimated_start: estimate === null ? null : this.#chainNow(snap) + estimate * SLOT_MS,
        state: e.state,
      });
    }
    return { chain_time: this.#chainNow(snap), positions: out };
  }

  /** The pool's available energy over the last `windowMs`, in `bucketMs` buckets, for the chart. */
  async history(poolId: string, windowMs: number, bucketMs: number): Promise<{ chain_time: number; samples: Array<{ at: number; energy_limit: number; energy_available: number; energy_reserved: number; queue_length: number }> }> {
    const { row } = await this.#bind(poolId);
    const now = this.#chainNow(await this.#freshSnapshot(row.hot_wallet_address));
    return { chain_time: now, samples: this.#store.samples(now - windowMs, bucketMs).map((s) => ({ ...s })) };
  }

  /** The head of the queue for operators, with estimates. */
  async queueView(poolId: string, limit: number): Promise<{ chain_time: number; positions: QueuePosition[] }> {
    const { row } = await this.#bind(poolId);
    const snap = await this.#freshSnapshot(row.hot_wallet_address);
    const entries = this.#store.waiting(limit);
    const starts = this.#estimate(snap, entries.map((e) => e.energy));
    const positions = entries.map((e, i) => ({
      withdrawal_id: e.withdrawal_id,
      position: i + 1,
      priority: e.priority,
      energy: e.energy,
      queued_at: e.queued_at,
      estimated_start: starts[i] === null ? null : this.#chainNow(snap) + starts[i]! * SLOT_MS,
      state: e.state,
    }));
    return { chain_time: this.#chainNow(snap), positions };
  }

  // ---------------------------------------------------------------- choices

  /** The standard path: the pool's own energy, now. Refused while anyone waits in the queue. */
  async processStandard(req: StartRequest): Promise<PoolResult<{ status: string }>> {
    return this.#andPublish(this.#processStandardNow(req));
  }

  async #processStandardNow(req: StartRequest): Promise<PoolResult<{ status: string }>> {
    const { row } = await this.#bind(req.poolId);
    const snap = await this.#freshSnapshot(row.hot_wallet_address);
    const now = this.#chainNow(snap);
    const claim = this.ctx.storage.transactionSync(() => {
      // Someone else is already starting this withdrawal (a double click, a second tab): theirs.
      if (this.#store.reservation(req.withdrawalId)) return { taken: false as const, busy: true as const };
      const free = this.#free(snap);
      // Energy that queued users are waiting for is theirs even if it happens to be free now.
      if (this.#store.waitingCount() > 0 || req.energy > free) return { taken: false as const, free };
      this.#store.reserve(req.withdrawalId, req.energy, "direct", now);
      return { taken: true as const };
    });
    if (!claim.taken) {
      if ("busy" in claim) return fail("invalid_state", { status: "processing", expected: "pending" });
      return fail("energy_insufficient", { required: req.energy, available: claim.free });
    }
    log("energy_reserved", { pool_id: req.poolId, withdrawal_id: req.withdrawalId, energy: req.energy });
    await this.#ensureAlarm();

    const moved = await this.#move(req.withdrawalId, {
      from: ["pending"],
      to: "processing",
      set: { method: "standard", energy_required: req.energy },
      notify: { kind: "processing", data: { method: "standard" } },
    });
    if (!moved) {
      this.#store.release(req.withdrawalId);
      return this.#refuseStart(req.withdrawalId);
    }
    const status = await this.#send(req, "hot", "direct");
    return status === "undone" ? fail("chain_unavailable") : { ok: true, value: { status } };
  }

  /**
   * TRX payment: the user pays the burn; the transfer goes out from the fee wallet, which stakes
   * nothing, so it cannot consume energy the hot wallet promised to the queue. The reservation of
   * 0 energy only marks the start so that an interrupted one is found and undone.
   */
  async processTrxPayment(req: StartRequest & { costSun: number }): Promise<PoolResult<{ status: string }>> {
    return this.#andPublish(this.#processTrxPaymentNow(req));
  }

  async #processTrxPaymentNow(req: StartRequest & { costSun: number }): Promise<PoolResult<{ status: string }>> {
    const { row } = await this.#bind(req.poolId);
    if (!row.fee_wallet_address) return fail("option_unavailable", { method: "trx_payment", reason: "no_fee_wallet" });
    const now = this.#chainNow(await this.#freshSnapshot(row.hot_wallet_address));
    if (this.#store.reservation(req.withdrawalId)) return fail("invalid_state", { status: "processing", expected: "pending" });
    this.#store.reserve(req.withdrawalId, 0, "direct", now);
    await this.#ensureAlarm();
    let moved: WithdrawalRow | null;
    try {
      moved = await this.#move(req.withdrawalId, {
        from: ["pending"],
        to: "processing",
        set: { method: "trx_payment", energy_required: req.energy, fee_sun: req.costSun },
        hold: { asset: "TRX", amount: req.costSun, purpose: "fee" },
        notify: { kind: "processing", data: { method: "trx_payment", fee_sun: req.costSun } },
      });
    } catch (e) {
      this.#store.release(req.withdrawalId);
      if (e instanceof InsufficientBalanceError) return fail("insufficient_balance", { asset: e.asset });
      throw e;
    }
    if (!moved) {
      this.#store.release(req.withdrawalId);
      return this.#refuseStart(req.withdrawalId);
    }
    const status = await this.#send(req, "fee", "direct");
    return status === "undone" ? fail("chain_unavailable") : { ok: true, value: { status } };
  }

  async processExternal(req: StartRequest & { candidates: RentalCandidate[] }): Promise<PoolResult<{ status: string; provider: string | null }>> {
    return this.#andPublish(this.#processExternalNow(req));
  }

  /**
   * External energy: the user's charge (the accepted quote) is held with the state change, then
   * providers are tried in order; the alarm waits for delivery (provider status AND the rental
   * wallet's energy on chain), fails over, and sends. If every provider fails, the charge is
   * refunded and the withdrawal is handed back to the user with fresh options.
   */
  async #processExternalNow(req: StartRequest & { candidates: RentalCandidate[] }): Promise<PoolResult<{ status: string; provider: string | null }>> {
    const { row } = await this.#bind(req.poolId);
    if (!row.rental_wallet_address) return fail("option_unavailable", { method: "external_pool", reason: "no_rental_wallet" });
    const cap = req.candidates[0]?.charge_sun;
    if (cap === undefined) return fail("option_unavailable", { method: "external_pool", reason: "no_provider" });
    const now = this.#chainNow(await this.#freshSnapshot(row.hot_wallet_address));
    if (this.#store.reservation(req.withdrawalId)) return fail("invalid_state", { status: "processing", expected: "pending" });
    this.ctx.storage.transactionSync(() => {
      this.#store.reserve(req.withdrawalId, 0, "direct", now);
      this.#store.insertRental({
        withdrawal_id: req.withdrawalId,
        energy: req.energy,
        to_address: req.toAddress,
        amount: req.amount,
        charge_cap_sun: cap,
        candidates: JSON.stringify(req.candidates),
        deadline: now + DELIVERY_DEADLINE_MS,
      });
    });
    await this.#ensureAlarm();
    let moved: WithdrawalRow | null;
    try {
      moved = await this.#move(req.withdrawalId, {
        from: ["pending"],
        to: "processing",
        set: { method: "external_pool", energy_required: req.energy, fee_sun: cap },
        hold: { asset: "TRX", amount: cap, purpose: "fee" },
        notify: { kind: "processing", data: { method: "external_pool", provider: req.candidates[0].provider } },
      });
    } catch (e) {
      this.#dropStart(req.withdrawalId);
      if (e instanceof InsufficientBalanceError) return fail("insufficient_balance", { asset: e.asset });
      throw e;
    }
    if (!moved) {
      this.#dropStart(req.withdrawalId);
      return this.#refuseStart(req.withdrawalId);
    }
    await this.#rentals.orderNext(req.withdrawalId);
    const rental = this.#store.rental(req.withdrawalId);
    const after = await getWithdrawal(this.env.DB, req.withdrawalId);
    return { ok: true, value: { status: after?.status ?? "processing", provider: rental?.provider ?? null } };
  }

  #dropStart(withdrawalId: string): void {
    this.ctx.storage.transactionSync(() => {
      this.#store.release(withdrawalId);
      this.#store.dropRental(withdrawalId);
    });
  }

  /** Queue wait: D1 first (status, priority fee, notification), then the entry here. */
  async enqueue(req: StartRequest & { userId: string; priority: Priority; feeSun: number }): Promise<PoolResult<QueuePosition>> {
    return this.#andPublish(this.#enqueueNow(req));
  }

  async #enqueueNow(req: StartRequest & { userId: string; priority: Priority; feeSun: number }): Promise<PoolResult<QueuePosition>> {
    const { row } = await this.#bind(req.poolId);
    const snap = await this.#freshSnapshot(row.hot_wallet_address);
    let moved: WithdrawalRow | null;
    try {
      moved = await this.#move(req.withdrawalId, {
        from: ["pending"],
        to: "queued",
        set: { method: "queue_wait", priority: req.priority, fee_sun: req.feeSun, energy_required: req.energy },
        ...(req.feeSun > 0 ? { hold: { asset: "TRX" as const, amount: req.feeSun, purpose: "fee" as const } } : {}),
        notify: { kind: "queued", data: { priority: req.priority } },
      });
    } catch (e) {
      if (e instanceof InsufficientBalanceError) return fail("insufficient_balance", { asset: e.asset });
      throw e;
    }
    if (!moved) return this.#refuseStart(req.withdrawalId);
    this.#store.enqueue({
      withdrawal_id: req.withdrawalId,
      user_id: req.userId,
      priority: req.priority,
      energy: req.energy,
      to_address: req.toAddress,
      amount: req.amount,
      queued_at: this.#chainNow(snap),
    });
    log("withdrawal_queued", { pool_id: req.poolId, withdrawal_id: req.withdrawalId, priority: req.priority, energy: req.energy });
    await this.#ensureAlarm();
    const { positions } = await this.positions(req.poolId, [req.withdrawalId]);
    return { ok: true, value: positions[0] };
  }

  /** Postpone until `dueAt` (pool time); the alarm then sends it if the pool can, else hands it back. */
  async postpone(req: StartRequest & { userId: string; dueAt: number }): Promise<PoolResult<{ due_at: number }>> {
    return this.#andPublish(this.#postponeNow(req));
  }

  async #postponeNow(req: StartRequest & { userId: string; dueAt: number }): Promise<PoolResult<{ due_at: number }>> {
    await this.#bind(req.poolId);
    const moved = await this.#move(req.withdrawalId, {
      from: ["pending"],
      to: "postponed",
      set: { method: "postpone", postpone_until: req.dueAt, energy_required: req.energy },
      notify: { kind: "postponed", data: { postpone_until: new Date(req.dueAt).toISOString() } },
    });
    if (!moved) return this.#refuseStart(req.withdrawalId);
    this.#store.postpone({ withdrawal_id: req.withdrawalId, user_id: req.userId, energy: req.energy, to_address: req.toAddress, amount: req.amount, due_at: req.dueAt });
    log("withdrawal_postponed", { pool_id: req.poolId, withdrawal_id: req.withdrawalId, due_at: req.dueAt });
    await this.#ensureAlarm();
    return { ok: true, value: { due_at: req.dueAt } };
  }

  /** Cancels a queued or postponed withdrawal that has not started; refunds its holds, fee included. */
  async cancel(poolId: string, withdrawalId: string): Promise<PoolResult<{ status: "cancelled" }>> {
    return this.#andPublish(this.#cancelNow(poolId, withdrawalId));
  }

  async #cancelNow(poolId: string, withdrawalId: string): Promise<PoolResult<{ status: "cancelled" }>> {
    await this.#bind(poolId);
    const started = this.ctx.storage.transactionSync(() => {
      const q = this.#store.queueEntry(withdrawalId);
      const p = this.#store.postponedEntry(withdrawalId);
      if (q?.state === "starting" || p?.state === "starting" || this.#store.reservation(withdrawalId)) return true;
      this.#store.dequeue(withdrawalId);
      this.#store.unpostpone(withdrawalId);
      return false;
    });
    if (started) return fail("invalid_state", { status: "processing", expected: "queued or postponed" });
    const moved = await this.#move(withdrawalId, {
      from: ["queued", "postponed"],
      to: "cancelled",
      holds: { action: "release" },
      notify: { kind: "cancelled" },
    });
    if (!moved) {
      const w = await getWithdrawal(this.env.DB, withdrawalId);
      return fail("invalid_state", { status: w?.status ?? "missing", expected: "queued or postponed" });
    }
    log("withdrawal_cancelled", { pool_id: poolId, withdrawal_id: withdrawalId });
    return { ok: true, value: { status: "cancelled" } };
  }

  /** Admin: change a waiting entry's priority (2 = urgent). */
  async setPriority(poolId: string, withdrawalId: string, priority: Priority): Promise<PoolResult<QueuePosition>> {
    return this.#andPublish(this.#setPriorityNow(poolId, withdrawalId, priority));
  }

  async #setPriorityNow(poolId: string, withdrawalId: string, priority: Priority): Promise<PoolResult<QueuePosition>> {
    await this.#bind(poolId);
    const refuse = async () => {
      const w = await getWithdrawal(this.env.DB, withdrawalId);
      return fail("invalid_state", { status: w?.status ?? "missing", expected: "queued" });
    };
    // Only a waiting entry can move; checked here first so that D1 is not changed for nothing.
    const before = this.#store.queueEntry(withdrawalId);
    if (before?.state !== "waiting") return refuse();
    const res = await this.env.DB.prepare("UPDATE withdrawals SET priority = ?, updated_at = ? WHERE id = ? AND status = 'queued'")
      .bind(priority, Date.now(), withdrawalId)
      .run();
    if ((res.meta.changes ?? 0) === 0) return refuse();
    if (!this.#store.setPriority(withdrawalId, priority)) {
      // The alarm started it while D1 was being written: D1 goes back to what the pool used.
      await this.env.DB.prepare("UPDATE withdrawals SET priority = ? WHERE id = ? AND priority = ?").bind(before.priority, withdrawalId, priority).run();
      return refuse();
    }
    const entry = this.#store.queueEntry(withdrawalId);
    if (entry) this.#queueTouched.add(entry.user_id);
    log("queue_priority_changed", { pool_id: poolId, withdrawal_id: withdrawalId, priority });
    const { positions } = await this.positions(poolId, [withdrawalId]);
    return { ok: true, value: positions[0] };
  }

  /** Something changed outside (the operator's config, a stake): drop the cached copies now. */
  async refresh(poolId: string): Promise<void> {
    this.#pool = null;
    this.#snapshot = null;
    await this.#bind(poolId);
    await this.#publish();
  }

  // ---------------------------------------------------------------- alarm

  /**
   * Called by the cron: the alarm's work, run now. It finds work a crash left in D1 only, checks the
   * alert level against a fresh read of the chain, and leaves the alarm set if there is work.
   */
  async tick(poolId: string): Promise<void> {
    await this.#bind(poolId);
    await this.alarm();
  }

  async alarm(): Promise<void> {
    // The alarm and the cron's tick may overlap; the second waits for the first instead of racing it.
    if (this.#ticking) return this.#ticking;
    this.#ticking = this.#runTick().finally(() => (this.#ticking = null));
    return this.#ticking;
  }

  async #runTick(): Promise<void> {
    const poolId = this.#store.meta("pool_id");
    if (!poolId) return;
    const { row } = await this.#bind(poolId);
    // A tick decides with the chain as it is now, not as a request saw it a few seconds ago.
    try {
      this.#snapshot = await this.#fetchSnapshot(row.hot_wallet_address);
    } catch (e) {
      log("pool_tick_error", { pool_id: poolId, step: "snapshot", error: errorText(e) });
    }
    const steps: Array<[string, () => Promise<void>]> = [
      ["follow_transfers", () => this.#followTransfers()],
      ["follow_rentals", () => this.#rentals.follow()],
      ["restore_from_d1", () => this.#restoreFromD1()],
      ["expire_queue", () => this.#expireQueue()],
      ["start_queue", () => this.#startQueue()],
      ["start_postponed", () => this.#startPostponed()],
      ["reconcile_reservations", () => this.#reconcileReservations()],
      ["deliver_alerts", () => this.#alerts.deliverDue(this.#chainNow(this.#snapshot!))],
      ["publish", () => this.#publish(true)],
    ];
    for (const [step, run] of steps) {
      try {
        await run();
      } catch (e) {
        // One failing step (a node outage, say) must not stop the others nor the next tick.
        log("pool_tick_error", { pool_id: poolId, step, error: errorText(e) });
      }
    }
    // Subscribers get an update every tick, so the alarm keeps running while any is connected.
    if (this.#store.hasWork() || this.#sockets.count() > 0) await this.ctx.storage.setAlarm(Date.now() + this.#intervalMs());
  }

  async #followTransfers(): Promise<void> {
    let solidHead: Promise<{ timestamp: number }> | null = null;
    for (const t of this.#store.openTransfers()) {
      try {
        const info = await this.#tron.transactionInfo(t.tx_id, true);
        if (info) {
          if (info.result === "SUCCESS") await this.#complete(t, info);
          else await this.#fail(t.withdrawal_id, `receipt_${info.result.toLowerCase()}`, info);
          continue;
        }
        solidHead ??= this.#tron.nowBlock(true);
        // A transaction can only enter a block older than its expiration; once the solidified chain
        // has passed that time without it, it never will.
        if ((await solidHead).timestamp >= t.expiration) {
          await this.#fail(t.withdrawal_id, "expired_unconfirmed");
          continue;
        }
        if (!(await this.#tron.transactionInfo(t.tx_id, false))) await this.#broadcast(t, false);
      } catch (e) {
        log("transfer_follow_error", { withdrawal_id: t.withdrawal_id, tx_id: t.tx_id, error: errorText(e) });
      }
    }
  }

  /** Strict order: take entries from the head while they fit; stop at the first that does not. */
  async #startQueue(): Promise<void> {
    const snap = await this.#freshSnapshot(this.#pool!.row.hot_wallet_address);
    for (let started = 0; started < MAX_STARTS_PER_TICK; started++) {
      const now = this.#chainNow(snap);
      const head = this.ctx.storage.transactionSync(() => {
        const h = this.#store.queueHead();
        if (!h || h.energy > this.#free(snap)) return null;
        this.#store.reserve(h.withdrawal_id, h.energy, "queue", now);
        this.#store.setQueueState(h.withdrawal_id, "starting");
        return h;
      });
      if (!head) return;
      const moved = await this.#move(head.withdrawal_id, { from: ["queued"], to: "processing", notify: { kind: "processing", data: { method: "queue_wait" } } });
      if (!moved) {
        // Cancelled or expired in D1 meanwhile: nothing to send.
        this.ctx.storage.transactionSync(() => {
          this.#store.release(head.withdrawal_id);
          this.#store.dequeue(head.withdrawal_id);
        });
        continue;
      }
      log("queue_entry_started", { withdrawal_id: head.withdrawal_id, priority: head.priority, waited_ms: now - head.queued_at });
      await this.#send({ withdrawalId: head.withdrawal_id, toAddress: head.to_address, amount: head.amount, energy: head.energy }, "hot", "queue");
    }
  }

  /**
   * Postponed withdrawals that are due go through the pool if it can take them now, behind nobody:
   * while the queue waits, its entries come first and the withdrawal is handed back to the user.
   */
  async #startPostponed(): Promise<void> {
    const snap = await this.#freshSnapshot(this.#pool!.row.hot_wallet_address);
    const now = this.#chainNow(snap);
    for (const p of this.#store.duePostponed(now, MAX_STARTS_PER_TICK)) {
      const fits = this.ctx.storage.transactionSync(() => {
        if (this.#store.waitingCount() > 0 || p.energy > this.#free(snap)) {
          this.#store.unpostpone(p.withdrawal_id);
          return false;
        }
        this.#store.reserve(p.withdrawal_id, p.energy, "postponed", now);
        this.#store.setPostponedState(p.withdrawal_id, "starting");
        return true;
      });
      if (!fits) {
        await this.#move(p.withdrawal_id, {
          from: ["postponed"],
          to: "pending",
          set: { postpone_until: null },
          notify: { kind: "postpone_due", data: { energy_available: false } },
        });
        log("postpone_due_returned", { withdrawal_id: p.withdrawal_id, energy: p.energy });
        continue;
      }
      const moved = await this.#move(p.withdrawal_id, {
        from: ["postponed"],
        to: "processing",
        notify: { kind: "postpone_due", data: { energy_available: true } },
      });
      if (!moved) {
        this.ctx.storage.transactionSync(() => {
          this.#store.release(p.withdrawal_id);
          this.#store.unpostpone(p.withdrawal_id);
        });
        continue;
      }
      await this.#send({ withdrawalId: p.withdrawal_id, toAddress: p.to_address, amount: p.amount, energy: p.energy }, "hot", "postponed");
    }
  }

  /** Entries that waited past queue_max_wait_hours go back to pending; the priority fee is refunded. */
  async #expireQueue(): Promise<void> {
    const snap = await this.#freshSnapshot(this.#pool!.row.hot_wallet_address);
    const maxWaitMs = this.#pool!.config.queue_max_wait_hours * 3_600_000;
    for (const e of this.#store.waitedSince(this.#chainNow(snap) - maxWaitMs, MAX_STARTS_PER_TICK)) {
      this.#store.dequeue(e.withdrawal_id);
      await this.#move(e.withdrawal_id, {
        from: ["queued"],
        to: "pending",
        holds: { action: "release", purpose: "fee" },
        set: { priority: 0, fee_sun: 0 },
        notify: { kind: "queue_expired", data: { waited_hours: this.#pool!.config.queue_max_wait_hours } },
      });
      log("queue_entry_expired", { withdrawal_id: e.withdrawal_id, queued_at: e.queued_at });
    }
  }

  /**
   * D1 is written before this object (enqueue, postpone), so a crash between the two leaves a
   * withdrawal queued or postponed in D1 that this object does not know: put it back.
   */
  async #restoreFromD1(): Promise<void> {
    const poolId = this.#pool!.row.id;
    const scanFrom = Number(this.#store.meta("restored_until") ?? 0);
    const scanStart = Date.now();
    const rows = (
      await this.env.DB.prepare(
        "SELECT * FROM withdrawals WHERE pool_id = ? AND status IN ('queued','postponed') AND updated_at >= ? ORDER BY updated_at, id",
      )
        .bind(poolId, scanFrom - RESTORE_MARGIN_MS)
        .all<WithdrawalRow>()
    ).results;
    const snap = await this.#freshSnapshot(this.#pool!.row.hot_wallet_address);
    for (const w of rows) {
      if (this.#store.knows(w.id) || w.energy_required === null) continue;
      if (w.status === "queued") {
        this.#store.enqueue({ withdrawal_id: w.id, user_id: w.user_id, priority: w.priority, energy: w.energy_required, to_address: w.to_address, amount: w.amount, queued_at: this.#chainNow(snap) });
      } else {
        this.#store.postpone({ withdrawal_id: w.id, user_id: w.user_id, energy: w.energy_required, to_address: w.to_address, amount: w.amount, due_at: w.postpone_until ?? this.#chainNow(snap) });
      }
      this.#queueTouched.add(w.user_id);
      log("pool_entry_restored", { withdrawal_id: w.id, status: w.status });
    }
    this.#store.setMeta("restored_until", String(scanStart));
  }

  /** Reservations with no transfer: a start was interrupted before its transaction was signed. */
  async #reconcileReservations(): Promise<void> {
    const snap = await this.#freshSnapshot(this.#pool!.row.hot_wallet_address);
    for (const r of this.#store.orphanReservations(this.#chainNow(snap) - ORPHAN_AFTER_MS)) {
      const w = await getWithdrawal(this.env.DB, r.withdrawal_id);
      if (w?.status === "processing") {
        // Nothing was signed, so nothing can be on chain: the start is undone, nothing is lost.
        await this.#undoStart(r.withdrawal_id, r.origin);
      } else {
        this.ctx.storage.transactionSync(() => {
          this.#store.release(r.withdrawal_id);
          if (w?.status === "queued") this.#store.setQueueState(r.withdrawal_id, "waiting");
          else this.#store.dequeue(r.withdrawal_id);
          if (w?.status === "postponed") this.#store.setPostponedState(r.withdrawal_id, "waiting");
          else this.#store.unpostpone(r.withdrawal_id);
        });
      }
      log("reservation_reconciled", { withdrawal_id: r.withdrawal_id, origin: r.origin, status: w?.status ?? "missing" });
    }
  }

  // ---------------------------------------------------------------- sending

  /**
   * Builds, signs, stores and broadcasts the transfer of a withdrawal that is `processing` in D1
   * and holds a reservation here. If it cannot be built, the start is undone.
   */
  async #send(spec: SendSpec, wallet: Wallet, origin: Origin): Promise<string> {
    let signed: SignedTransaction;
    try {
      signed = await this.#signTransfer(wallet, spec);
      const startedAt = this.#chainNow(this.#snapshot!);
      // Persisted before the broadcast: after a lost reply the alarm rebroadcasts these same bytes
      // instead of building a second transaction.
      this.ctx.storage.transactionSync(() => {
        this.#store.insertTransfer({ withdrawalId: spec.withdrawalId, txId: signed.txID, wallet, signed: JSON.stringify(signed), expiration: signed.raw_data.expiration, startedAt }, Date.now());
        this.#store.dequeue(spec.withdrawalId);
        this.#store.unpostpone(spec.withdrawalId);
      });
    } catch (e) {
      log("transfer_build_failed", { withdrawal_id: spec.withdrawalId, wallet, error: errorText(e) });
      await this.#undoStart(spec.withdrawalId, origin);
      return "undone";
    }
    await this.env.DB.prepare("UPDATE withdrawals SET tx_id = ?, updated_at = ? WHERE id = ?").bind(signed.txID, Date.now(), spec.withdrawalId).run();
    return this.#broadcast(this.#store.transfer(spec.withdrawalId)!, true);
  }

  /** Returns a started withdrawal to where it came from; nothing was signed for it. */
  async #undoStart(withdrawalId: string, origin: Origin): Promise<void> {
    if (origin === "queue") {
      await this.#move(withdrawalId, { from: ["processing"], to: "queued" });
      this.ctx.storage.transactionSync(() => {
        this.#store.release(withdrawalId);
        this.#store.setQueueState(withdrawalId, "waiting");
      });
    } else {
      await this.#move(withdrawalId, {
        from: ["processing"],
        to: "pending",
        holds: { action: "release", purpose: "fee" },
        set: { fee_sun: 0, postpone_until: null },
        notify: { kind: "returned_to_pending", data: { reason: "chain_unavailable" } },
      });
      this.ctx.storage.transactionSync(() => {
        this.#store.release(withdrawalId);
        this.#store.unpostpone(withdrawalId);
        this.#store.dropRental(withdrawalId);
      });
    }
    log("start_undone", { withdrawal_id: withdrawalId, origin });
  }

  async #broadcast(t: TransferRow, first: boolean): Promise<string> {
    const result = await this.#tron.broadcast(JSON.parse(t.signed_tx) as SignedTransaction);
    const accepted = result.status === "accepted" || result.status === "duplicate";
    this.#store.recordAttempt(t.withdrawal_id, accepted ? null : `${result.code}: ${result.message}`, Date.now());
    log("transfer_broadcast", { withdrawal_id: t.withdrawal_id, tx_id: t.tx_id, first, result: result.status, ...(accepted ? {} : { code: result.code }) });

    if (accepted) {
      this.#store.markBroadcast(t.withdrawal_id);
      await this.#move(t.withdrawal_id, { from: ["processing"], to: "broadcast" });
      return "broadcast";
    }
    // Only a first attempt that the node refused outright proves the transaction is nowhere; a
    // rejected rebroadcast may follow an accepted original, so those wait for expiration.
    if (result.status === "rejected" && first) {
      await this.#fail(t.withdrawal_id, `broadcast_${result.code.toLowerCase()}`);
      return "failed";
    }
    return "processing";
  }

  async #complete(t: TransferRow, info: TransactionInfo): Promise<void> {
    const rental = t.wallet === "rental" ? this.#store.rental(t.withdrawal_id) : null;
    const charged = rental ? rental.charged_sun ?? rental.charge_cap_sun : null;
    await this.#move(t.withdrawal_id, {
      from: ["processing", "broadcast"],
      to: "completed",
      holds: { action: "post", ...(charged !== null ? { feePosted: charged } : {}) },
      set: { energy_used: info.energyUsageTotal, burned_sun: info.energyFeeSun + info.netFeeSun, ...(charged !== null ? { fee_sun: charged } : {}) },
      notify: { kind: "completed", data: { tx_id: t.tx_id } },
    });
    if (rental?.purchase_order_id) await this.#rentals.purchaseOrder(rental.purchase_order_id, { status: "completed", charged_sun: charged });
    await this.#settle(t.withdrawal_id, "confirmed", t.wallet === "hot");
    log("withdrawal_completed", { withdrawal_id: t.withdrawal_id, tx_id: t.tx_id, wallet: t.wallet, energy_used: info.energyUsageTotal, burned_sun: info.energyFeeSun });
  }

  /** Fails the withdrawal and refunds every hold (the amount and any fee), exactly once. */
  async #fail(withdrawalId: string, reason: string, info?: TransactionInfo): Promise<void> {
    await this.#move(withdrawalId, {
      from: ["processing", "broadcast"],
      to: "failed",
      holds: { action: "release" },
      set: { failure_reason: reason, ...(info ? { energy_used: info.energyUsageTotal, burned_sun: info.energyFeeSun + info.netFeeSun } : {}) },
      notify: { kind: "failed", data: { reason } },
    });
    const t = this.#store.transfer(withdrawalId);
    await this.#settle(withdrawalId, "failed", !!info && t?.wallet === "hot");
    log("withdrawal_failed", { withdrawal_id: withdrawalId, reason });
  }

  /**
   * Drops the reservation of a finished transfer. When the chain has counted its energy (mined on
   * the hot wallet), the reservation goes only together with a snapshot taken after that, so the
   * energy is never counted nowhere.
   */
  async #settle(withdrawalId: string, state: "confirmed" | "failed", minedOnHotWallet: boolean): Promise<void> {
    const snap = minedOnHotWallet ? await this.#fetchSnapshot(this.#pool!.row.hot_wallet_address) : null;
    this.ctx.storage.transactionSync(() => {
      if (snap) this.#snapshot = snap;
      this.#store.release(withdrawalId);
      this.#store.dropRental(withdrawalId);
      this.#store.dequeue(withdrawalId);
      this.#store.unpostpone(withdrawalId);
      if (this.#store.transfer(withdrawalId)) this.#store.finishTransfer(withdrawalId, state, Date.now());
    });
  }

  async #signTransfer(wallet: Wallet, spec: SendSpec): Promise<SignedTransaction> {
    const row = this.#pool!.row;
    const [address, key, keyName] = {
      hot: [row.hot_wallet_address, this.env.HOT_WALLET_PRIVATE_KEY, "HOT_WALLET_PRIVATE_KEY"],
      fee: [row.fee_wallet_address, this.env.FEE_WALLET_PRIVATE_KEY, "FEE_WALLET_PRIVATE_KEY"],
      rental: [row.rental_wallet_address, this.env.RENTAL_WALLET_PRIVATE_KEY, "RENTAL_WALLET_PRIVATE_KEY"],
    }[wallet];
    if (!address) throw new Error(`pool ${row.id} has no ${wallet} wallet address`);
    if (!key) throw new Error(`${keyName} is not set (a Worker secret; .dev.vars locally)`);
    if ((await addressOfKey(key)) !== address) throw new Error(`${keyName} does not belong to the pool's ${wallet} wallet ${address}`);
    const transfer = {
      owner: address,
      contract: this.env.USDT_CONTRACT,
      to: spec.toAddress,
      amount: spec.amount,
      feeLimitSun: feeLimitSun(spec.energy, (await this.#chainParameters()).energyFeeSun),
    };
    const built = await this.#tron.buildTransfer(transfer);
    const tx = await restamp(built, this.#uniqueTimestamp(built.raw_data.timestamp));
    await assertIsTransfer(tx, transfer);
    return signTransaction(tx, key);
  }

  /** Strictly increasing per pool, so that no two of its transactions share raw bytes. */
  #uniqueTimestamp(proposed: number): number {
    const ts = Math.max(proposed, Number(this.#store.meta("last_tx_timestamp") ?? 0) + 1);
    this.#store.setMeta("last_tx_timestamp", String(ts));
    return ts;
  }

  // ---------------------------------------------------------------- helpers

  async #andPublish<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } finally {
      await this.#publish();
    }
  }

  /** A D1 transition, told to the owner's sockets when it happens. */
  async #move(withdrawalId: string, t: Transition): Promise<WithdrawalRow | null> {
    const row = await transition(this.env.DB, withdrawalId, t);
    if (row) {
      if (t.to === "queued" || t.from.includes("queued")) this.#queueTouched.add(row.user_id);
      this.#announce(row, t.notify?.kind ?? t.to);
    }
    return row;
  }

  #announce(w: WithdrawalRow, event: string): void {
    this.#sockets.send(userTag(w.user_id), () => ({ type: "withdrawal_update", data: { event, withdrawal: withdrawalView(w) }, timestamp: new Date().toISOString() }));
  }

  /**
   * After every change and on every tick: the pool's state to subscribers (detailed to admins,
   * simple to users), queue positions to the users they concern, and the alert check, so that a
   * level crossed between two cron runs alerts at once.
   */
  async #publish(tick = false): Promise<void> {
    const poolId = this.#store.meta("pool_id");
    if (!poolId) return;
    let status: PoolStatus;
    try {
      status = await this.status(poolId);
    } catch (e) {
      log("pool_publish_error", { pool_id: poolId, error: errorText(e) });
      return;
    }
    const touched = new Set(this.#queueTouched);
    this.#queueTouched.clear();
    this.#store.sample(
      { at: status.chain_time, energy_limit: status.energy_limit, energy_available: status.energy_available, energy_reserved: status.energy_reserved, queue_length: status.queue_length },
      SAMPLE_EVERY_MS,
      SAMPLES_KEPT_MS,
    );
    if (this.#sockets.count() > 0) {
      this.#sockets.send(ADMIN_CHANNEL, (id) => this.#energyMessage(status, id));
      this.#sockets.send(USER_CHANNEL, (id) => this.#energyMessage(status, id));
      if (tick || touched.size > 0) {
        for (const userId of this.#sockets.connectedUsers()) {
          if (!touched.has(userId) && this.#store.waitingOf(userId).length === 0) continue;
          const message = await this.#queueMessage(userId);
          this.#sockets.send(userTag(userId), () => message);
        }
      }
    }
    await this.#checkAlert(status);
  }

  #energyMessage(status: PoolStatus, id: SocketIdentity) {
    const timestamp = new Date().toISOString();
    if (id.role === "admin") return { type: "energy_update", data: status, timestamp };
    const view = userView(status, this.#pool!.config);
    return {
      type: "energy_update",
      data: { service_available: view.service_available, alternative_required: view.alternative_required, service_status: view.service_status, message: statusMessage(view.service_status, id.lang) },
      timestamp,
    };
  }

  /** A user's own queue entries with place and estimated start, in wall-clock time. */
  async #queueMessage(userId: string) {
    const poolId = this.#store.meta("pool_id")!;
    const { chain_time, positions } = await this.positions(poolId, this.#store.waitingOf(userId).map((e) => e.withdrawal_id));
    const now = Date.now();
    const wall = (t: number) => new Date(now + (t - chain_time)).toISOString();
    return {
      type: "queue_update",
      data: {
        entries: positions.map((p) => ({
          withdrawal_id: p.withdrawal_id,
          position: p.position,
          priority: p.priority,
          estimated_time: p.estimated_start === null ? null : wall(p.estimated_start),
          estimated_wait_minutes: p.estimated_start === null ? null : Math.max(0, Math.ceil((p.estimated_start - chain_time) / 60_000)),
        })),
      },
      timestamp: new Date(now).toISOString(),
    };
  }

  /** Each level transition alerts once: the level is read, decided and stored in one step. */
  async #checkAlert(status: PoolStatus): Promise<void> {
    const cfg = this.#pool!.config;
    const alert = this.ctx.storage.transactionSync(() => {
      const previous = (this.#store.meta("alert_level") ?? "normal") as AlertLevel;
      const next = nextAlert(previous, status.available_percentage, cfg);
      if (next.level !== previous) this.#store.setMeta("alert_level", next.level);
      return next.alert;
    });
    if (!alert) return;
    await this.#alerts.raise(alert, { ...status, pool_name: this.#pool!.row.name }, status.chain_time);
    // Webhooks go out now without holding up this request (the object stays up while the fetches
    // are pending); failures are retried by the alarm, which the outbox keeps scheduled.
    this.ctx.waitUntil(this.#alerts.deliverDue(status.chain_time).catch((e) => log("alert_delivery_error", { error: errorText(e) })));
    await this.#ensureAlarm();
  }

  /**
   * The start was refused in D1 (not pending any more). The caller has already dropped what it took
   * itself; anything else here belongs to whoever did start the withdrawal, and stays.
   */
  async #refuseStart(withdrawalId: string): Promise<PoolResult<never>> {
    const current = await getWithdrawal(this.env.DB, withdrawalId);
    return fail("invalid_state", { status: current?.status ?? "missing", expected: "pending" });
  }

  #free(snap: Snapshot): number {
    return availableEnergy({ limit: snap.limit, used: snap.used, reserved: this.#store.reservedEnergy() });
  }

  /** The simulation's starting point: the chain's ramp now, with the reservations in flight consumed. */
  #simulation(snap: Snapshot): StartSimulation {
    const elapsedSlots = Math.max(0, (this.#chainNow(snap) - snap.headMs) / SLOT_MS);
    const ramp = consumeAt(snap.ramp, elapsedSlots, this.#store.reservedEnergy());
    return new StartSimulation({ limit: snap.limit, ramp, tickSlots: this.#intervalMs() / SLOT_MS });
  }

  /** Start of each entry (slots from now), in queue order. */
  #estimate(snap: Snapshot, energies: number[]): Array<number | null> {
    const sim = this.#simulation(snap);
    return energies.map((e) => sim.next(e));
  }

  /**
   * Slots until an entry (real or hypothetical) would start behind everyone ahead of it; "beyond"
   * as soon as the entries ahead alone pass the longest allowed wait, so a long queue is read only
   * as far as it matters; null if it can never fit.
   */
  #startOf(snap: Snapshot, e: { priority: number; seq: number; energy: number }): number | null | "beyond" {
    const sim = this.#simulation(snap);
    const horizon = this.#maxWaitSlots();
    for (const energy of this.#store.energiesAhead(e)) {
      const at = sim.next(energy);
      if (at === null) return null;
      if (at > horizon) return "beyond";
    }
    return sim.next(e.energy);
  }

  #maxWaitSlots(): number {
    return (this.#pool!.config.queue_max_wait_hours * 3_600_000) / SLOT_MS;
  }

  #chainNow(snap: Snapshot): number {
    return snap.headMs + (Date.now() - snap.fetchedAt);
  }

  async #bind(poolId: string): Promise<{ row: PoolRow; config: FallbackConfig }> {
    const known = this.#store.meta("pool_id");
    if (known && known !== poolId) throw new Error(`EnergyPool ${known} was addressed as ${poolId}: stubs must be named by pool id`);
    if (this.#pool && Date.now() - this.#pool.fetchedAt < CONFIG_TTL_MS) return this.#pool;
    const row = await getPool(this.env.DB, poolId);
    if (!row) throw new Error(`pool ${poolId} is not in the pools table (seed it or run the migrations)`);
    if (!known) this.#store.setMeta("pool_id", poolId);
    this.#pool = { row, config: fallbackConfigOf(row), fetchedAt: Date.now() };
    return this.#pool;
  }

  async #freshSnapshot(address: string): Promise<Snapshot> {
    if (this.#snapshot && Date.now() - this.#snapshot.fetchedAt < SNAPSHOT_TTL_MS) return this.#snapshot;
    // Concurrent callers share one node request instead of each starting their own.
    this.#refreshing ??= this.#fetchSnapshot(address).finally(() => (this.#refreshing = null));
    const snap = await this.#refreshing;
    if (!this.#snapshot || snap.fetchedAt > this.#snapshot.fetchedAt) this.#snapshot = snap;
    return this.#snapshot;
  }

  async #fetchSnapshot(address: string): Promise<Snapshot> {
    const a = await this.#tron.accountEnergy(address);
    return { limit: a.limit, used: a.used, ramp: rampFromAccount(a), headMs: a.headMs, fetchedAt: Date.now() };
  }

  async #chainParameters(): Promise<{ energyFeeSun: number; transactionFeeSun: number }> {
    if (this.#parameters && Date.now() - this.#parameters.fetchedAt < PARAMETERS_TTL_MS) return this.#parameters;
    const p = await this.#tron.chainParameters();
    this.#parameters = { ...p, fetchedAt: Date.now() };
    return this.#parameters;
  }

  async #ensureAlarm(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + this.#intervalMs());
  }

  #intervalMs(): number {
    return Number(this.env.ALARM_INTERVAL_SECONDS || 30) * 1000;
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
