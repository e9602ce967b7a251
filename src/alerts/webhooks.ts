import type { AlertKind } from "../domain/alerts";

// Alert webhooks: Slack-compatible (`{"text"}`), Discord-compatible (`{"content"}`), or generic
// JSON signed with HMAC-SHA256 over `timestamp.body` so that the receiver can check origin and
// freshness (the same scheme as Stripe's and Slack's request signing).

export type WebhookKind = "slack" | "discord" | "generic";

export interface WebhookTarget {
  kind: WebhookKind;
  url: string;
  secret: string | null;
}

export interface AlertPayload {
  alert_id: string;
  level: AlertKind;
  pool_id: string;
  pool_name: string;
  usage_percentage: number;
  energy_available: number;
  energy_limit: number;
  suggested_actions: string[];
  text: string;
  created_at: string;
}

export const SIGNATURE_HEADER = "x-energy-fallback-signature";
export const TIMESTAMP_HEADER = "x-energy-fallback-timestamp";
const TIMEOUT_MS = 5_000;

export async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function webhookRequest(target: WebhookTarget, payload: AlertPayload, nowMs: number): Promise<Request> {
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "energy-fallback-alerts/1" };
  let body: string;
  if (target.kind === "slack") body = JSON.stringify({ text: payload.text });
  else if (target.kind === "discord") body = JSON.stringify({ content: payload.text });
  else {
    body = JSON.stringify({ event: "energy_alert", ...payload });
    if (!target.secret) throw new Error("a generic webhook needs a secret to sign with");
    const timestamp = String(Math.floor(nowMs / 1000));
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = `sha256=${await hmacHex(target.secret, `${timestamp}.${body}`)}`;
  }
  return new Request(target.url, { method: "POST", headers, body });
}

/** One attempt; the caller retries with backoff. */
export async function deliver(target: WebhookTarget, payload: AlertPayload, nowMs: number): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  try {
    const res = await fetch(await webhookRequest(target, payload, nowMs), { signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.body?.cancel();
    return { ok: res.ok, status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (e) {
    return { ok: false, status: null, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Seconds to wait after failed attempt `n` (1-based): 5, 10, 20, 40, 80. */
export function backoffMs(attempt: number): number {
  return 5_000 * 2 ** (attempt - 1);
}

export const MAX_ATTEMPTS = 6;
