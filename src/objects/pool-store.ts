import { migratePoolStorage } from "./pool-schema";

// Synchronous access to the EnergyPool's SQLite storage. Every method here runs without an await,
// so a caller that combines several of them inside `transactionSync` gets one atomic step.

export type Origin = "direct" | "queue" | "postponed";
export type Wallet = "hot" | "fee" | "rental";

export interface TransferRow {
  withdrawal_id: string;
  tx_id: string;
  wallet: Wallet;
  signed_tx: string;
  expiration: number;
  state: "signed" | "broadcast" | "confirmed" | "failed";
  attempts: number;
  started_at: number;
  [key: string]: SqlStorageValue;
}

export interface QueueRow {
  withdrawal_id: string;
  user_id: string;
  priority: number;
  seq: number;
  energy: number;
  to_address: string;
  amount: number;
  queued_at: number;
  state: "waiting" | "starting";
  [key: string]: SqlStorageValue;
}

export interface PostponedRow {
  withdrawal_id: string;
  user_id: string;
  energy: number;
  to_address: string;
  amount: number;
  due_at: number;
  state: "waiting" | "starting";
  [key: string]: SqlStorageValue;
}

export interface ReservationRow {
  withdrawal_id: string;
  energy: number;
  origin: Origin;
  created_at: number;
  [key: string]: SqlStorageValue;
}

export interface RentalRow {
  withdrawal_id: string;
  purchase_order_id: string | null;
  provider: string | null;
  /** Null until the provider answers, and for good when its reply was lost and it cannot be asked by our id. */
  provider_order_id: string | null;
  /** JSON: the candidate being tried (its base URL and markup). */
  current: string | null;
  energy: number;
  to_address: string;
  amount: number;
  charge_cap_sun: number;
  charged_sun: number | null;
  /** JSON: the providers still to try, in order. */
  candidates: string;
  attempt: number;
  state: "ordering" | "waiting" | "sending";
  deadline: number;
  ordered_at: number | null;
  [key: string]: SqlStorageValue;
}

export interface SampleRow {
  at: number;
  energy_limit: number;
  energy_available: number;
  energy_reserved: number;
  queue_length: number;
  [key: string]: SqlStorageValue;
}

export interface OutboxRow {
  delivery_id: string;
  alert_id: string;
  kind: "slack" | "discord" | "generic";
  url: string;
  secret: string | null;
  payload: string;
  attempts: number;
  next_at: number;
  [key: string]: SqlStorageValue;
}

// Positions count waiting entries in blocks of 2^10 arrivals (see the queue_blocks migration).
const BLOCK_BITS = 10;
const PAGE = 512;

export class PoolStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    migratePoolStorage(sql);
  }

  meta(key: string): string | null {
    return this.#sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  }

  /** Strictly increasing; the queue's arrival order. */
  nextSeq(): number {
    const next = Number(this.meta("queue_seq") ?? 0) + 1;
    this.setMeta("queue_seq", String(next));
    return next;
  }

  // Reservations

  reservedEnergy(): number {
    return this.#sql.exec("SELECT coalesce(sum(energy), 0) AS e FROM reservations").one().e as number;
  }

  reservation(withdrawalId: string): ReservationRow | null {
    return this.#sql.exec<ReservationRow>("SELECT * FROM reservations WHERE withdrawal_id = ?", withdrawalId).toArray()[0] ?? null;
  }

  reserve(withdrawalId: string, energy: number, origin: Origin, now: number): void {
    this.#sql.exec("INSERT INTO reservations (withdrawal_id, energy, origin, created_at) VALUES (?, ?, ?, ?)", withdrawalId, energy, origin, now);
  }

  release(withdrawalId: string): void {
    this.#sql.exec("DELETE FROM reservations WHERE withdrawal_id = ?", withdrawalId);
  }

  /** Reservations older than `before` with no transfer behind them. */
  orphanReservations(before: number): ReservationRow[] {
    return this.#sql
      .exec<ReservationRow>(
        `SELECT r.* FROM reservations r LEFT JOIN transfers t ON t.withdrawal_id = r.withdrawal_id
          WHERE t.withdrawal_id IS NULL AND r.created_at < ? AND r.withdrawal_id NOT IN (SELECT withdrawal_id FROM rentals WHERE state <> 'sending')`,
        before,
      )
      .toArray();
  }

  // Transfers

  transfer(withdrawalId: string): TransferRow | null {
    return this.#sql.exec<TransferRow>("SELECT * FROM transfers WHERE withdrawal_id = ?", withdrawalId).toArray()[0] ?? null;
  }

  openTransfers(): TransferRow[] {
    return this.#sql.exec<TransferRow>("SELECT * FROM transfers WHERE state IN ('signed','broadcast') ORDER BY created_at").toArray();
  }

  insertTransfer(t: { withdrawalId: string; txId: string; wallet: Wallet; signed: string; expiration: number; startedAt: number }, now: number): void {
    this.#sql.exec(
      "INSERT INTO transfers (withdrawal_id, tx_id, wallet, signed_tx, expiration, state, attempts, started_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'signed', 0, ?, ?, ?)",
      t.withdrawalId, t.txId, t.wallet, t.signed, t.expiration, t.startedAt, now, now,
    );
  }

  markBroadcast(withdrawalId: string): void {
    this.#sql.exec("UPDATE transfers SET state = 'broadcast' WHERE withdrawal_id = ? AND state = 'signed'", withdrawalId);
  }

  recordAttempt(withdrawalId: string, error: string | null, now: number): void {
    this.#sql.exec("UPDATE transfers SET attempts = attempts + 1, last_error = ?, updated_at = ? WHERE withdrawal_id = ?", error, now, withdrawalId);
  }

  finishTransfer(withdrawalId: string, state: "confirmed" | "failed", now: number): void {
    this.#sql.exec("UPDATE transfers SET state = ?, updated_at = ? WHERE withdrawal_id = ?", state, now, withdrawalId);
  }

  openTransferCount(): number {
    return this.#sql.exec("SELECT count(*) AS n FROM transfers WHERE state IN ('signed','broadcast')").one().n as number;
  }

  // Queue

  enqueue(e: Omit<QueueRow, "seq" | "state">): void {
    this.#sql.exec(
      "INSERT INTO queue (withdrawal_id, user_id, priority, seq, energy, to_address, amount, queued_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'waiting') ON CONFLICT DO NOTHING",
      e.withdrawal_id, e.user_id, e.priority, this.nextSeq(), e.energy, e.to_address, e.amount, e.queued_at,
    );
  }

  queueEntry(withdrawalId: string): QueueRow | null {
    return this.#sql.exec<QueueRow>("SELECT * FROM queue WHERE withdrawal_id = ?", withdrawalId).toArray()[0] ?? null;
  }

  queueHead(): QueueRow | null {
    return this.#sql.exec<QueueRow>("SELECT * FROM queue WHERE state = 'waiting' ORDER BY priority DESC, seq LIMIT 1").toArray()[0] ?? null;
  }

  waitingCount(): number {
    return this.#sql.exec("SELECT coalesce(sum(n), 0) AS n FROM queue_blocks").one().n as number;
  }

  waitingByPriority(): Record<"0" | "1" | "2", number> {
    const out = { "0": 0, "1": 0, "2": 0 };
    for (const r of this.#sql.exec<{ priority: number; n: number }>("SELECT priority, sum(n) AS n FROM queue_blocks GROUP BY priority")) {
      out[String(r.priority) as "0" | "1" | "2"] = r.n;
    }
    return out;
  }

  /** 1-based place in line, counted on read: the blocks ahead, then the rows ahead in its own block. */
  position(e: Pick<QueueRow, "priority" | "seq">): number {
    const block = e.seq >> BLOCK_BITS;
    const blocksAhead = this.#sql
      .exec("SELECT coalesce(sum(n), 0) AS n FROM queue_blocks WHERE priority > ?1 OR (priority = ?1 AND block < ?2)", e.priority, block)
      .one().n as number;
    const inBlock = this.#sql
      .exec("SELECT count(*) AS n FROM queue WHERE state = 'waiting' AND priority = ?1 AND seq >= ?2 AND seq < ?3", e.priority, block << BLOCK_BITS, e.seq)
      .one().n as number;
    return 1 + blocksAhead + inBlock;
  }

  /**
   * Energy of the waiting entries ahead of a (possibly hypothetical) entry, in queue order, read a
   * page at a time along the queue_order index, so that a caller can stop early.
   */
  *energiesAhead(e: Pick<QueueRow, "priority" | "seq">): Generator<number> {
    for (let priority = 2; priority >= e.priority; priority--) {
      const before = priority === e.priority ? e.seq : Number.MAX_SAFE_INTEGER;
      let after = 0;
      for (;;) {
        const page = this.#sql
          .exec<{ seq: number; energy: number }>(
            "SELECT seq, energy FROM queue WHERE state = 'waiting' AND priority = ? AND seq > ? AND seq < ? ORDER BY seq LIMIT ?",
            priority, after, before, PAGE,
          )
          .toArray();
        for (const row of page) yield row.energy;
        if (page.length < PAGE) break;
        after = page[page.length - 1].seq;
      }
    }
  }

  waiting(limit: number): QueueRow[] {
    return this.#sql.exec<QueueRow>("SELECT * FROM queue WHERE state = 'waiting' ORDER BY priority DESC, seq LIMIT ?", limit).toArray();
  }

  waitedSince(before: number, limit: number): QueueRow[] {
    return this.#sql.exec<QueueRow>("SELECT * FROM queue WHERE state = 'waiting' AND queued_at < ? ORDER BY queued_at LIMIT ?", before, limit).toArray();
  }

  setQueueState(withdrawalId: string, state: "waiting" | "starting"): void {
    this.#sql.exec("UPDATE queue SET state = ? WHERE withdrawal_id = ?", state, withdrawalId);
  }

  setPriority(withdrawalId: string, priority: number): boolean {
    return this.#sql.exec("UPDATE queue SET priority = ? WHERE withdrawal_id = ? AND state = 'waiting'", priority, withdrawalId).rowsWritten > 0;
  }

  dequeue(withdrawalId: string): void {
    this.#sql.exec("DELETE FROM queue WHERE withdrawal_id = ?", withdrawalId);
  }

  /** A user's waiting entries. */
  waitingOf(userId: string): QueueRow[] {
    return this.#sql.exec<QueueRow>("SELECT * FROM queue WHERE state = 'waiting' AND user_id = ? ORDER BY priority DESC, seq", userId).toArray();
  }

  // Postponed

  postpone(p: Omit<PostponedRow, "state">): void {
    this.#sql.exec(
      "INSERT INTO postponed (withdrawal_id, user_id, energy, to_address, amount, due_at, state) VALUES (?, ?, ?, ?, ?, ?, 'waiting') ON CONFLICT DO NOTHING",
      p.withdrawal_id, p.user_id, p.energy, p.to_address, p.amount, p.due_at,
    );
  }

  postponedEntry(withdrawalId: string): PostponedRow | null {
    return this.#sql.exec<PostponedRow>("SELECT * FROM postponed WHERE withdrawal_id = ?", withdrawalId).toArray()[0] ?? null;
  }

  duePostponed(now: number, limit: number): PostponedRow[] {
    return this.#sql.exec<PostponedRow>("SELECT * FROM postponed WHERE state = 'waiting' AND due_at <= ? ORDER BY due_at LIMIT ?", now, limit).toArray();
  }

  setPostponedState(withdrawalId: string, state: "waiting" | "starting"): void {
    this.#sql.exec("UPDATE postponed SET state = ? WHERE withdrawal_id = ?", state, withdrawalId);
  }

  unpostpone(withdrawalId: string): void {
    this.#sql.exec("DELETE FROM postponed WHERE withdrawal_id = ?", withdrawalId);
  }

  postponedCount(): number {
    return this.#sql.exec("SELECT count(*) AS n FROM postponed").one().n as number;
  }

  // Rentals

  rental(withdrawalId: string): RentalRow | null {
    return this.#sql.exec<RentalRow>("SELECT * FROM rentals WHERE withdrawal_id = ?", withdrawalId).toArray()[0] ?? null;
  }

  rentalsIn(state: RentalRow["state"]): RentalRow[] {
    return this.#sql.exec<RentalRow>("SELECT * FROM rentals WHERE state = ?", state).toArray();
  }

  insertRental(r: Pick<RentalRow, "withdrawal_id" | "energy" | "to_address" | "amount" | "charge_cap_sun" | "candidates" | "deadline">): void {
    this.#sql.exec(
      "INSERT INTO rentals (withdrawal_id, energy, to_address, amount, charge_cap_sun, candidates, attempt, state, deadline) VALUES (?, ?, ?, ?, ?, ?, 0, 'ordering', ?)",
      r.withdrawal_id, r.energy, r.to_address, r.amount, r.charge_cap_sun, r.candidates, r.deadline,
    );
  }

  updateRental(withdrawalId: string, set: Partial<Omit<RentalRow, "withdrawal_id">>): void {
    const entries = Object.entries(set);
    if (!entries.length) return;
    this.#sql.exec(`UPDATE rentals SET ${entries.map(([k]) => `${k} = ?`).join(", ")} WHERE withdrawal_id = ?`, ...entries.map(([, v]) => v ?? null), withdrawalId);
  }

  dropRental(withdrawalId: string): void {
    this.#sql.exec("DELETE FROM rentals WHERE withdrawal_id = ?", withdrawalId);
  }

  /** Rented energy already promised to transfers of the rental wallet that the chain has not counted. */
  rentalEnergyInFlight(): number {
    return this.#sql.exec(
      "SELECT coalesce(sum(r.energy), 0) AS e FROM rentals r JOIN transfers t ON t.withdrawal_id = r.withdrawal_id WHERE r.state = 'sending' AND t.state IN ('signed','broadcast')",
    ).one().e as number;
  }

  // Samples

  /** One sample per `minGapMs` at most; older than `keepMs` are dropped in the same step. */
  sample(s: SampleRow, minGapMs: number, keepMs: number): void {
    const last = this.#sql.exec<{ at: number }>("SELECT max(at) AS at FROM samples").one().at;
    if (last !== null && s.at - last < minGapMs) return;
    this.#sql.exec(
      "INSERT OR REPLACE INTO samples (at, energy_limit, energy_available, energy_reserved, queue_length) VALUES (?, ?, ?, ?, ?)",
      s.at, s.energy_limit, s.energy_available, s.energy_reserved, s.queue_length,
    );
    this.#sql.exec("DELETE FROM samples WHERE at < ?", s.at - keepMs);
  }

  /** Samples since `from`, averaged into buckets of `bucketMs`. */
  samples(from: number, bucketMs: number): SampleRow[] {
    return this.#sql
      .exec<SampleRow>(
        `SELECT (at / ?1) * ?1 AS at, CAST(avg(energy_limit) AS INTEGER) AS energy_limit, CAST(avg(energy_available) AS INTEGER) AS energy_available,
                CAST(avg(energy_reserved) AS INTEGER) AS energy_reserved, max(queue_length) AS queue_length
           FROM samples WHERE at >= ?2 GROUP BY at / ?1 ORDER BY 1`,
        bucketMs, from,
      )
      .toArray();
  }

  // Alert outbox

  addToOutbox(d: OutboxRow): void {
    this.#sql.exec(
      "INSERT INTO outbox (delivery_id, alert_id, kind, url, secret, payload, attempts, next_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
      d.delivery_id, d.alert_id, d.kind, d.url, d.secret, d.payload, d.next_at,
    );
  }

  /**
   * Due deliveries, each leased for a minute in the same step: a second sender running at the same
   * time (a request's immediate attempt and the alarm, say) does not pick them up again.
   */
  claimDue(now: number): OutboxRow[] {
    const rows = this.#sql.exec<OutboxRow>("SELECT * FROM outbox WHERE next_at <= ? ORDER BY next_at LIMIT 50", now).toArray();
    for (const r of rows) this.#sql.exec("UPDATE outbox SET next_at = ? WHERE delivery_id = ?", now + 60_000, r.delivery_id);
    return rows;
  }

  retryLater(deliveryId: string, nextAt: number): void {
    this.#sql.exec("UPDATE outbox SET attempts = attempts + 1, next_at = ? WHERE delivery_id = ?", nextAt, deliveryId);
  }

  dropFromOutbox(deliveryId: string): void {
    this.#sql.exec("DELETE FROM outbox WHERE delivery_id = ?", deliveryId);
  }

  /** Whether the pool has work of its own (subscribers aside): the alarm is not scheduled without. */
  hasWork(): boolean {
    return (
      this.#sql.exec(
        `SELECT EXISTS (SELECT 1 FROM transfers WHERE state IN ('signed','broadcast')) OR EXISTS (SELECT 1 FROM reservations) OR EXISTS (SELECT 1 FROM queue)
             OR EXISTS (SELECT 1 FROM postponed) OR EXISTS (SELECT 1 FROM outbox) OR EXISTS (SELECT 1 FROM rentals) AS w`,
      ).one().w === 1
    );
  }

  /** Whether the pool already tracks this withdrawal in any form. */
  knows(withdrawalId: string): boolean {
    return (
      (this.#sql.exec(
        "SELECT (SELECT count(*) FROM queue WHERE withdrawal_id = ?1) + (SELECT count(*) FROM postponed WHERE withdrawal_id = ?1) + (SELECT count(*) FROM reservations WHERE withdrawal_id = ?1) + (SELECT count(*) FROM transfers WHERE withdrawal_id = ?1) AS n",
        withdrawalId,
      ).one().n as number) > 0
    );
  }
}
