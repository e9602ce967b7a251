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
  postpone_until: number | null;
  external_quotes: string | null;
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
    postpone_until: w.postpone_until === null ? null : new Date(w.postpone_until).toISOString(),
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

export type NotificationKind =
  | "queued"
  | "queue_position"
  | "processing"
  | "completed"
  | "failed"
  | "cancelled"
  | "queue_expired"
  | "postponed"
  | "postpone_due"
  | "returned_to_pending";

export interface Transition {
  from: readonly WithdrawalStatus[];
  to: WithdrawalStatus;
  /** What happens to the withdrawal's open holds (all of them, or one purpose's). */
  holds?: { action: "post" | "release"; purpose?: "withdrawal" | "fee"; /** Post only this much of the fee hold; the rest is refunded. */ feePosted?: number };
  /** A new hold taken with the transition: if the balance cannot cover it, nothing happens. */
  hold?: { asset: "TRX" | "USDT"; amount: number; purpose: "withdrawal" | "fee" };
  notify?: { kind: NotificationKind; data?: Record<string, unknown> };
  set?: Partial<
    Pick<WithdrawalRow, "method" | "priority" | "fee_sun" | "postpone_until" | "energy_required" | "tx_id" | "energy_used" | "burned_sun" | "failure_reason">
  >;
}

/**
 * Applies the transition if the withdrawal is in one of `from`; returns the updated row if it did,
 * null if it did not. Every other
 * statement of the batch is conditioned on the withdrawal having just reached `to` (same
 * updated_at), because a D1 batch cannot branch.
 */
export async function transition(db: D1Database, id: string, t: Transition, now = Date.now()): Promise<WithdrawalRow | null> {
  const sets = Object.entries(t.set ?? {});
  const assignments = ["status = ?", "updated_at = ?", ...sets.map(([k]) => `${k} = ?`)].join(", ");
  const placeholders = t.from.map(() => "?").join(", ");
  const happened = "EXISTS (SELECT 1 FROM withdrawals WHERE id = ? AND status = ? AND updated_at = ?)";
  const statements = [
    db
      .prepare(`UPDATE withdrawals SET ${assignments} WHERE id = ? AND status IN (${placeholders}) RETURNING *`)
      .bind(t.to, now, ...sets.map(([, v]) => v ?? null), id, ...t.from),
  ];
  if (t.holds) {
    statements.push(
      db
        .prepare(
          `UPDATE holds SET state = ?, resolved_at = ?, posted_amount = CASE WHEN purpose = 'fee' THEN ? ELSE NULL END
            WHERE withdrawal_id = ? AND state = 'held' AND purpose LIKE ? AND ${happened}`,
        )
        .bind(t.holds.action === "post" ? "posted" : "released", now, t.holds.feePosted ?? null, id, t.holds.purpose ?? "%", id, t.to, now),
    );
  }
  if (t.hold) {
    statements.push(
      db
        .prepare(
          `INSERT INTO holds (id, user_id, asset, amount, purpose, withdrawal_id, state, created_at)
           SELECT ?, user_id, ?, ?, ?, id, 'held', ? FROM withdrawals WHERE id = ? AND status = ? AND updated_at = ?`,
        )
        .bind(crypto.randomUUID(), t.hold.asset, t.hold.amount, t.hold.purpose, now, id, t.to, now),
    );
  }
  if (t.notify) {
    statements.push(
      db
        .prepare(
          `INSERT INTO notifications (id, user_id, withdrawal_id, kind, data, created_at)
           SELECT ?, user_id, id, ?, ?, ? FROM withdrawals WHERE id = ? AND status = ? AND updated_at = ?`,
        )
        .bind(crypto.randomUUID(), t.notify.kind, JSON.stringify({ status: t.to, ...t.notify.data }), now, id, t.to, now),
    );
  }
  try {
    const [first] = await db.batch<WithdrawalRow>(statements);
    return first.results[0] ?? null;
  } catch (e) {
    if (t.hold && String(e).includes("CHECK constraint failed")) throw new InsufficientBalanceError(t.hold.asset);
    throw e;
  }
}

export class InsufficientBalanceError extends Error {
  constructor(readonly asset: "TRX" | "USDT") {
    super(`insufficient ${asset} balance`);
  }
}
