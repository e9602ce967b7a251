import { env } from "cloudflare:workers";

// A fingerprint of every D1 table (found at run time, so new tables are covered): its row count and
// the sum of each numeric column. Any insert or delete, and almost any update (each moves an
// updated_at, a count or a state's companion number), changes it.

export async function fingerprintQuery(): Promise<string> {
  const tables = (
    await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY name").all<{ name: string }>()
  ).results.map((t) => t.name);
  const parts: string[] = [];
  for (const t of tables) {
    const cols = (await env.DB.prepare("SELECT name FROM pragma_table_info(?) WHERE upper(type) IN ('INTEGER', 'REAL')").bind(t).all<{ name: string }>()).results.map((c) => c.name);
    parts.push(`(SELECT count(*)${cols.map((c) => ` || ':' || total("${c}")`).join("")} FROM "${t}") AS "${t}"`);
  }
  return `SELECT ${parts.join(", ")}`;
}

export async function fingerprint(query: string): Promise<string> {
  return JSON.stringify(await env.DB.prepare(query).first());
}

/** The tables whose fingerprint changed, with before and after. */
export function diff(before: string, after: string): string {
  const b = JSON.parse(before) as Record<string, string>;
  const a = JSON.parse(after) as Record<string, string>;
  return Object.keys(a)
    .filter((k) => a[k] !== b[k])
    .map((k) => `${k} ${b[k]} -> ${a[k]}`)
    .join(", ");
}
