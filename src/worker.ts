import { createApp } from "./app";
import type { Env } from "./env";
import { listPools } from "./db/pools";
import { IDEMPOTENCY_RETENTION_MS } from "./idempotency";
import { log } from "./log";
import { purgeLimits } from "./limits";
import { reconcile } from "./reconcile";

export { EnergyPool } from "./objects/energy-pool";

const app = createApp();

export default {
  fetch: app.fetch,

  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    const expired = await env.DB.prepare("DELETE FROM idempotency_keys WHERE created_at < ?").bind(controller.scheduledTime - IDEMPOTENCY_RETENTION_MS).run();
    const windows = await purgeLimits(env.DB, controller.scheduledTime);
    // Each pool's alarm runs only while it has work; the cron wakes every active pool so that work
    // left in D1 alone by a crash (a queued withdrawal the pool never recorded) is found.
    const pools = (await listPools(env.DB)).filter((p) => p.active);
    const ticks = await Promise.allSettled(pools.map((p) => env.ENERGY_POOL.getByName(p.id).tick(p.id)));
    ticks.forEach((t, i) => {
      if (t.status === "rejected") log("pool_tick_failed", { pool_id: pools[i].id, error: String(t.reason) });
    });
    // Once an hour (the first run of each hour), the auditors' check over the last two hours.
    if (new Date(controller.scheduledTime).getUTCMinutes() < 5) {
      await reconcile(env, { since: controller.scheduledTime - 2 * 3_600_000, trigger: "cron" }).catch((e) =>
        log("reconciliation_failed", { error: e instanceof Error ? e.message : String(e) }),
      );
    }
    log("cron_run", { cron: controller.cron, pools: pools.length, idempotency_keys_expired: expired.meta.changes ?? 0, rate_windows_purged: windows });
  },
} satisfies ExportedHandler<Env>;
