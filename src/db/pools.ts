import { DEFAULT_FALLBACK_CONFIG, type FallbackConfig } from "../domain/config";

export interface PoolRow {
  id: string;
  name: string;
  hot_wallet_address: string;
  fee_wallet_address: string | null;
  rental_wallet_address: string | null;
  active: number;
  fallback_config: string;
}

export async function getPool(db: D1Database, id: string): Promise<PoolRow | null> {
  return db.prepare("SELECT * FROM pools WHERE id = ?").bind(id).first<PoolRow>();
}

export async function listPools(db: D1Database): Promise<PoolRow[]> {
  return (await db.prepare("SELECT * FROM pools ORDER BY id").all<PoolRow>()).results;
}

/** The stored config holds only what operators changed; the rest comes from the defaults. */
export function fallbackConfigOf(pool: PoolRow): FallbackConfig {
  return { ...DEFAULT_FALLBACK_CONFIG, ...(JSON.parse(pool.fallback_config || "{}") as Partial<FallbackConfig>) };
}
