import { formatAmount } from "../domain/amount";

// Withdrawal rows and their state transitions in D1. A transition and the money it moves are one
// batch; the hold update is conditioned in SQL on the transition having happened, because a D1
// batch cannot branch.

export const WITHDRAWAL_STATUSES = ["pending", "queued", "postponed", "processing", "broadcast", "completed", "failed", "cancelled"] as const;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

export interface WithdrawalRow {
  id: string;
  user_id: string;
  pool_id: string;
  to_address: string;
  amount: number;
  status: WithdrawalStatus;
  method: string | null;
  priority: number;
  energy_required: number | null;
  fee_sun: number;
  tx_id: string | null;
  energy_used: number | null;
  burned_sun: number | null;
  failure_reason: string | null;
  idempotency_key: string;
  created_at: number;
  updated_at: number;
}

export function withdrawalView(w: WithdrawalRow) {
  return {
    id: w.id,
    asset: "USDT" as const,
    to_address: w.to_address,
    amount: formatAmount(w.amount),
    status: w.status,
    method: w.method,
    priority: w.priority,
    energy_required: w.energy_required,
    fee_trx: formatAmount(w.fee_sun),
    tx_id: w.tx_id,
    failure_reason: w.failure_reason,
    created_at: new Date(w.created_at).toISOString(),
    updated_at: new Date(w.updated_at).toISOString(),
  };
}

export async function getWithdrawal(db: D1Database, id: string): Promise<WithdrawalRow | null> {
  return db.prepare("SELECT * FROM withdrawals WHERE id = ?").bind(id).first<WithdrawalRow>();
}

export async function getOwnWithdrawal(db: D1Database, id: string, userId: string): Promise<WithdrawalRow | null> {
  return db.prepare("SELECT * FROM withdrawals WHERE id = ? AND user_id = ?").bind(id, userId).first<WithdrawalRow>();
}

export interface Transition {
  from: readonly WithdrawalStatus[];
  to: WithdrawalStatus;
  /** What happens to the withdrawal's open holds when the transition happens. */
  holds?: "post" | "release";
  set?: Partial<Pick<WithdrawalRow, "method" | "energy_required" | "tx_id" | "energy_used" | "burned_sun" | "failure_reason">>;
}

/** Applies the transition if the withdrawal is in one of `from`; returns whether it did. */
export async function transition(db: D1Database, id: string, t: Transition, now = Date.now()): Promise<boolean> {
  const sets = Object.entries(t.set ?? {});
  const assignments = ["status = ?", "updated_at = ?", ...sets.map(([k]) => `${k} = ?`)].join(", ");
  const placeholders = t.from.map(() => "?").join(", ");
  const statements = [
    db
      .prepare(`UPDATE withdrawals SET ${assignments} WHERE id = ? AND status IN (${placeholders})`)
      .bind(t.to, now, ...sets.map(([, v]) => v ?? null), id, ...t.from),
  ];
  if (t.holds) {
    statements.push(
      db
        .prepare(
          `UPDATE holds SET state = ?, resolved_at = ?
            WHERE withdrawal_id = ? AND state = 'held'
              AND EXISTS (SELECT 1 FROM withdrawals WHERE id = ? AND status = ? AND updated_at = ?)`,
        )
        .bind(t.holds === "post" ? "posted" : "released", now, id, id, t.to, now),
    );
  }
  const [first] = await db.batch(statements);
  return (first.meta.changes ?? 0) > 0;
}
