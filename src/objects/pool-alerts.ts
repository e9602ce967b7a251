import { alertText, suggestedActions, type AlertKind } from "../domain/alerts";
import { backoffMs, deliver, MAX_ATTEMPTS, type AlertPayload } from "../alerts/webhooks";
import { log } from "../log";
import type { PoolStore } from "./pool-store";
import { ADMIN_CHANNEL, type PoolSockets } from "./pool-sockets";

// Raising an alert and getting it to people: the admins' sockets at once, every configured webhook
// through the pool's outbox (retried with backoff by the alarm), each delivery logged in D1.

export interface AlertStatus {
  pool_id: string;
  pool_name: string;
  usage_percentage: number;
  energy_available: number;
  energy_limit: number;
}

interface WebhookRow {
  id: string;
  kind: "slack" | "discord" | "generic";
  url: string;
  secret: string | null;
}

export class PoolAlerts {
  readonly #db: D1Database;
  readonly #store: PoolStore;
  readonly #sockets: PoolSockets;

  constructor(db: D1Database, store: PoolStore, sockets: PoolSockets) {
    this.#db = db;
    this.#store = store;
    this.#sockets = sockets;
  }

  /** `poolNow` (chain time) schedules the deliveries; the alert itself is stamped with wall time. */
  async raise(kind: AlertKind, s: AlertStatus, poolNow: number): Promise<string> {
    const now = Date.now();
    const id = crypto.randomUUID();
    const facts = { poolName: s.pool_name, usagePercent: s.usage_percentage, energyAvailable: s.energy_available, energyLimit: s.energy_limit };
    const payload: AlertPayload = {
      alert_id: id,
      level: kind,
      pool_id: s.pool_id,
      pool_name: s.pool_name,
      usage_percentage: s.usage_percentage,
      energy_available: s.energy_available,
      energy_limit: s.energy_limit,
      suggested_actions: suggestedActions(kind),
      text: alertText(kind, facts),
      created_at: new Date(now).toISOString(),
    };
    const hooks = (
      await this.#db.prepare("SELECT id, kind, url, secret FROM webhooks WHERE active = 1 AND (pool_id IS NULL OR pool_id = ?)").bind(s.pool_id).all<WebhookRow>()
    ).results;

    const sockets = this.#sockets.send(ADMIN_CHANNEL, (who) => ({
      type: "alert",
      data: { ...payload, text: alertText(kind, facts, who.lang), suggested_actions: suggestedActions(kind, who.lang) },
      timestamp: payload.created_at,
    }));
    const deliveries = hooks.map((h) => ({ id: crypto.randomUUID(), hook: h }));
    await this.#db.batch([
      this.#db
        .prepare("INSERT INTO alerts (id, pool_id, level, usage_percentage, energy_available, energy_limit, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(id, s.pool_id, kind, s.usage_percentage, s.energy_available, s.energy_limit, payload.text, now),
      this.#db
        .prepare("INSERT INTO alert_deliveries (id, alert_id, channel, status, attempts, last_status, created_at, updated_at) VALUES (?, ?, 'websocket', 'delivered', 1, ?, ?, ?)")
        .bind(crypto.randomUUID(), id, sockets, now, now),
      ...deliveries.map((d) =>
        this.#db
          .prepare("INSERT INTO alert_deliveries (id, alert_id, channel, webhook_id, status, attempts, created_at, updated_at) VALUES (?, ?, 'webhook', ?, 'pending', 0, ?, ?)")
          .bind(d.id, id, d.hook.id, now, now),
      ),
    ]);
    for (const d of deliveries) {
      this.#store.addToOutbox({ delivery_id: d.id, alert_id: id, kind: d.hook.kind, url: d.hook.url, secret: d.hook.secret, payload: JSON.stringify(payload), attempts: 0, next_at: poolNow });
    }
    log("alert_raised", { alert_id: id, pool_id: s.pool_id, level: kind, usage_percentage: s.usage_percentage, admin_sockets: sockets, webhooks: hooks.length });
    return id;
  }

  /** One attempt for each due delivery; failures wait 5, 10, 20, 40, 80 s (pool time), then give up. */
  async deliverDue(now: number): Promise<void> {
    for (const d of this.#store.claimDue(now)) {
      const result = await deliver({ kind: d.kind, url: d.url, secret: d.secret }, JSON.parse(d.payload) as AlertPayload, Date.now());
      const attempts = d.attempts + 1;
      const final = result.ok || attempts >= MAX_ATTEMPTS;
      if (final) this.#store.dropFromOutbox(d.delivery_id);
      else this.#store.retryLater(d.delivery_id, now + backoffMs(attempts));
      await this.#db
        .prepare("UPDATE alert_deliveries SET status = ?, attempts = ?, last_status = ?, last_error = ?, updated_at = ? WHERE id = ?")
        .bind(result.ok ? "delivered" : final ? "failed" : "pending", attempts, result.status, result.error, Date.now(), d.delivery_id)
        .run();
      log("alert_delivery", { delivery_id: d.delivery_id, alert_id: d.alert_id, kind: d.kind, attempt: attempts, ok: result.ok, status: result.status, error: result.error });
    }
  }
}
