import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import type { ErrorCode } from "../errors";
import { availableEnergy, usagePercent } from "../domain/energy";
import { feeLimitSun } from "../domain/fees";
import { getWithdrawal, transition } from "../db/withdrawals";
import { TronClient, type SignedTransaction, type TransactionInfo } from "../tron/client";
import { addressOfKey, assertIsTransfer, restamp, signTransaction } from "../tron/signer";
import { log } from "../log";
import { migratePoolStorage } from "./pool-schema";

// One EnergyPool per hot wallet. It is the only place that promises the wallet's energy, so the
// check "does it fit?" and the reservation are one synchronous SQL step: no await between them
// means no other request can interleave and take the same energy.

// The chain's view is cached briefly: every status read would otherwise be a node round trip.
const SNAPSHOT_TTL_MS = 5_000;
const PARAMETERS_TTL_MS = 60_000;
// A reservation with no transfer behind it is left over from a crash between two writes.
const ORPHAN_RESERVATION_MS = 120_000;

interface Snapshot {
  limit: number;
  used: number;
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
  energy_fee_sun: number;
  snapshot_age_ms: number;
}

export interface StandardRequest {
  poolId: string;
  withdrawalId: string;
  toAddress: string;
  amount: number;
  energy: number;
}

export type PoolResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; params: Record<string, string | number> };

interface TransferRow {
  withdrawal_id: string;
  tx_id: string;
  signed_tx: string;
  expiration: number;
  state: "signed" | "broadcast" | "confirmed" | "failed";
  attempts: number;
  [key: string]: SqlStorageValue;
}

export class EnergyPool extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  readonly #tron: TronClient;
  #snapshot: Snapshot | null = null;
  #refreshing: Promise<Snapshot> | null = null;
  #parameters: { energyFeeSun: number; fetchedAt: number } | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    migratePoolStorage(this.#sql);
    this.#tron = new TronClient(env.TRON_API_URL, { apiKey: env.TRON_API_KEY });
  }

  async status(poolId: string): Promise<PoolStatus> {
    const address = await this.#bind(poolId);
    const snap = await this.#freshSnapshot(address);
    const energyFeeSun = await this.#energyFee();
    const reserved = this.#reservedEnergy();
    const pool = { limit: snap.limit, used: snap.used, reserved };
    const available = availableEnergy(pool);
    const usage = usagePercent(pool);
    return {
      pool_id: poolId,
      hot_wallet_address: address,
      energy_limit: snap.limit,
      energy_used: snap.used,
      energy_reserved: reserved,
      energy_available: available,
      usage_percentage: round2(usage),
      available_percentage: round2(100 - usage),
      reservations: this.#sql.exec("SELECT count(*) AS n FROM reservations").one().n as number,
      in_flight: this.#sql.exec("SELECT count(*) AS n FROM transfers WHERE state IN ('signed','broadcast')").one().n as number,
      energy_fee_sun: energyFeeSun,
      snapshot_age_ms: Date.now() - snap.fetchedAt,
    };
  }

  /**
   * The standard path: reserve the pool's energy for the withdrawal, then build, sign, persist and
   * broadcast its transfer. The alarm follows it to a final state.
   */
  async processStandard(req: StandardRequest): Promise<PoolResult<{ status: string; tx_id: string | null }>> {
    const address = await this.#bind(req.poolId);
    const snap = await this.#freshSnapshot(address);

    const reserved = this.ctx.storage.transactionSync(() => {
      if (this.#sql.exec("SELECT 1 FROM reservations WHERE withdrawal_id = ?", req.withdrawalId).toArray().length) return true;
      const free = availableEnergy({ limit: snap.limit, used: snap.used, reserved: this.#reservedEnergy() });
      if (req.energy > free) return { free };
      this.#sql.exec("INSERT INTO reservations (withdrawal_id, energy, created_at) VALUES (?, ?, ?)", req.withdrawalId, req.energy, Date.now());
      return true;
    });
    if (reserved !== true) {
      return { ok: false, code: "energy_insufficient", params: { required: req.energy, available: reserved.free } };
    }
    log("energy_reserved", { pool_id: req.poolId, withdrawal_id: req.withdrawalId, energy: req.energy });
    await this.#ensureAlarm();

    const moved = await transition(this.env.DB, req.withdrawalId, {
      from: ["pending"],
      to: "processing",
      set: { method: "standard", energy_required: req.energy },
    });
    if (!moved) {
      const current = await getWithdrawal(this.env.DB, req.withdrawalId);
      if (!this.#transfer(req.withdrawalId)) this.#sql.exec("DELETE FROM reservations WHERE withdrawal_id = ?", req.withdrawalId);
      return { ok: false, code: "invalid_state", params: { status: current?.status ?? "missing", expected: "pending" } };
    }

    let signed: SignedTransaction;
    try {
      signed = await this.#signTransfer(address, req);
      // Persisted before the broadcast: after a lost reply the alarm rebroadcasts these same bytes
      // instead of building a second transaction.
      const now = Date.now();
      this.#sql.exec(
        "INSERT INTO transfers (withdrawal_id, tx_id, signed_tx, expiration, state, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'signed', 0, ?, ?)",
        req.withdrawalId, signed.txID, JSON.stringify(signed), signed.raw_data.expiration, now, now,
      );
    } catch (e) {
      log("transfer_build_failed", { withdrawal_id: req.withdrawalId, error: errorText(e) });
      await this.#fail(req.withdrawalId, "transfer_build_failed");
      return { ok: false, code: "chain_unavailable", params: {} };
    }
    await this.env.DB.prepare("UPDATE withdrawals SET tx_id = ?, updated_at = ? WHERE id = ?").bind(signed.txID, Date.now(), req.withdrawalId).run();

    const status = await this.#broadcast(this.#transfer(req.withdrawalId)!, true);
    return { ok: true, value: { status, tx_id: signed.txID } };
  }

  async alarm(): Promise<void> {
    const transfers = this.#sql.exec<TransferRow>("SELECT * FROM transfers WHERE state IN ('signed','broadcast') ORDER BY created_at").toArray();
    let solidHead: Promise<{ timestamp: number }> | null = null;
    for (const t of transfers) {
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
    await this.#reconcileReservations();
    if (this.#hasWork()) await this.ctx.storage.setAlarm(Date.now() + this.#intervalMs());
  }

  async #broadcast(t: TransferRow, first: boolean): Promise<string> {
    const signed = JSON.parse(t.signed_tx) as SignedTransaction;
    const result = await this.#tron.broadcast(signed);
    this.#sql.exec("UPDATE transfers SET attempts = attempts + 1, last_error = ?, updated_at = ? WHERE withdrawal_id = ?",
      result.status === "accepted" || result.status === "duplicate" ? null : `${result.code}: ${result.message}`, Date.now(), t.withdrawal_id);
    log("transfer_broadcast", { withdrawal_id: t.withdrawal_id, tx_id: t.tx_id, first, result: result.status, ...(result.status === "rejected" || result.status === "unknown" ? { code: result.code } : {}) });

    if (result.status === "accepted" || result.status === "duplicate") {
      this.#sql.exec("UPDATE transfers SET state = 'broadcast' WHERE withdrawal_id = ? AND state = 'signed'", t.withdrawal_id);
      await transition(this.env.DB, t.withdrawal_id, { from: ["processing"], to: "broadcast" });
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
    await transition(this.env.DB, t.withdrawal_id, {
      from: ["processing", "broadcast"],
      to: "completed",
      holds: "post",
      set: { energy_used: info.energyUsageTotal, burned_sun: info.energyFeeSun + info.netFeeSun },
    });
    // The chain now counts this transfer's energy, so the reservation must go, but only together
    // with a snapshot taken after it was mined; otherwise the energy would be counted nowhere.
    const address = this.#meta("hot_wallet_address")!;
    const snap = await this.#fetchSnapshot(address);
    this.ctx.storage.transactionSync(() => {
      this.#snapshot = snap;
      this.#sql.exec("DELETE FROM reservations WHERE withdrawal_id = ?", t.withdrawal_id);
      this.#sql.exec("UPDATE transfers SET state = 'confirmed', updated_at = ? WHERE withdrawal_id = ?", Date.now(), t.withdrawal_id);
    });
    log("withdrawal_completed", { withdrawal_id: t.withdrawal_id, tx_id: t.tx_id, energy_used: info.energyUsageTotal, burned_sun: info.energyFeeSun });
  }

  async #fail(withdrawalId: string, reason: string, info?: TransactionInfo): Promise<void> {
    await transition(this.env.DB, withdrawalId, {
      from: ["processing", "broadcast"],
      to: "failed",
      holds: "release",
      set: { failure_reason: reason, ...(info ? { energy_used: info.energyUsageTotal, burned_sun: info.energyFeeSun + info.netFeeSun } : {}) },
    });
    // A failed transfer that was mined consumed energy the chain now counts; refresh before
    // letting its reservation go, as in #complete.
    if (info) this.#snapshot = await this.#fetchSnapshot(this.#meta("hot_wallet_address")!);
    this.ctx.storage.transactionSync(() => {
      this.#sql.exec("DELETE FROM reservations WHERE withdrawal_id = ?", withdrawalId);
      this.#sql.exec("UPDATE transfers SET state = 'failed', updated_at = ? WHERE withdrawal_id = ?", Date.now(), withdrawalId);
    });
    log("withdrawal_failed", { withdrawal_id: withdrawalId, reason });
  }

  /** Reservations with no transfer: a crash struck between reserving and persisting the signed transaction. */
  async #reconcileReservations(): Promise<void> {
    const cutoff = Date.now() - ORPHAN_RESERVATION_MS;
    const orphans = this.#sql
      .exec<{ withdrawal_id: string }>(
        "SELECT r.withdrawal_id FROM reservations r LEFT JOIN transfers t ON t.withdrawal_id = r.withdrawal_id WHERE t.withdrawal_id IS NULL AND r.created_at < ?",
        cutoff,
      )
      .toArray();
    for (const { withdrawal_id } of orphans) {
      const w = await getWithdrawal(this.env.DB, withdrawal_id);
      // Nothing was signed, so nothing can be on chain: failing and refunding is safe.
      if (w && (w.status === "processing" || w.status === "broadcast")) await this.#fail(withdrawal_id, "interrupted_before_signing");
      else this.#sql.exec("DELETE FROM reservations WHERE withdrawal_id = ?", withdrawal_id);
      log("reservation_reconciled", { withdrawal_id, status: w?.status ?? "missing" });
    }
  }

  async #signTransfer(address: string, req: StandardRequest): Promise<SignedTransaction> {
    const key = this.env.HOT_WALLET_PRIVATE_KEY;
    if (!key) throw new Error("HOT_WALLET_PRIVATE_KEY is not set (a Worker secret; .dev.vars locally)");
    if ((await addressOfKey(key)) !== address) throw new Error(`HOT_WALLET_PRIVATE_KEY does not belong to the pool's hot wallet ${address}`);
    const spec = {
      owner: address,
      contract: this.env.USDT_CONTRACT,
      to: req.toAddress,
      amount: req.amount,
      feeLimitSun: feeLimitSun(req.energy, await this.#energyFee()),
    };
    const built = await this.#tron.buildTransfer(spec);
    const tx = await restamp(built, this.#uniqueTimestamp(built.raw_data.timestamp));
    await assertIsTransfer(tx, spec);
    return signTransaction(tx, key);
  }

  async #bind(poolId: string): Promise<string> {
    const known = this.#meta("pool_id");
    if (known && known !== poolId) throw new Error(`EnergyPool ${known} was addressed as ${poolId}: stubs must be named by pool id`);
    const cached = this.#meta("hot_wallet_address");
    if (cached) return cached;
    const row = await this.env.DB.prepare("SELECT hot_wallet_address FROM pools WHERE id = ?").bind(poolId).first<{ hot_wallet_address: string }>();
    if (!row) throw new Error(`pool ${poolId} is not in the pools table (seed it or run the migrations)`);
    this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('pool_id', ?), ('hot_wallet_address', ?)", poolId, row.hot_wallet_address);
    return row.hot_wallet_address;
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
    const energy = await this.#tron.accountEnergy(address);
    return { ...energy, fetchedAt: Date.now() };
  }

  async #energyFee(): Promise<number> {
    if (this.#parameters && Date.now() - this.#parameters.fetchedAt < PARAMETERS_TTL_MS) return this.#parameters.energyFeeSun;
    const p = await this.#tron.chainParameters();
    this.#parameters = { energyFeeSun: p.energyFeeSun, fetchedAt: Date.now() };
    return p.energyFeeSun;
  }

  /** Strictly increasing per pool, so that no two of its transactions share raw bytes. */
  #uniqueTimestamp(proposed: number): number {
    const last = Number(this.#meta("last_tx_timestamp") ?? 0);
    const ts = Math.max(proposed, last + 1);
    this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_tx_timestamp', ?)", String(ts));
    return ts;
  }

  #reservedEnergy(): number {
    return this.#sql.exec("SELECT coalesce(sum(energy), 0) AS e FROM reservations").one().e as number;
  }

  #transfer(withdrawalId: string): TransferRow | null {
    return this.#sql.exec<TransferRow>("SELECT * FROM transfers WHERE withdrawal_id = ?", withdrawalId).toArray()[0] ?? null;
  }

  #meta(key: string): string | null {
    return (this.#sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value) ?? null;
  }

  #hasWork(): boolean {
    return (this.#sql.exec("SELECT (SELECT count(*) FROM transfers WHERE state IN ('signed','broadcast')) + (SELECT count(*) FROM reservations) AS n").one().n as number) > 0;
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

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
