import { median, type ProviderRecord } from "../domain/external";

// Providers' track records, from the purchase orders this service placed: they decide ties between
// equally priced providers and are what operators see per provider.

export interface ProviderFigures extends ProviderRecord {
  provider: string;
  failed: number;
  success_rate: number | null;
  avg_sun_per_energy: number | null;
}

interface Row {
  provider: string;
  status: string;
  energy: number;
  cost_sun: number | null;
  ordered_at: number | null;
  delivered_at: number | null;
}

/** Over the most recent orders (a provider's recent behaviour matters more than last year's). */
export async function providerFigures(db: D1Database, limit = 2_000): Promise<Record<string, ProviderFigures>> {
  const rows = (
    await db
      .prepare("SELECT provider, status, energy, cost_sun, ordered_at, delivered_at FROM purchase_orders WHERE status <> 'created' ORDER BY created_at DESC LIMIT ?")
      .bind(limit)
      .all<Row>()
  ).results;
  const out: Record<string, ProviderFigures> = {};
  const byProvider = new Map<string, Row[]>();
  for (const r of rows) byProvider.set(r.provider, [...(byProvider.get(r.provider) ?? []), r]);
  for (const [provider, list] of byProvider) {
    const delivered = list.filter((r) => r.status === "delivered" || r.status === "completed");
    const failed = list.filter((r) => r.status === "failed");
    const settled = delivered.length + failed.length;
    const paid = delivered.filter((r) => r.cost_sun !== null);
    const energy = paid.reduce((n, r) => n + r.energy, 0);
    out[provider] = {
      provider,
      orders: list.length,
      delivered: delivered.length,
      failed: failed.length,
      success_rate: settled ? delivered.length / settled : null,
      medianDeliverySec: median(delivered.filter((r) => r.ordered_at !== null && r.delivered_at !== null).map((r) => (r.delivered_at! - r.ordered_at!) / 1000)),
      avg_sun_per_energy: energy ? paid.reduce((n, r) => n + r.cost_sun!, 0) / energy : null,
    };
  }
  return out;
}
