// Operators follow `wrangler tail`: one JSON line per event, the `event` field names it.
export function log(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ...fields }));
}
