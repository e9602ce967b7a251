import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { devnet, FEE_WALLET, HOT_WALLET, pool, POOL_ID, RENTAL_WALLET } from "../helpers";

// The invariants the model-based test checks after every step (DESIGN §4): the ledger balances,
// holds resolve exactly once and as their withdrawal's state says, a withdrawal reaches the chain
// at most once and only as its state allows, the pool never promises energy it does not have, and
// the queue starts entries in priority-then-arrival order.

/** An invariant the service broke (as opposed to a harness error). */
export class Violation extends Error {
  override name = "Violation";
}

export type Wallet = "hot" | "fee" | "rental";
const WALLET_OF_ADDRESS: Record<string, Wallet> = { [HOT_WALLET]: "hot", [FEE_WALLET]: "fee", [RENTAL_WALLET]: "rental" };
// README: TRX-paid transfers leave from the fee wallet, rented energy is spent by the rental wallet,
// everything else from the hot wallet.
const WALLET_OF_METHOD: Record<string, Wallet> = { standard: "hot", queue_wait: "hot", postpone: "hot", trx_payment: "fee", external_pool: "rental" };
const FINAL = new Set(["completed", "failed", "cancelled"]);
const NOT_STARTED = new Set(["pending", "queued", "postponed", "cancelled"]);

// The pool's alarm is parked this far ahead after every step, so that it never fires on its own in
// the middle of one: every alarm run is then a step of the sequence, which keeps the queue-order
// check exact and a sequence replayable. The test's `advance` runs it whenever it is set.
const PARKED_ALARM_MS = 365 * 24 * 3_600_000;

export interface PoolRows {
  /** Waiting queue entries in the order the pool serves them. */
  waiting: Array<{ withdrawal_id: string; priority: number; seq: number }>;
  queue: Array<{ withdrawal_id: string; state: string }>;
  postponed: Array<{ withdrawal_id: string; state: string }>;
  reservations: Array<{ withdrawal_id: string; energy: number; origin: string }>;
  /** Transfers started since the sequence began, in the order they were started. */
  transfers: Array<{ rowid: number; withdrawal_id: string; tx_id: string; wallet: Wallet; state: string; attempts: number; signed_tx: string }>;
  rentals: Array<{ withdrawal_id: string; state: string }>;
  openTransfers: number;
  outbox: number;
  alarm: number | null;
}

/** The pool's own tables, read in one synchronous step inside the object; optionally parks its alarm. */
export async function poolRows(sinceRowid = 0, park = false): Promise<PoolRows> {
  return runInDurableObject(pool(), async (_instance, state) => {
    const all = <T>(query: string, ...args: SqlStorageValue[]) => state.storage.sql.exec(query, ...args).toArray() as unknown as T[];
    const rows = {
      waiting: all<PoolRows["waiting"][number]>("SELECT withdrawal_id, priority, seq FROM queue WHERE state = 'waiting' ORDER BY priority DESC, seq"),
      queue: all<PoolRows["queue"][number]>("SELECT withdrawal_id, state FROM queue"),
      postponed: all<PoolRows["postponed"][number]>("SELECT withdrawal_id, state FROM postponed"),
      reservations: all<PoolRows["reservations"][number]>("SELECT withdrawal_id, energy, origin FROM reservations"),
      transfers: all<PoolRows["transfers"][number]>(
        "SELECT rowid, withdrawal_id, tx_id, wallet, state, attempts, signed_tx FROM transfers WHERE rowid > ? ORDER BY rowid",
        sinceRowid,
      ),
      rentals: all<PoolRows["rentals"][number]>("SELECT withdrawal_id, state FROM rentals"),
      openTransfers: all<{ n: number }>("SELECT count(*) AS n FROM transfers WHERE state IN ('signed','broadcast')")[0].n,
      outbox: all<{ n: number }>("SELECT count(*) AS n FROM outbox")[0].n,
    };
    const alarm = await state.storage.getAlarm();
    if (park && alarm !== null) await state.storage.setAlarm(Date.now() + PARKED_ALARM_MS);
    return { ...rows, alarm };
  });
}

export async function lastTransferRowid(): Promise<number> {
  return runInDurableObject(pool(), (_i, state) => state.storage.sql.exec<{ r: number }>("SELECT coalesce(max(rowid), 0) AS r FROM transfers").one().r);
}

interface WithdrawalRow {
  id: string;
  user_id: string;
  to_address: string;
  amount: number;
  status: string;
  method: string | null;
  priority: number;
  fee_sun: number;
  tx_id: string | null;
  failure_reason: string | null;
}

interface HoldRow {
  id: string;
  withdrawal_id: string;
  purpose: "withdrawal" | "fee";
  asset: string;
  amount: number;
  state: "held" | "posted" | "released";
  posted_amount: number | null;
  opens: number;
  releases: number;
  posts: number;
  refunds: number;
  others: number;
  available_delta: number;
  held_delta: number;
}

interface ChainTx {
  txid: string;
  from: string;
  to: string | null;
  amount: string | null;
  result: string;
}

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

export class Auditor {
  readonly users: string[];
  readonly #sinceRowid: number;
  /** Receipts of mined transactions never change: each is fetched once. */
  readonly #receipts = new Map<string, any>();
  readonly #solidResults = new Map<string, string>();
  #last: PoolRows;
  steps = 0;

  private constructor(users: string[], sinceRowid: number, rows: PoolRows) {
    this.users = users;
    this.#sinceRowid = sinceRowid;
    this.#last = rows;
  }

  /** Starts auditing a sequence whose chain was just reset and whose users are `users`. */
  static async start(users: string[]): Promise<Auditor> {
    const since = await lastTransferRowid();
    return new Auditor(users, since, await poolRows(since, true));
  }

  /** The pool's tables as the last step left them (nothing runs between steps). */
  get last(): PoolRows {
    return this.#last;
  }

  async withdrawals(): Promise<WithdrawalRow[]> {
    return (
      await env.DB.prepare(
        `SELECT id, user_id, to_address, amount, status, method, priority, fee_sun, tx_id, failure_reason FROM withdrawals WHERE user_id IN (${placeholders(this.users.length)}) ORDER BY created_at, id`,
      )
        .bind(...this.users)
        .all<WithdrawalRow>()
    ).results;
  }

  /** Checks every invariant after a step; throws a Violation naming each one broken. */
  async check(step: string): Promise<void> {
    const before = this.#last;
    const rows = await poolRows(this.#sinceRowid, true);
    this.#last = rows;
    this.steps++;
    const withdrawals = await this.withdrawals();
    const problems = [
      ...(await this.#ledger()),
      ...(await this.#holds(withdrawals)),
      ...(await this.#chain(withdrawals, rows)),
      ...(await this.#energy()),
      ...this.#queueOrder(before, rows, withdrawals),
      ...this.#poolAgreesWithD1(rows, withdrawals),
    ];
    if (problems.length) throw new Violation(`after step ${this.steps} (${step}):\n  - ${problems.join("\n  - ")}`);
  }

  /** Per asset: balances + fees collected + amounts sent = deposits; balances = their ledger entries. */
  async #ledger(): Promise<string[]> {
    const problems: string[] = [];
    const totals = (
      await env.DB.prepare(
        `SELECT a.asset,
           (SELECT coalesce(sum(delta), 0) FROM ledger_entries WHERE asset = a.asset AND reason = 'deposit') AS deposits,
           (SELECT coalesce(sum(delta), 0) FROM ledger_entries WHERE asset = a.asset) AS ledger,
           (SELECT coalesce(sum(available + held), 0) FROM balances WHERE asset = a.asset) AS balances,
           (SELECT coalesce(sum(coalesce(posted_amount, amount)), 0) FROM holds WHERE asset = a.asset AND state = 'posted' AND purpose = 'fee') AS fees,
           (SELECT coalesce(sum(coalesce(posted_amount, amount)), 0) FROM holds WHERE asset = a.asset AND state = 'posted' AND purpose = 'withdrawal') AS sent
         FROM (SELECT 'TRX' AS asset UNION ALL SELECT 'USDT') a`,
      ).all<{ asset: string; deposits: number; ledger: number; balances: number; fees: number; sent: number }>()
    ).results;
    for (const t of totals) {
      if (t.balances + t.fees + t.sent !== t.deposits) {
        problems.push(`${t.asset}: balances ${t.balances} + fees ${t.fees} + sent ${t.sent} != deposits ${t.deposits}`);
      }
      if (t.ledger + t.fees + t.sent !== t.deposits) {
        problems.push(`${t.asset}: ledger entries ${t.ledger} + fees ${t.fees} + sent ${t.sent} != deposits ${t.deposits}`);
      }
    }
    const balances = (
      await env.DB.prepare(
        `SELECT b.user_id, b.asset, b.available, b.held,
           (SELECT coalesce(sum(delta), 0) FROM ledger_entries l WHERE l.user_id = b.user_id AND l.asset = b.asset AND l.bucket = 'available') AS ledger_available,
           (SELECT coalesce(sum(delta), 0) FROM ledger_entries l WHERE l.user_id = b.user_id AND l.asset = b.asset AND l.bucket = 'held') AS ledger_held,
           (SELECT coalesce(sum(amount), 0) FROM holds h WHERE h.user_id = b.user_id AND h.asset = b.asset AND h.state = 'held') AS open_holds
         FROM balances b`,
      ).all<{ user_id: string; asset: string; available: number; held: number; ledger_available: number; ledger_held: number; open_holds: number }>()
    ).results;
    for (const b of balances) {
      const who = `${b.user_id}/${b.asset}`;
      if (b.available < 0 || b.held < 0) problems.push(`${who}: negative balance ${b.available} available, ${b.held} held`);
      if (b.available !== b.ledger_available || b.held !== b.ledger_held) {
        problems.push(`${who}: balance ${b.available}/${b.held} but ledger ${b.ledger_available}/${b.ledger_held} (available/held)`);
      }
      if (b.held !== b.open_holds) problems.push(`${who}: held ${b.held} but open holds sum to ${b.open_holds}`);
    }
    const orphan = await env.DB.prepare(
      "SELECT DISTINCT l.user_id, l.asset FROM ledger_entries l LEFT JOIN balances b ON b.user_id = l.user_id AND b.asset = l.asset WHERE b.user_id IS NULL",
    ).all<{ user_id: string; asset: string }>();
    for (const o of orphan.results) problems.push(`${o.user_id}/${o.asset}: ledger entries without a balance row`);
    return problems;
  }

  /** Every hold's ledger entries match its state; every withdrawal's holds match its status. */
  async #holds(withdrawals: WithdrawalRow[]): Promise<string[]> {
    const problems: string[] = [];
    const holds = (
      await env.DB.prepare(
        `SELECT h.id, h.withdrawal_id, h.purpose, h.asset, h.amount, h.state, h.posted_amount,
           coalesce(sum(l.reason = h.purpose || '_hold'), 0) AS opens,
           coalesce(sum(l.reason = h.purpose || '_release'), 0) AS releases,
           coalesce(sum(l.reason = h.purpose || '_post'), 0) AS posts,
           coalesce(sum(l.reason = h.purpose || '_post_refund'), 0) AS refunds,
           coalesce(sum(l.reason NOT IN (h.purpose || '_hold', h.purpose || '_release', h.purpose || '_post', h.purpose || '_post_refund')), 0) AS others,
           coalesce(sum(CASE WHEN l.bucket = 'available' THEN l.delta ELSE 0 END), 0) AS available_delta,
           coalesce(sum(CASE WHEN l.bucket = 'held' THEN l.delta ELSE 0 END), 0) AS held_delta
         FROM holds h LEFT JOIN ledger_entries l ON l.user_id = h.user_id AND l.asset = h.asset AND l.hold_id = h.id
         WHERE h.user_id IN (${placeholders(this.users.length)})
         GROUP BY h.id`,
      )
        .bind(...this.users)
        .all<HoldRow>()
    ).results;
    for (const h of holds) {
      const effective = h.posted_amount ?? h.amount;
      const expected =
        h.state === "held"
          ? { opens: 2, releases: 0, posts: 0, refunds: 0, available: -h.amount, held: h.amount }
          : h.state === "released"
            ? { opens: 2, releases: 2, posts: 0, refunds: 0, available: 0, held: 0 }
            : { opens: 2, releases: 0, posts: 1, refunds: effective < h.amount ? 1 : 0, available: -effective, held: 0 };
      const actual = { opens: h.opens, releases: h.releases, posts: h.posts, refunds: h.refunds, available: h.available_delta, held: h.held_delta };
      if (JSON.stringify(actual) !== JSON.stringify(expected) || h.others !== 0) {
        problems.push(`hold ${h.id} (${h.purpose} of ${h.withdrawal_id}, ${h.state}): ledger ${JSON.stringify({ ...actual, others: h.others })}, expected ${JSON.stringify(expected)}`);
      }
    }
    const byWithdrawal = new Map<string, HoldRow[]>();
    for (const h of holds) byWithdrawal.set(h.withdrawal_id, [...(byWithdrawal.get(h.withdrawal_id) ?? []), h]);
    for (const w of withdrawals) {
      const hs = byWithdrawal.get(w.id) ?? [];
      const main = hs.filter((h) => h.purpose === "withdrawal");
      const fees = hs.filter((h) => h.purpose === "fee");
      const heldFees = fees.filter((h) => h.state === "held");
      const postedFees = fees.filter((h) => h.state === "posted");
      const say = (what: string) => problems.push(`withdrawal ${w.id} (${w.status}, ${w.method ?? "no method"}): ${what}`);
      if (main.length !== 1 || main[0].asset !== "USDT" || main[0].amount !== w.amount) {
        say(`expected one USDT hold of ${w.amount}, found ${JSON.stringify(main.map((h) => [h.asset, h.amount, h.state]))}`);
        continue;
      }
      if (fees.some((h) => h.asset !== "TRX")) say("a fee hold that is not TRX");
      if (heldFees.length > 1) say(`${heldFees.length} fee holds open at once`);
      const heldFeeSun = heldFees.reduce((s, h) => s + h.amount, 0);
      switch (w.status) {
        case "completed":
          if (main[0].state !== "posted") say(`amount hold is ${main[0].state}, not posted`);
          if (heldFees.length) say("a fee hold is still open");
          if (postedFees.length > 1) say(`${postedFees.length} fee holds posted`);
          if ((postedFees[0] ? postedFees[0].posted_amount ?? postedFees[0].amount : 0) !== w.fee_sun) say(`fee posted differs from fee_sun ${w.fee_sun}`);
          break;
        case "failed":
        case "cancelled":
          if (hs.some((h) => h.state !== "released")) say(`holds not all released: ${JSON.stringify(hs.map((h) => [h.purpose, h.state]))}`);
          break;
        case "pending":
        case "postponed":
          if (main[0].state !== "held") say(`amount hold is ${main[0].state}`);
          if (heldFees.length || postedFees.length || w.fee_sun !== 0) say(`fee left behind: fee_sun ${w.fee_sun}, ${heldFees.length} held, ${postedFees.length} posted`);
          break;
        default:
          if (main[0].state !== "held") say(`amount hold is ${main[0].state}`);
          if (postedFees.length) say("a fee was posted before the transfer completed");
          if (heldFeeSun !== w.fee_sun) say(`open fee holds ${heldFeeSun} differ from fee_sun ${w.fee_sun}`);
      }
    }
    return problems;
  }

  /** Each withdrawal reaches the chain at most once, from the right wallet, and only as its status allows. */
  async #chain(withdrawals: WithdrawalRow[], rows: PoolRows): Promise<string[]> {
    const problems: string[] = [];
    const onChain = ((await devnet("/devnet/transactions")).transactions as ChainTx[]).filter((t) => WALLET_OF_ADDRESS[t.from]);
    const transferOfTx = new Map(rows.transfers.map((t) => [t.tx_id, t]));
    const transferOf = new Map(rows.transfers.map((t) => [t.withdrawal_id, t]));
    const txOfWithdrawal = new Map<string, ChainTx[]>();
    for (const tx of onChain) {
      const t = transferOfTx.get(tx.txid);
      if (!t) {
        problems.push(`transaction ${tx.txid} from the ${WALLET_OF_ADDRESS[tx.from]} wallet (${tx.amount} to ${tx.to}, ${tx.result}) belongs to no withdrawal`);
        continue;
      }
      txOfWithdrawal.set(t.withdrawal_id, [...(txOfWithdrawal.get(t.withdrawal_id) ?? []), tx]);
    }
    const byId = new Map(withdrawals.map((w) => [w.id, w]));
    for (const t of rows.transfers) {
      if (!byId.has(t.withdrawal_id)) problems.push(`transfer ${t.tx_id} started for ${t.withdrawal_id}, not a withdrawal of this sequence`);
    }
    for (const w of withdrawals) {
      const say = (what: string) => problems.push(`withdrawal ${w.id} (${w.status}, ${w.method ?? "no method"}): ${what}`);
      const t = transferOf.get(w.id);
      const txs = txOfWithdrawal.get(w.id) ?? [];
      if (txs.length > 1) say(`${txs.length} transactions on chain`);
      if (t && w.tx_id !== null && w.tx_id !== t.tx_id) say(`tx_id ${w.tx_id} in D1 but ${t.tx_id} signed`);
      if (NOT_STARTED.has(w.status) && t) say(`a transfer ${t.tx_id} (${t.state}) exists although it never started`);
      const tx = txs[0];
      if (tx) {
        if (tx.to !== w.to_address || tx.amount !== String(w.amount)) say(`on chain it sends ${tx.amount} to ${tx.to}`);
        if (WALLET_OF_ADDRESS[tx.from] !== t!.wallet) say(`sent from the ${WALLET_OF_ADDRESS[tx.from]} wallet, recorded as ${t!.wallet}`);
        if (w.method && WALLET_OF_METHOD[w.method] !== t!.wallet) say(`sent from the ${t!.wallet} wallet`);
      }
      if (w.status === "failed" && tx?.result === "SUCCESS") say(`refunded, yet its transaction ${tx.txid} succeeded on chain`);
      if (w.status === "completed") {
        if (!t) {
          say("completed without a transfer");
          continue;
        }
        if (tx?.result !== "SUCCESS") say(`completed, but the chain has ${tx ? tx.result : "no transaction"}`);
        const solid = await this.#solidResult(t.tx_id);
        if (solid !== "SUCCESS") say(`completed, but the solidified receipt of ${t.tx_id} is ${solid ?? "missing"}`);
      }
      const receiptFailure = /^receipt_(.+)$/.exec(w.failure_reason ?? "");
      if (w.status === "failed" && receiptFailure && t) {
        const solid = await this.#solidResult(t.tx_id);
        if (solid?.toLowerCase() !== receiptFailure[1]) say(`failed as ${w.failure_reason}, but the solidified receipt is ${solid ?? "missing"}`);
      }
    }
    // Had the pool promised energy it did not have, a hot-wallet transfer would have burned TRX.
    for (const tx of onChain) {
      if (WALLET_OF_ADDRESS[tx.from] !== "hot") continue;
      const r = await this.#receipt(tx.txid);
      if ((r.receipt?.energy_fee ?? 0) !== 0) problems.push(`hot-wallet transaction ${tx.txid} burned ${r.receipt.energy_fee} sun for energy (${tx.result})`);
    }
    return problems;
  }

  async #energy(): Promise<string[]> {
    const s = await pool().status(POOL_ID);
    const problems: string[] = [];
    if (s.energy_reserved > s.energy_limit) problems.push(`pool reserves ${s.energy_reserved} energy of a limit of ${s.energy_limit}`);
    if (s.energy_available < 0) problems.push(`pool reports ${s.energy_available} energy available`);
    return problems;
  }

  /**
   * Queue entries start in (priority DESC, seq) order, strictly: an entry may start only once every
   * entry that was ahead of it when the step began has started or left the queue.
   */
  #queueOrder(before: PoolRows, after: PoolRows, withdrawals: WithdrawalRow[]): string[] {
    const problems: string[] = [];
    const method = new Map(withdrawals.map((w) => [w.id, w.method]));
    const seenRowid = before.transfers.at(-1)?.rowid ?? 0;
    const queueStarts = after.transfers.filter((t) => t.rowid > seenRowid && method.get(t.withdrawal_id) === "queue_wait").map((t) => t.withdrawal_id);
    const order = new Map(before.waiting.map((e, i) => [e.withdrawal_id, i]));
    const stillWaiting = new Set(after.waiting.map((e) => e.withdrawal_id));
    let last = -1;
    for (const id of queueStarts) {
      const at = order.get(id);
      if (at === undefined) continue;
      if (at < last) problems.push(`queue entry ${id} started after one that was behind it`);
      last = Math.max(last, at);
      const skipped = before.waiting.slice(0, at).filter((e) => stillWaiting.has(e.withdrawal_id));
      if (skipped.length) problems.push(`queue entry ${id} started while ${skipped.map((e) => `${e.withdrawal_id} (p${e.priority}, #${e.seq})`).join(", ")} ahead of it still waits`);
    }
    return problems;
  }

  /** What the pool is doing agrees with D1, so nothing it does can touch a settled withdrawal. */
  #poolAgreesWithD1(rows: PoolRows, withdrawals: WithdrawalRow[]): string[] {
    const problems: string[] = [];
    const status = new Map(withdrawals.map((w) => [w.id, w.status]));
    for (const t of rows.transfers) {
      const s = status.get(t.withdrawal_id);
      if ((t.state === "signed" || t.state === "broadcast") && s !== undefined && FINAL.has(s)) problems.push(`transfer ${t.tx_id} is still ${t.state} although its withdrawal is ${s}`);
      if (s === "completed" && t.state !== "confirmed") problems.push(`withdrawal ${t.withdrawal_id} completed but its transfer is ${t.state}`);
    }
    // A transfer in flight keeps its reservation until the chain counts it (the hot wallet's with the
    // energy it needs; the fee and rental wallets' with 0, which only marks the start).
    const reservation = new Map(rows.reservations.map((r) => [r.withdrawal_id, r]));
    for (const t of rows.transfers) {
      if (t.state !== "signed" && t.state !== "broadcast") continue;
      const r = reservation.get(t.withdrawal_id);
      if (!r) problems.push(`transfer ${t.tx_id} of ${t.withdrawal_id} is in flight from the ${t.wallet} wallet with no reservation`);
      else if (t.wallet === "hot" && r.energy <= 0) problems.push(`hot-wallet transfer ${t.tx_id} of ${t.withdrawal_id} is in flight with ${r.energy} energy reserved`);
    }
    for (const r of rows.reservations) {
      const s = status.get(r.withdrawal_id);
      if (s !== undefined && FINAL.has(s)) problems.push(`energy still reserved (${r.energy}) for ${s} withdrawal ${r.withdrawal_id}`);
    }
    // The queue and the postponements live in both places (D1 first, then the pool): each step
    // leaves them agreeing, priorities included.
    const waiting = new Map(rows.waiting.map((e) => [e.withdrawal_id, e]));
    const queued = new Set(rows.queue.map((e) => e.withdrawal_id));
    const postponed = new Set(rows.postponed.map((e) => e.withdrawal_id));
    for (const w of withdrawals) {
      const e = waiting.get(w.id);
      if (e && w.status !== "queued") problems.push(`withdrawal ${w.id} waits in the pool's queue but is ${w.status}`);
      if (e && w.status === "queued" && e.priority !== w.priority) problems.push(`withdrawal ${w.id} has priority ${w.priority} in D1 but ${e.priority} in the pool's queue`);
      if (w.status === "queued" && !queued.has(w.id)) problems.push(`withdrawal ${w.id} is queued but not in the pool's queue`);
      if (w.status === "postponed" && !postponed.has(w.id)) problems.push(`withdrawal ${w.id} is postponed but the pool does not know it`);
    }
    for (const p of rows.postponed) {
      const s = status.get(p.withdrawal_id);
      if (p.state === "waiting" && s !== undefined && s !== "postponed") problems.push(`the pool still holds ${p.withdrawal_id} as postponed, but it is ${s}`);
    }
    const hasWork = rows.openTransfers + rows.reservations.length + rows.queue.length + rows.postponed.length + rows.outbox + rows.rentals.length > 0;
    if (hasWork && rows.alarm === null) problems.push("the pool has work but no alarm set: it would stall until the cron");
    return problems;
  }

  async #receipt(txId: string): Promise<any> {
    const cached = this.#receipts.get(txId);
    if (cached) return cached;
    const r = await (await fetch(`${env.DEVNET_URL}/wallet/gettransactioninfobyid`, { method: "POST", body: JSON.stringify({ value: txId }) })).json<any>();
    if (r.id) this.#receipts.set(txId, r);
    return r;
  }

  async #solidResult(txId: string): Promise<string | null> {
    const cached = this.#solidResults.get(txId);
    if (cached) return cached;
    const r = await (await fetch(`${env.DEVNET_URL}/walletsolidity/gettransactioninfobyid`, { method: "POST", body: JSON.stringify({ value: txId }) })).json<any>();
    if (!r.id) return null;
    const result = r.receipt?.result ?? "SUCCESS";
    this.#solidResults.set(txId, result);
    return result;
  }
}
