import type { Env } from "./env";
import { listPools } from "./db/pools";
import { encodeTransferParameter, TronClient } from "./tron/client";
import { log } from "./log";

// The auditors' check: the ledger against the balances it produced, every hold against its ledger
// entries and its withdrawal, and every withdrawal that reached the chain against the chain. Each
// disagreement is reported; nothing is corrected automatically (a person decides).

export interface Mismatch {
  kind:
    | "balance_ledger_mismatch"
    | "hold_ledger_mismatch"
    | "withdrawal_hold_mismatch"
    | "completed_not_on_chain"
    | "completed_transfer_differs"
    | "failed_but_succeeded_on_chain";
  subject: string;
  detail: string;
}

export interface Reconciliation {
  id: string;
  checked: { balances: number; holds: number; withdrawals: number; transactions: number };
  mismatches: Mismatch[];
}

// Each chain lookup is a subrequest; a Worker invocation has a budget of them.
const MAX_CHAIN_CHECKS = 200;

export async function reconcile(env: Env, opts: { since: number; trigger: "cron" | "operator" }): Promise<Reconciliation> {
  const started = Date.now();
  const db = env.DB;
  const mismatches: Mismatch[] = [];

  const balances = (
    await db
      .prepare(
        `SELECT coalesce(b.user_id, l.user_id) AS user_id, coalesce(b.asset, l.asset) AS asset,
                coalesce(b.available, 0) AS available, coalesce(b.held, 0) AS held,
                coalesce(l.available, 0) AS ledger_available, coalesce(l.held, 0) AS ledger_held
           FROM balances b
           FULL OUTER JOIN (SELECT user_id, asset,
                                   sum(CASE WHEN bucket = 'available' THEN delta ELSE 0 END) AS available,
                                   sum(CASE WHEN bucket = 'held' THEN delta ELSE 0 END) AS held
                              FROM ledger_entries GROUP BY user_id, asset) l
             ON l.user_id = b.user_id AND l.asset = b.asset`,
      )
      .all<{ user_id: string; asset: string; available: number; held: number; ledger_available: number; ledger_held: number }>()
  ).results;
  for (const b of balances) {
    if (b.available !== b.ledger_available || b.held !== b.ledger_held) {
      mismatches.push({
        kind: "balance_ledger_mismatch",
        subject: `${b.user_id}/${b.asset}`,
        detail: `balance ${b.available}+${b.held} held, ledger ${b.ledger_available}+${b.ledger_held} held`,
      });
    }
  }

  // What each hold's ledger entries must add up to, by state: held → the amount moved to `held`;
  // released → nothing left anywhere; posted → `posted_amount` (or all) gone from the user.
  const holds = (
    await db
      .prepare(
        `SELECT h.id, h.state, h.amount, h.posted_amount,
                coalesce(sum(CASE WHEN l.bucket = 'held' THEN l.delta END), 0) AS held,
                coalesce(sum(CASE WHEN l.bucket = 'available' THEN l.delta END), 0) AS available
           FROM holds h LEFT JOIN ledger_entries l ON l.hold_id = h.id GROUP BY h.id`,
      )
      .all<{ id: string; state: string; amount: number; posted_amount: number | null; held: number; available: number }>()
  ).results;
  for (const h of holds) {
    const spent = h.posted_amount ?? h.amount;
    const expected = h.state === "held" ? [h.amount, -h.amount] : h.state === "released" ? [0, 0] : [0, -spent];
    if (h.held !== expected[0] || h.available !== expected[1]) {
      mismatches.push({ kind: "hold_ledger_mismatch", subject: h.id, detail: `${h.state} hold of ${h.amount}: ledger held ${h.held}, available ${h.available}` });
    }
  }

  const withdrawals = (
    await db
      .prepare(
        `SELECT w.id, w.status, w.tx_id, w.to_address, w.amount, w.pool_id, w.updated_at,
                sum(CASE WHEN h.purpose = 'withdrawal' AND h.state = 'held' THEN 1 ELSE 0 END) AS w_held,
                sum(CASE WHEN h.purpose = 'withdrawal' AND h.state = 'posted' THEN 1 ELSE 0 END) AS w_posted,
                sum(CASE WHEN h.purpose = 'withdrawal' AND h.state = 'released' THEN 1 ELSE 0 END) AS w_released,
                sum(CASE WHEN h.state = 'held' THEN 1 ELSE 0 END) AS any_held,
                sum(CASE WHEN h.state = 'posted' THEN 1 ELSE 0 END) AS any_posted
           FROM withdrawals w LEFT JOIN holds h ON h.withdrawal_id = w.id GROUP BY w.id`,
      )
      .all<{ id: string; status: string; tx_id: string | null; to_address: string; amount: number; pool_id: string; updated_at: number; w_held: number; w_posted: number; w_released: number; any_held: number; any_posted: number }>()
  ).results;
  for (const w of withdrawals) {
    const ok =
      w.status === "completed"
        ? w.w_posted === 1 && w.any_held === 0
        : w.status === "failed" || w.status === "cancelled"
          ? w.w_released === 1 && w.any_held === 0 && w.any_posted === 0
          : w.w_held === 1 && w.w_posted === 0 && w.w_released === 0;
    if (!ok) mismatches.push({ kind: "withdrawal_hold_mismatch", subject: w.id, detail: `${w.status}: amount hold held ${w.w_held}, posted ${w.w_posted}, released ${w.w_released}; other holds held ${w.any_held - w.w_held}` });
  }

  const tron = new TronClient(env.TRON_API_URL, { apiKey: env.TRON_API_KEY });
  const wallets = new Set((await listPools(db)).flatMap((p) => [p.hot_wallet_address, p.fee_wallet_address, p.rental_wallet_address]).filter((a): a is string => !!a));
  const onChain = withdrawals.filter((w) => w.tx_id && (w.status === "completed" || w.status === "failed") && w.updated_at >= opts.since).slice(0, MAX_CHAIN_CHECKS);
  for (const w of onChain) {
    const info = await tron.transactionInfo(w.tx_id!, true);
    if (w.status === "failed") {
      // The worst case: refunded, yet the money left.
      if (info?.result === "SUCCESS") mismatches.push({ kind: "failed_but_succeeded_on_chain", subject: w.id, detail: `tx ${w.tx_id} succeeded but the withdrawal was refunded` });
      continue;
    }
    if (info?.result !== "SUCCESS") {
      mismatches.push({ kind: "completed_not_on_chain", subject: w.id, detail: `tx ${w.tx_id}: ${info ? info.result : "not solidified"}` });
      continue;
    }
    const transfer = await tron.transferOf(w.tx_id!);
    const expected = "a9059cbb" + encodeTransferParameter(w.to_address, w.amount);
    if (!transfer || transfer.data !== expected || transfer.contract !== env.USDT_CONTRACT || !wallets.has(transfer.owner)) {
      mismatches.push({ kind: "completed_transfer_differs", subject: w.id, detail: `tx ${w.tx_id} does not send ${w.amount} to ${w.to_address} from a pool wallet` });
    }
  }

  const result: Reconciliation = {
    id: crypto.randomUUID(),
    checked: { balances: balances.length, holds: holds.length, withdrawals: withdrawals.length, transactions: onChain.length },
    mismatches,
  };
  await db
    .prepare("INSERT INTO reconciliation_runs (id, trigger, started_at, finished_at, checked, mismatches, mismatch_count) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(result.id, opts.trigger, started, Date.now(), JSON.stringify(result.checked), JSON.stringify(mismatches), mismatches.length)
    .run();
  for (const m of mismatches) log("reconciliation_mismatch", { run_id: result.id, ...m });
  log("reconciliation_run", { run_id: result.id, trigger: opts.trigger, ...result.checked, mismatches: mismatches.length });
  return result;
}
