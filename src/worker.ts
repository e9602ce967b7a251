import { createApp } from "./app";
import type { Env } from "./env";
import { IDEMPOTENCY_RETENTION_MS } from "./idempotency";
import { log } from "./log";

export { EnergyPool } from "./objects/energy-pool";

const app = createApp();

export default {
  fetch: app.fetch,

  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    const expired = await env.DB.prepare("DELETE FROM idempotency_keys WHERE created_at < ?").bind(controller.scheduledTime - IDEMPOTENCY_RETENTION_MS).run();
    log("cron_run", { cron: controller.cron, idempotency_keys_expired: expired.meta.changes ?? 0 });
  },
} satisfies ExportedHandler<Env>;
